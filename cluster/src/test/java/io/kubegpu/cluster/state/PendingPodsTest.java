package io.kubegpu.cluster.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The GPU pods waiting for a node: kept beside the snapshots, oldest first, each keeping the wait it started with. */
class PendingPodsTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private static PendingPod pod(String uid, long secondsAfter) {
        return new PendingPod(uid, "ns", "pod-" + uid, T0.plusSeconds(secondsAfter), null, Map.of("kubegpu.io/gpu", "1"),
                Map.of("nvidia.com/gpu", 1L));
    }

    @Test
    void oldestFirstAndRemovedWhenBoundOrGone() {
        PendingPods pending = new PendingPods();
        pending.upsert(pod("b", 20));
        pending.upsert(pod("a", 10));
        pending.upsert(pod("c", 30));
        assertThat(pending.list()).extracting(PendingPod::uid).containsExactly("a", "b", "c");
        List<PendingPod> before = pending.list();
        pending.remove("b");
        assertThat(pending.list()).extracting(PendingPod::uid).containsExactly("a", "c");
        assertThat(before).as("a list read earlier does not change").hasSize(3);
        assertThat(pending.size()).isEqualTo(2);
    }

    @Test
    void aNewVersionKeepsTheFirstWaitAndAListReplacesEverything() {
        PendingPods pending = new PendingPods();
        pending.upsert(pod("a", 10));
        pending.upsert(new PendingPod("a", "ns", "pod-a", T0.plusSeconds(500), "gpu-scheduler", Map.of("kubegpu.io/gpu", "2"), Map.of()));
        assertThat(pending.list()).singleElement().satisfies(p -> {
            assertThat(p.createdAt()).isEqualTo(T0.plusSeconds(10));
            assertThat(p.schedulerName()).isEqualTo("gpu-scheduler");
            assertThat(p.annotations()).containsEntry("kubegpu.io/gpu", "2");
        });
        pending.replaceAll(List.of(pod("a", 900), pod("z", 5)));
        assertThat(pending.list()).extracting(PendingPod::uid, PendingPod::createdAt).containsExactly(
                org.assertj.core.groups.Tuple.tuple("z", T0.plusSeconds(5)), org.assertj.core.groups.Tuple.tuple("a", T0.plusSeconds(10)));
    }

    @Test
    void aNodesStateWithoutOneHolderLeavesThePublishedStateAlone() {
        ClusterState state = new ClusterState(java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC));
        state.upsertNode(new GpuNode("n", true, false, List.of(), "T4", null, 16384, 4, Map.of("nvidia.com/gpu", 4L)));
        state.upsertPod(new GpuPod("p1", "ns", "p1", "n", false, Map.of("nvidia.com/gpu", 3L), List.of()));
        state.upsertPod(new GpuPod("p2", "ns", "p2", "n", false, Map.of("aliyun.com/gpu-mem", 4L), List.of(new GpuSlice(3, 4096, 0))));
        state.reserve(new Reservation("r", "ns/r", "n", Map.of("nvidia.com/gpu", 1L), List.of(), T0, T0.plusSeconds(60)));
        NodeState node = state.snapshot().node("n").orElseThrow();
        assertThat(node.withoutHolder("p1").used("nvidia.com/gpu")).isEqualTo(1);
        assertThat(node.withoutHolder("p2").sharedGpusInUse()).isZero();
        assertThat(node.withoutHolder("r").used("nvidia.com/gpu")).isEqualTo(3);
        assertThat(state.snapshot().node("n").orElseThrow().used("nvidia.com/gpu")).isEqualTo(4);
    }
}
