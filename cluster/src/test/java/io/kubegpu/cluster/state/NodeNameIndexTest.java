package io.kubegpu.cluster.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.fixtures.GpuNodes;
import io.kubegpu.cluster.it.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A snapshot finds each node by name, as the filter looks up every candidate, through nodes coming and going. */
class NodeNameIndexTest {
    private final ClusterState state = new ClusterState(new ManualClock(Instant.parse("2026-12-07T12:00:00Z")));

    /** A copy with the same characters: request bodies are decoded into new strings, never the state's own. */
    private static String fresh(String name) {
        return new String(name.toCharArray());
    }

    @Test
    void findsEveryNodeByANameDecodedElsewhereAndNothingForOthers() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            names.add("gpu-node-" + i);
        }
        names.forEach(name -> state.upsertNode(GpuNodes.node(name).gpus(8).build()));
        ClusterSnapshot snapshot = state.snapshot();
        for (String name : names) {
            assertThat(snapshot.nodeOrNull(fresh(name))).as(name).isNotNull().extracting(NodeState::name).isEqualTo(name);
        }
        assertThat(snapshot.nodeOrNull("gpu-node-1000")).isNull();
        assertThat(snapshot.nodeOrNull("")).isNull();
    }

    @Test
    void namesWithTheSameHashAreToldApart() {
        // "Aa" and "BB" hash alike, so every string of them of one length does too.
        List<String> colliding = List.of("AaAa", "AaBB", "BBAa");
        assertThat(List.of("AaAa", "AaBB", "BBAa", "BBBB").stream().map(String::hashCode).distinct()).hasSize(1);
        for (int i = 0; i < colliding.size(); i++) {
            state.upsertNode(GpuNodes.node(colliding.get(i)).gpus(i + 1).build());
        }
        ClusterSnapshot snapshot = state.snapshot();
        for (int i = 0; i < colliding.size(); i++) {
            assertThat(snapshot.nodeOrNull(fresh(colliding.get(i))).node().gpuCount()).isEqualTo(i + 1);
        }
        // The same hash as all three, a name the state has never seen.
        assertThat(snapshot.nodeOrNull("BBBB")).isNull();
        state.deleteNode("AaBB");
        assertThat(state.snapshot().nodeOrNull("AaBB")).isNull();
        assertThat(state.snapshot().nodeOrNull(fresh("BBAa")).node().gpuCount()).isEqualTo(3);
    }

    @Test
    void aGoneNodesSlotTakenByAnotherNameIsFoundOnlyByTheNewName() {
        for (int i = 0; i < 20; i++) {
            state.upsertNode(GpuNodes.node("old-" + i).gpus(8).build());
        }
        ClusterSnapshot before = state.snapshot();
        for (int i = 0; i < 10; i++) {
            state.deleteNode("old-" + i);
        }
        for (int i = 0; i < 10; i++) {
            state.upsertNode(GpuNodes.node("new-" + i).gpus(2).build());
        }
        ClusterSnapshot after = state.snapshot();
        for (int i = 0; i < 10; i++) {
            assertThat(after.nodeOrNull("old-" + i)).as("old-" + i).isNull();
            assertThat(after.nodeOrNull("new-" + i).node().gpuCount()).isEqualTo(2);
            assertThat(after.nodeOrNull("old-" + (i + 10)).node().gpuCount()).isEqualTo(8);
        }
        // A snapshot taken earlier still sees the cluster as it was.
        assertThat(before.nodeOrNull("old-3").node().gpuCount()).isEqualTo(8);
        assertThat(before.nodeOrNull("new-3")).isNull();
    }

    @Test
    void namesBeyondAsciiAndLongNamesAreFound() {
        // Not valid node names, but the state must still find them (and nothing else): a character beyond Latin-1, one
        // within it but beyond ASCII, and a name longer than a node name may be.
        String greek = "gpu-\u03b1";
        String latin = "gpu-\u00e9";
        String longName = "n".repeat(300);
        List.of(greek, latin, longName, "gpu-a").forEach(name -> state.upsertNode(GpuNodes.node(name).gpus(1).build()));
        ClusterSnapshot snapshot = state.snapshot();
        for (String name : List.of(greek, latin, longName, "gpu-a")) {
            assertThat(snapshot.nodeOrNull(fresh(name))).as(name).isNotNull().extracting(NodeState::name).isEqualTo(name);
        }
        assertThat(snapshot.nodeOrNull("gpu-\u00e8")).isNull();
        assertThat(snapshot.nodeOrNull("gpu-\u03b2")).isNull();
        assertThat(snapshot.nodeOrNull("n".repeat(299))).isNull();
        assertThat(snapshot.nodeOrNull("n".repeat(301))).isNull();
    }

    @Test
    void aNameIsNotFoundByItsPrefixOrByALongerName() {
        List.of("gpu-1", "gpu-12", "gpu-123").forEach(name -> state.upsertNode(GpuNodes.node(name).gpus(name.length()).build()));
        ClusterSnapshot snapshot = state.snapshot();
        assertThat(snapshot.nodeOrNull(fresh("gpu-12")).node().gpuCount()).isEqualTo(6);
        assertThat(snapshot.nodeOrNull("gpu-")).isNull();
        assertThat(snapshot.nodeOrNull("gpu-1234")).isNull();
        assertThat(snapshot.nodeOrNull("gpu-13")).isNull();
    }

    @Test
    void aNodeKnownOnlyThroughItsPodsIsFound() {
        state.upsertPod(new GpuPod("uid-1", "ns", "p", "not-yet-seen", false, Map.of("nvidia.com/gpu", 1L), List.of()));
        assertThat(state.snapshot().nodeOrNull(fresh("not-yet-seen")).used("nvidia.com/gpu")).isEqualTo(1);
        assertThat(state.snapshot().nodeCount()).isZero();
    }
}
