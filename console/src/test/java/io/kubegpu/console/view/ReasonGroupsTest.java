package io.kubegpu.console.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.extender.decision.FitReason;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.NodeVerdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The extender's own reasons, produced by its GpuFit on real nodes, grouped as the console shows them. */
class ReasonGroupsTest {
    private final SampleCluster sample = new SampleCluster().with("""
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: Node, metadata: {name: gpu-t4-3, labels: {nvidia.com/gpu.product: Tesla-T4, nvidia.com/gpu.memory: "15360"}},
               status: {allocatable: {nvidia.com/gpu: "4"}, conditions: [{type: Ready, status: "True"}]}}
            - {apiVersion: v1, kind: Pod, metadata: {name: a, namespace: ns}, spec: {nodeName: gpu-t4-3,
               containers: [{name: c, resources: {limits: {nvidia.com/gpu: "3"}}}]}, status: {phase: Running}}
            - {apiVersion: v1, kind: Node, metadata: {name: gpu-t4-4, labels: {nvidia.com/gpu.product: Tesla-T4, nvidia.com/gpu.memory: "15360",
               nvidia.com/gpu.count: "1"}}, status: {allocatable: {nvidia.com/gpu: "1", aliyun.com/gpu-mem: "15"},
               conditions: [{type: Ready, status: "True"}]}}
            - {apiVersion: v1, kind: Pod, metadata: {name: b, namespace: ns, annotations: {kubegpu.io/assigned-node: gpu-t4-4,
               kubegpu.io/assigned-gpus: "0:12288:0"}}, spec: {nodeName: gpu-t4-4,
               containers: [{name: c, resources: {limits: {aliyun.com/gpu-mem: "12"}}}]}, status: {phase: Running}}
            """);

    private List<ReasonGroups.Group> groups(String request) {
        GpuFit.Prepared prepared = sample.fit.prepare(sample.demands.read("ns/p", "uid-p", java.util.Map.of("kubegpu.io/gpu", request),
                java.util.Map.of()));
        List<NodeVerdict> verdicts = Evaluation.judgeAll(prepared, sample.state.snapshot());
        return ReasonGroups.of(verdicts);
    }

    private static ReasonGroups.Group group(List<ReasonGroups.Group> groups, String reason) {
        return groups.stream().filter(g -> g.reason().equals(reason)).findFirst().orElseThrow(() -> new AssertionError(reason + " in " + groups));
    }

    @Test
    void occupiedNodesComeFirstAndDifferentCountsOfFreeGpusAreOneGroup() {
        var groups = groups("2(T4)");
        // gpu-t4-1 has 2 of 4 free (two GPUs carry shares): it fits. gpu-t4-3 has 1 of 4 free: fewer than 2.
        assertThat(groups.get(0).reason()).isEqualTo("fewer than 2 GPUs free");
        assertThat(groups.get(0).outcome()).isEqualTo("occupied");
        assertThat(groups.get(0).nodes()).containsExactly(new ReasonGroups.NodeNote("gpu-t4-3", "1 of 4 nvidia.com/gpu free, the pod needs 2"));
        ReasonGroups.Group model = group(groups, "GPU model is not T4");
        assertThat(model.outcome()).isEqualTo("unresolvable");
        assertThat(model.text()).isEqualTo(model.count() + " nodes: GPU model is not T4");
        assertThat(model.nodes()).contains(new ReasonGroups.NodeNote("gpu-v100-1", "has V100-32GB"),
                new ReasonGroups.NodeNote("cpu-1", "has no GPU model label"));
        assertThat(groups.stream().mapToInt(ReasonGroups.Group::count).sum()).as("every node but the fitting gpu-t4-1 and gpu-t4-2").isEqualTo(11);
    }

    @Test
    void aNodeWithNoFreeGpuIsAllInUseAndTooFewInAllIsItsOwnGroup() {
        var groups = groups("8(A100-80G)");
        assertThat(group(groups, "all GPUs in use").nodes()).extracting(ReasonGroups.NodeNote::node).containsExactly("gpu-a100-80g-1");
        var many = groups("6(T4)");
        assertThat(group(many, "fewer than 6 nvidia.com/gpu in all").nodes()).extracting(ReasonGroups.NodeNote::node, ReasonGroups.NodeNote::detail)
                .contains(org.assertj.core.groups.Tuple.tuple("gpu-t4-1", "has 4"));
    }

    @Test
    void theMemoryGuardsAndTheSharesReasonsKeepTheirWords() {
        var guard = groups("40G,0.5(T4)");
        assertThat(group(guard, "T4 has 16 GiB per GPU; 40G,0.5 needs 40 GiB on one GPU").count()).isEqualTo(4);
        assertThat(group(groups("16G(T4)"), "node reports 15 GiB usable per GPU (16 GiB nominal), the pod needs 16 GiB on one GPU").count())
                .isEqualTo(4);
        // gpu-t4-4's one GPU has 12 of its 15 GiB handed out.
        ReasonGroups.Group share = group(groups("8G(T4)"), "no GPU has 8 GiB free");
        assertThat(share.nodes()).containsExactly(new ReasonGroups.NodeNote("gpu-t4-4", "most free: GPU 0 with 3 GiB and 1 of its compute"));
    }

    @Test
    void anUnrecognizedReasonIsAGroupOfItsOwnText() {
        // A kind the grouping does not know (the guard words its own sentences): a group of its own text.
        var groups = ReasonGroups.of(List.of(verdict("n1", new FitReason.CardRefused("something new")),
                verdict("n2", new FitReason.CardRefused("something new"))));
        assertThat(groups).singleElement().satisfies(g -> {
            assertThat(g.text()).isEqualTo("2 nodes: something new");
            assertThat(g.nodes()).containsExactly(new ReasonGroups.NodeNote("n1", null), new ReasonGroups.NodeNote("n2", null));
        });
    }

    @Test
    void aGroupListsAtMostFiftyNodesButCountsThemAll() {
        List<NodeVerdict> many = new java.util.ArrayList<>();
        for (int i = 0; i < 120; i++) {
            many.add(verdict("n" + i, new FitReason.NotReady()));
        }
        assertThat(ReasonGroups.of(many)).singleElement().satisfies(g -> {
            assertThat(g.count()).isEqualTo(120);
            assertThat(g.nodes()).hasSize(ReasonGroups.NODES_LISTED);
        });
    }

    private static NodeVerdict verdict(String node, FitReason reason) {
        return new NodeVerdict(node, NodeVerdict.Outcome.OCCUPIED, reason, List.of(), false);
    }
}
