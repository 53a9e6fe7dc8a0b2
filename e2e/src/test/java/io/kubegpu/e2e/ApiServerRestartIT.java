package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API server (and etcd) restarted in the middle of a mixed burst, under a running kube-scheduler and its sidecar
 * from the jar: the sidecar's watches break, it relists, decides nothing until the relist is applied, and the burst
 * completes with no GPU given out twice — without restarting the sidecar. kube-scheduler, whose leader election cannot
 * renew the lease while the API server is away, exits as it does in a cluster, and is started again as the kubelet would.
 */
class ApiServerRestartIT {
    private static FaultCluster cluster;
    private static SchedulerPair pair;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(ControlPlane.isLocal(), "the API server can be restarted only on the local control plane");
        cluster = new FaultCluster();
        pair = SchedulerPair.start(cluster.install, "restart");
    }

    @AfterAll
    static void stop() {
        Closing.all(pair, cluster);
    }

    @Test
    void theSidecarRelistsAfterAnApiServerRestartAndTheBurstCompletesWithNoGpuGivenOutTwice() throws Exception {
        Future<List<String>> burst = cluster.burst("restart");
        Eventually.until(Workload.WAIT, "the burst is under way (4 pods bound)", () -> cluster.bound() >= 4);

        long boundBefore = cluster.bound();
        long stoppedAt = System.nanoTime();
        ControlPlane.restartApiServer();
        long backAt = System.nanoTime();
        FaultCluster.report("API server restart", "API server and etcd stopped and ready again", Duration.ofNanos(backAt - stoppedAt));
        // kube-scheduler cannot renew its lease while the API server is away and exits; in the pod the kubelet starts it again.
        boolean schedulerRestarted = pair.restartSchedulerIfExited();
        System.out.println("[fault-tier] API server restart: kube-scheduler " + (schedulerRestarted ? "had exited (lease lost) and was restarted"
                : "kept running"));
        Eventually.until(Workload.WAIT, "the sidecar is ready again (relisted)", () -> Http.status(pair.health("/readyz").toString()) == 200);
        FaultCluster.report("API server restart", "sidecar ready after the API server was back", Duration.ofNanos(System.nanoTime() - backAt));
        assertThat(pair.extender().isAlive()).as("the sidecar survived without a restart").isTrue();

        List<String> pods = burst.get(3, TimeUnit.MINUTES);
        Map<String, String> placements = cluster.awaitSettled();
        FaultCluster.report("API server restart", "from the stop to the burst's last placement", Duration.ofNanos(cluster.lastPlacement() - stoppedAt));
        assertThat(placements.keySet()).containsAll(pods);
        assertThat(cluster.bound()).as("pods placed after the restart").isGreaterThan(boundBefore);
        cluster.assertV100sFilled(placements);
        Invariants.assertNone();
    }
}
