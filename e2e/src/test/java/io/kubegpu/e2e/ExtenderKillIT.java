package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.it.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the scheduler's sidecar (the jar, as the chart renders it) in the middle of a mixed burst, in a cluster with
 * thousands of pending pods so the new process's sync takes seconds; it is started again from the same rendered
 * arguments. Until it has synced it decides nothing (kube-scheduler retries), then the burst completes, and no GPU is
 * given out twice.
 */
class ExtenderKillIT {
    private static final int FILLERS = 3000;

    private static Fillers fillers;
    private static FaultCluster cluster;
    private static SchedulerPair pair;

    @BeforeAll
    static void start() throws Exception {
        long began = System.nanoTime();
        fillers = Fillers.create(FILLERS);
        FaultCluster.report("kill -9", FILLERS + " filler pods created", Duration.ofNanos(System.nanoTime() - began));
        cluster = new FaultCluster();
        pair = SchedulerPair.start(cluster.install, "kill");
    }

    @AfterAll
    static void stop() {
        Closing.all(pair, cluster, fillers);
    }

    @Test
    void aKilledExtenderSyncsAgainAndTheBurstCompletesWithNoGpuGivenOutTwice() throws Exception {
        Future<List<String>> burst = cluster.burst("kill");
        Eventually.until(Workload.WAIT, "the burst is under way (4 pods bound)", () -> cluster.bound() >= 4);

        pair.killSidecar();
        long killedAt = System.nanoTime();
        long boundAtKill = cluster.bound();
        JarProcess restarted = pair.startSidecarUnready();
        long restartedAt = System.nanoTime();
        // While it lists thousands of pods it is not ready, and decides nothing.
        boolean sawUnready = false;
        while (Http.status(pair.health("/readyz").toString()) != 200) {
            // Listening but not ready: the informers' LIST of thousands of pods is still being applied.
            sawUnready |= Http.status(pair.health("/healthz").toString()) == 200;
            assertThat(restarted.waitFor(Duration.ofMillis(50))).as("the restarted extender exited:\n" + restarted.tail(20)).isFalse();
            assertThat(System.nanoTime() - restartedAt).as("ready within two minutes").isLessThan(Duration.ofMinutes(2).toNanos());
        }
        FaultCluster.report("kill -9", "new extender ready (its sync of " + FILLERS + "+ pods" + (sawUnready ? ", seen unready" : "") + ")",
                Duration.ofNanos(System.nanoTime() - restartedAt));

        List<String> pods = burst.get(2, TimeUnit.MINUTES);
        Map<String, String> placements = cluster.awaitSettled();
        FaultCluster.report("kill -9", "from the kill to the burst's last placement", Duration.ofNanos(cluster.lastPlacement() - killedAt));

        assertThat(placements.keySet()).containsAll(pods);
        assertThat(cluster.bound()).as("pods placed after the restart").isGreaterThan(boundAtKill);
        cluster.assertV100sFilled(placements);
        Invariants.assertNone();
    }
}
