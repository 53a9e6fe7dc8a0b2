package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.it.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scheduler Deployment's two replicas: two kube-scheduler processes with leader election on the rendered lease,
 * each with its own sidecar from the jar. The leader pair is killed (kill -9 of both) in the middle of a mixed burst;
 * the standby takes the lease and, with its sidecar's state kept warm from the API server, completes the burst with no
 * GPU given out twice. The lease timings are shortened (4 s instead of 15 s) to keep the test short.
 */
class LeaderFailoverIT {
    private static final Consumer<Map<String, Object>> SHORT_LEASE = config -> {
        @SuppressWarnings("unchecked")
        Map<String, Object> election = (Map<String, Object>) config.get("leaderElection");
        election.put("leaseDuration", "4s");
        election.put("renewDeadline", "3s");
        election.put("retryPeriod", "1s");
    };

    private static FaultCluster cluster;
    private static SchedulerPair first;
    private static SchedulerPair second;

    @BeforeAll
    static void start() throws Exception {
        cluster = new FaultCluster();
        first = SchedulerPair.start(cluster.install, "replica-a", SHORT_LEASE);
        second = SchedulerPair.start(cluster.install, "replica-b", SHORT_LEASE);
    }

    @AfterAll
    static void stop() {
        Closing.all(first, second, cluster);
    }

    /** The pair whose sidecar decided for {@code pod}: only the leader's kube-scheduler calls its sidecar. */
    private static SchedulerPair decidedBy(String pod) {
        String path = "/explain/" + cluster.work.namespace + "/" + pod;
        return Http.status(first.health(path).toString()) == 200 ? first : Http.status(second.health(path).toString()) == 200 ? second : null;
    }

    @Test
    void theStandbyTakesOverFromAKilledLeaderAndTheBurstCompletesWithNoGpuGivenOutTwice() throws Exception {
        String probe = cluster.work.create("probe", FaultCluster.SCHEDULER, cluster.onOurNodes(Workload.PodSpec.whole(1, "V100")));
        cluster.work.awaitNode(probe);
        SchedulerPair leader = decidedBy(probe);
        assertThat(leader).as("one sidecar decided the probe").isNotNull();
        SchedulerPair standby = leader == first ? second : first;

        Future<List<String>> burst = cluster.burst("failover");
        Eventually.until(Workload.WAIT, "the burst is under way (4 more pods bound)", () -> cluster.bound() >= 5);
        leader.killAll();
        long killedAt = System.nanoTime();
        // The first pod the standby's sidecar decides and its kube-scheduler binds: the failover is complete.
        Eventually.until(Workload.WAIT, "the standby places a pod", () -> cluster.work.placements().entrySet().stream()
                .anyMatch(p -> p.getValue() != null && decidedBy(p.getKey()) == standby));
        FaultCluster.report("leader failover", "first pod placed by the standby after kill -9 of the leader pair",
                Duration.ofNanos(System.nanoTime() - killedAt));

        List<String> pods = burst.get(2, TimeUnit.MINUTES);
        Map<String, String> placements = cluster.awaitSettled();
        FaultCluster.report("leader failover", "from the kill to the burst's last placement", Duration.ofNanos(cluster.lastPlacement() - killedAt));
        assertThat(placements.keySet()).containsAll(pods);
        // The pods placed after the kill were decided by the standby's sidecar.
        String late = pods.stream().filter(p -> placements.get(p) != null && decidedBy(p) == standby).findFirst().orElse(null);
        assertThat(late).as("a burst pod the standby's sidecar decided").isNotNull();
        cluster.assertV100sFilled(placements);
        Invariants.assertNone();
    }
}
