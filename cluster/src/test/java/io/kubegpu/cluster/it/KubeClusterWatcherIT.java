package io.kubegpu.cluster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.GpuAssignment;
import io.kubegpu.cluster.watch.KubeClusterWatcher;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.cluster.state.PendingPod;
import io.kubegpu.cluster.state.PendingPods;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The informer-fed cluster state against a real kube-apiserver. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubeClusterWatcherIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String GPU = "nvidia.com/gpu";
    private static final Map<String, String> V100_LABELS = Map.of(
            "nvidia.com/gpu.product", "Tesla-V100-SXM2-32GB", "nvidia.com/gpu.memory", "32510", "nvidia.com/gpu.count", "8");

    private static TestCluster cluster;
    private static ClusterState state;
    private static PendingPods pending;
    private static KubeClusterWatcher watcher;

    @BeforeAll
    static void start() throws Exception {
        ApiClient client = ControlPlane.client();
        cluster = new TestCluster(client);
        state = new ClusterState(Clock.systemUTC());
        pending = new PendingPods();
        watcher = new KubeClusterWatcher(client, state, ClusterConfig.defaults(), true, pending, Clock.systemUTC(), List.of());
        watcher.start();
        Eventually.until(WAIT, "the informers have synced", () -> state.snapshot().synced());
    }

    @AfterAll
    static void stop() {
        if (watcher != null) {
            watcher.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Optional<NodeState> node(String name) {
        return state.snapshot().node(name);
    }

    @Test
    @Order(1)
    void nodesAndBoundPodsCreatedThroughTheApiAppearInTheSnapshot() throws Exception {
        String nodeName = cluster.createNode("v100", V100_LABELS, Map.of(GPU, "8", "cpu", "64", "memory", "512Gi"));
        Eventually.assertThat(WAIT, () -> {
            var gpuNode = node(nodeName).map(NodeState::node).orElseThrow(() -> new AssertionError("node not seen yet"));
            assertThat(gpuNode.allocatable(GPU)).isEqualTo(8);
            assertThat(gpuNode.ready()).isTrue();
            assertThat(gpuNode.model().smallest().id()).isEqualTo("V100-32GB");
            assertThat(gpuNode.gpuMemoryMiB()).isEqualTo(32768);
        });

        V1Pod pod = cluster.createPod("trainer", Map.of(GPU, "2"), Map.of("kubegpu.io/gpu", "2(V100)"));
        // Pending pods hold nothing; they wait, from the API server's creation time, in the console's pending list.
        String key = cluster.namespace + "/" + pod.getMetadata().getName();
        Eventually.until(WAIT, "the pending pod is seen", () -> pending.list().stream().anyMatch(p -> p.key().equals(key)));
        assertThat(state.pod(pod.getMetadata().getUid())).isNull();
        assertThat(node(nodeName).orElseThrow().used(GPU)).isZero();
        PendingPod waiting = pending.list().stream().filter(p -> p.key().equals(key)).findFirst().orElseThrow();
        assertThat(waiting.createdAt()).isEqualTo(pod.getMetadata().getCreationTimestamp().toInstant());
        assertThat(waiting.annotations()).containsEntry("kubegpu.io/gpu", "2(V100)");
        assertThat(waiting.requests()).containsEntry(GPU, 2L);

        cluster.bind(pod, nodeName);
        Eventually.until(WAIT, "the bound pod is counted", () -> node(nodeName).orElseThrow().used(GPU) == 2);
        Eventually.until(WAIT, "the bound pod no longer waits", () -> pending.list().stream().noneMatch(p -> p.key().equals(key)));
        assertThat(node(nodeName).orElseThrow().pods()).extracting(p -> p.key())
                .containsExactly(cluster.namespace + "/" + pod.getMetadata().getName());
    }

    @Test
    @Order(2)
    void updatesAndDeletesAreReflected() throws Exception {
        String nodeName = cluster.createNode("a100", Map.of("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-40GB"), Map.of(GPU, "4"));
        Eventually.until(WAIT, "the node is seen", () -> node(nodeName).map(n -> n.node() != null).orElse(false));

        cluster.patchNode(nodeName, "{\"metadata\":{\"labels\":{\"nvidia.com/gpu.product\":\"NVIDIA-A100-SXM4-80GB\"}},"
                + "\"spec\":{\"unschedulable\":true}}");
        Eventually.assertThat(WAIT, () -> {
            var gpuNode = node(nodeName).orElseThrow().node();
            assertThat(gpuNode.model().smallest().id()).isEqualTo("A100-80GB");
            assertThat(gpuNode.unschedulable()).isTrue();
        });

        V1Pod pod = cluster.createPod("job", Map.of(GPU, "3"), Map.of());
        cluster.bind(pod, nodeName);
        Eventually.until(WAIT, "the bound pod is counted", () -> node(nodeName).orElseThrow().used(GPU) == 3);
        cluster.forceDelete(pod);
        Eventually.until(WAIT, "the deleted pod is released", () -> node(nodeName).orElseThrow().used(GPU) == 0);

        cluster.deleteNode(nodeName);
        Eventually.until(WAIT, "the deleted node is gone", () -> node(nodeName).isEmpty());
    }

    @Test
    @Order(3)
    void sharedGpuAssignmentsAreAccounted() throws Exception {
        String nodeName = cluster.createNode("t4", Map.of("nvidia.com/gpu.product", "Tesla-T4", "nvidia.com/gpu.memory", "15360"),
                Map.of(GPU, "4", "aliyun.com/gpu-mem", "64", "aliyun.com/gpu-count", "4"));
        var slices = List.of(new GpuSlice(1, 8192, 500));
        V1Pod ours = cluster.createPod("infer", Map.of("aliyun.com/gpu-mem", "8"),
                GpuAssignment.annotations(nodeName, slices, Instant.now()));
        V1Pod gpushare = cluster.createPod("legacy", Map.of("aliyun.com/gpu-mem", "4"),
                Map.of(GpuAssignment.GPUSHARE_INDEX, "1", GpuAssignment.GPUSHARE_POD_MEMORY, "4"));
        cluster.bind(ours, nodeName);
        cluster.bind(gpushare, nodeName);
        Eventually.assertThat(WAIT, () -> {
            NodeState t4 = node(nodeName).orElseThrow();
            assertThat(t4.sharedMemoryMiB(1)).isEqualTo(12288);
            assertThat(t4.sharedMilli(1)).isEqualTo(500);
            assertThat(t4.sharedHolders(1)).isEqualTo(2);
            assertThat(t4.used("aliyun.com/gpu-mem")).isEqualTo(12);
        });
    }

    @Test
    @Order(4)
    void survivesAnApiServerRestartWithoutBeingRestarted() throws Exception {
        assumeTrue(ControlPlane.isLocal(), "restarting needs the local control plane, not " + ControlPlane.KUBECONFIG_ENV);
        String nodeName = cluster.createNode("restart", V100_LABELS, Map.of(GPU, "8"));
        Eventually.until(WAIT, "the node is seen", () -> node(nodeName).map(n -> n.node() != null).orElse(false));

        ControlPlane.stop();
        ControlPlane.start();

        V1Pod pod = Eventually.value(WAIT, "the API server accepts requests again", () -> {
            try {
                return cluster.createPod("after-restart", Map.of(GPU, "1"), Map.of());
            } catch (Exception e) {
                return null;
            }
        });
        cluster.bind(pod, nodeName);
        Eventually.until(Duration.ofSeconds(60), "the watch has recovered and counts the new pod",
                () -> node(nodeName).orElseThrow().used(GPU) == 1);
        assertThat(state.snapshot().synced()).isTrue();
    }
}
