package io.kubegpu.cluster.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.NodeState;
import java.io.StringReader;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class ManifestLoaderTest {
    private final ClusterState state = new ClusterState(Clock.systemUTC());
    private final ManifestLoader loader = new ManifestLoader(ClusterConfig.defaults());

    private NodeState node(String name) {
        return state.snapshot().node(name).orElseThrow();
    }

    @Test
    void theBuiltInSampleClusterLoadsWithItsUsage() {
        ManifestLoader.Summary summary = loader.loadSample(state);
        ClusterSnapshot snapshot = state.snapshot();
        assertThat(snapshot.synced()).isTrue();
        assertThat(summary.nodes()).isEqualTo(11);
        assertThat(snapshot.nodeCount()).isEqualTo(11);

        assertThat(node("gpu-v100-1").used("nvidia.com/gpu")).isEqualTo(2);
        assertThat(node("gpu-v100-1").node().gpuMemoryMiB()).isEqualTo(32768);
        assertThat(node("gpu-v100-2").used("nvidia.com/gpu")).as("its only pod has Succeeded").isZero();
        assertThat(node("gpu-a100-80g-1").used("nvidia.com/gpu")).isEqualTo(8);
        assertThat(node("gpu-a100-40g-1").used("nvidia.com/gpu")).as("max(init 1, app 4)").isEqualTo(4);
        assertThat(node("gpu-a100-40g-1").node().gpuMemoryMiB()).isEqualTo(40960);
        assertThat(node("cube-v100-1").node().model().isFamily()).isTrue();
        assertThat(node("gpu-h100-1").node().taints()).hasSize(1);
        assertThat(node("gpu-l40s-1").node().ready()).isFalse();
        assertThat(node("gpu-a10-1").node().unschedulable()).isTrue();
        assertThat(node("cpu-1").node().gpuCount()).isZero();

        NodeState t4 = node("gpu-t4-1");
        assertThat(t4.node().model().smallest().id()).isEqualTo("T4");
        assertThat(t4.sharedMemoryMiB(0)).as("8 GiB (ours) + 4 GiB (gpushare)").isEqualTo(12288);
        assertThat(t4.sharedMilli(0)).isEqualTo(500);
        assertThat(t4.sharedMemoryMiB(2)).isEqualTo(4096);
        assertThat(t4.used("aliyun.com/gpu-mem")).isEqualTo(16);
        assertThat(node("gpu-t4-2").pods()).isEmpty();
    }

    @Test
    void theSamplesPendingGpuPodsWaitSinceTheLoad() {
        var pending = new io.kubegpu.cluster.state.PendingPods();
        java.time.Instant loaded = java.time.Instant.parse("2026-12-01T10:00:00Z");
        loader.loadSample(state, pending, loaded);
        assertThat(pending.list()).extracting(io.kubegpu.cluster.state.PendingPod::key).containsExactlyInAnyOrder("team-llm/waiting-h100",
                "team-cv/waiting-a100-80g");
        assertThat(pending.list()).allSatisfy(p -> assertThat(p.createdAt()).isEqualTo(loaded));
        assertThat(state.snapshot().nodes().stream().flatMap(n -> n.pods().stream()).map(p -> p.name()))
                .as("a pending pod holds nothing").doesNotContain("waiting-h100", "waiting-a100-80g");
    }

    @Test
    void readsSeveralDocumentsAndIgnoresOtherKinds() {
        String yaml = """
                apiVersion: v1
                kind: Node
                metadata: {name: n1, labels: {gpu-type: T4}}
                status: {allocatable: {nvidia.com/gpu: 4}}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ignored}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ns, creationTimestamp: 2026-11-23T10:00:00Z}
                spec: {nodeName: n1, containers: [{name: c, resources: {limits: {nvidia.com/gpu: 1}}}]}
                """;
        ManifestLoader.Summary summary = loader.load(new StringReader(yaml), "test.yaml", state);
        assertThat(summary).isEqualTo(new ManifestLoader.Summary(1, 1, 1));
        assertThat(node("n1").used("nvidia.com/gpu")).isEqualTo(1);
        assertThat(node("n1").node().gpuMemoryMiB()).isEqualTo(16384);
    }

    @Test
    void reportsBadManifestsWithTheSource() {
        assertThatThrownBy(() -> loader.load(new StringReader("kind: Node\nmetadata: {labels: {a: b}}\n"), "bad.yaml", state))
                .isInstanceOf(ManifestLoader.ManifestException.class).hasMessageContaining("bad.yaml").hasMessageContaining("metadata.name");
        assertThatThrownBy(() -> loader.load(new StringReader("kind: [unclosed"), "broken.yaml", state))
                .isInstanceOf(ManifestLoader.ManifestException.class).hasMessageStartingWith("broken.yaml: not valid YAML");
        assertThatThrownBy(() -> loader.load(new StringReader("- just\n- a list\n"), "list.yaml", state))
                .isInstanceOf(ManifestLoader.ManifestException.class).hasMessageContaining("expected a Kubernetes object");
    }
}
