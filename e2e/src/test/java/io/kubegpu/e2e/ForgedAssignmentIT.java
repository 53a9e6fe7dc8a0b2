package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's forged assignments, on the real kube-scheduler and the chart-rendered sidecar from the jar. Anyone who may
 * create a pod may write its annotations (this pod carries no opt-in label, so it skips the webhook).
 */
class ForgedAssignmentIT {
    private static FaultCluster cluster;
    private static SchedulerPair pair;

    @BeforeAll
    static void start() throws Exception {
        cluster = new FaultCluster();
        pair = SchedulerPair.start(cluster.install, "forged");
    }

    @AfterAll
    static void stop() {
        Closing.all(pair, cluster);
    }

    @Test
    void aPendingPodWithAForgedTinyAssignmentEndsWithARealOne() {
        String t4 = cluster.t4.get(0);
        String pod = cluster.work.create("forged-tiny", FaultCluster.SCHEDULER, cluster.onOurNodes(Workload.PodSpec.share(8, "0.5")
                .annotated(Map.of("kubegpu.io/assigned-node", t4, "kubegpu.io/assigned-gpus", "0:1:0"))));
        String node = cluster.work.awaitNode(pod);
        Map<String, String> annotations = cluster.work.annotations(pod);
        assertThat(annotations.get("kubegpu.io/assigned-node")).isEqualTo(node);
        // 8 GiB and half the compute, as asked: not the 1 MiB and no compute the pod's author wrote.
        assertThat(annotations.get("kubegpu.io/assigned-gpus")).matches("[0-3]:8192:500");
        Invariants.assertNone();
    }

    @Test
    void boundPodsWithAbsurdGpuIndicesLeaveTheExtenderReadyAndSaneAfterARestart() {
        String t4 = cluster.t4.get(1);
        String huge = cluster.work.create("index-1e8", "nobody-schedules-this", cluster.onOurNodes(Workload.PodSpec.share(1, "0.1")
                .annotated(Map.of("kubegpu.io/assigned-node", t4, "kubegpu.io/assigned-gpus", "100000000:1:0"))));
        String max = cluster.work.create("index-max", "nobody-schedules-this", cluster.onOurNodes(Workload.PodSpec.share(1, "0.1")
                .annotated(Map.of("kubegpu.io/assigned-node", t4, "kubegpu.io/assigned-gpus", "2147483647:1:0"))));
        cluster.work.bind(huge, t4);
        cluster.work.bind(max, t4);

        // A restart reads them in its first list: it must neither crash nor size anything by them.
        assertThat(pair.extender().stop()).as("exit status after SIGTERM").isIn(0, 143);
        pair.startSidecar();
        String share = cluster.work.create("after-restart", FaultCluster.SCHEDULER, cluster.onOurNodes(Workload.PodSpec.share(4, "0.25")));
        assertThat(cluster.t4).contains(cluster.work.awaitNode(share));
        assertThat(cluster.work.annotations(share).get("kubegpu.io/assigned-gpus")).matches("[0-3]:4096:250");
        assertThat(Http.get(pair.health("/metrics").toString()).statusCode()).isEqualTo(200);

        // The operator's check sees exactly the two forged pods: bound shares whose assignment no device plugin can read.
        Invariants.Result forged = Invariants.check();
        assertThat(forged.status()).as(forged.output()).isEqualTo(1);
        assertThat(forged.output().lines().filter(l -> l.contains(": SHARE_")).toList()).as(forged.output()).hasSize(2)
                .allMatch(l -> l.startsWith(t4 + ": SHARE_WITHOUT_ASSIGNMENT: pod " + cluster.work.namespace + "/index-"));
        cluster.work.deleteAllPods();
        Invariants.assertNone();
    }
}
