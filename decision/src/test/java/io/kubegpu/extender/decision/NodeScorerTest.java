package io.kubegpu.extender.decision;

import static io.kubegpu.extender.decision.DecisionFixtures.CONFIG;
import static io.kubegpu.extender.decision.DecisionFixtures.FIT;
import static io.kubegpu.extender.decision.DecisionFixtures.demand;
import static io.kubegpu.extender.decision.DecisionFixtures.node;
import static io.kubegpu.extender.decision.DecisionFixtures.shared;
import static io.kubegpu.extender.decision.DecisionFixtures.usage;
import static io.kubegpu.extender.decision.DecisionFixtures.whole;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class NodeScorerTest {
    private static NodeScorer scorer(Policy policy) {
        return new NodeScorer(policy, LiveLoad.NONE, 0, CONFIG.vendors().all());
    }

    /** Three 8-GPU nodes with 0, 4 and 6 GPUs taken. */
    private static List<NodeScorer.Candidate> threeNodes(PodDemand demand) {
        List<NodeScorer.Candidate> out = new ArrayList<>();
        int[] taken = {0, 4, 6};
        for (int i = 0; i < taken.length; i++) {
            GpuNode node = node("n" + i, "A100-80GB", 8);
            GpuPod[] pods = taken[i] == 0 ? new GpuPod[0] : new GpuPod[] {whole("p" + i, node.name(), taken[i])};
            var usage = usage(node, pods);
            out.add(new NodeScorer.Candidate(node.name(), node, usage, FIT.judge(node.name(), demand, node, usage)));
        }
        return out;
    }

    private static int[] totals(ScoreParts[] parts) {
        return Arrays.stream(parts).mapToInt(ScoreParts::total).toArray();
    }

    @Test
    void binpackPrefersFullerNodesAndSpreadEmptierOnes() {
        PodDemand pod = demand("2");
        // After placing 2 GPUs: 2/8, 6/8, 8/8 allocated.
        assertThat(totals(scorer(Policy.BINPACK).score(pod, threeNodes(pod)))).containsExactly(3, 8, 10);
        assertThat(totals(scorer(Policy.SPREAD).score(pod, threeNodes(pod)))).containsExactly(8, 3, 0);
    }

    @Test
    void balancedPrefersNodesNearTheCandidatesMean() {
        PodDemand pod = demand("2");
        // Allocation after: 0.25, 0.75, 1.0; mean 0.667: distances 0.417, 0.083, 0.333.
        assertThat(totals(scorer(Policy.BALANCED).score(pod, threeNodes(pod)))).containsExactly(6, 9, 7);
    }

    @Test
    void aPodCanOverrideThePolicy() {
        PodDemand spreadPod = demand("2", Policy.ANNOTATION, "spread");
        assertThat(totals(scorer(Policy.BINPACK).score(spreadPod, threeNodes(spreadPod)))).containsExactly(8, 3, 0);
    }

    @Test
    void nodesThePodDoesNotFitScoreZero() {
        PodDemand pod = demand("4");
        // n2 has only 2 free: filtered, and scored 0 if asked.
        assertThat(totals(scorer(Policy.BINPACK).score(pod, threeNodes(pod)))).containsExactly(5, 10, 0);
    }

    @Test
    void sharesPreferFillingAnAlreadySharedGpu() {
        PodDemand pod = demand("4G,0.25");
        GpuNode fresh = node("fresh", "T4", 4);
        GpuNode partly = node("partly", "T4", 4);
        var freshUsage = usage(fresh);
        var partlyUsage = usage(partly, shared("a", "partly", 0, 8192, 500));
        List<NodeScorer.Candidate> candidates = List.of(
                new NodeScorer.Candidate("fresh", fresh, freshUsage, FIT.judge("fresh", pod, fresh, freshUsage)),
                new NodeScorer.Candidate("partly", partly, partlyUsage, FIT.judge("partly", pod, partly, partlyUsage)));
        ScoreParts[] parts = scorer(Policy.SPREAD).score(pod, candidates);
        // Even under spread, the packing part favours the node whose shared GPU it fills (12 of 16 GiB).
        assertThat(parts[1].fragmentation()).isEqualTo(7.5);
        assertThat(parts[0].fragmentation()).isEqualTo(2.5);
        assertThat(parts[1].total()).isGreaterThan(parts[0].total());
    }

    @Test
    void freshLiveLoadLowersBusyNodesAndStaleDataIsIgnored() {
        PodDemand pod = demand("2");
        LiveLoad load = node -> node.equals("n0") ? OptionalDouble.of(1.0) : OptionalDouble.empty();
        ScoreParts[] parts = new NodeScorer(Policy.SPREAD, load, 0.5, CONFIG.vendors().all()).score(pod, threeNodes(pod));
        // n0: spread 7.5, live 0 -> 3.75 -> 4; the others have no data and keep their policy score.
        assertThat(totals(parts)).containsExactly(4, 3, 0);
        assertThat(parts[0].live()).isZero();
        assertThat(parts[1].live()).isEqualTo(-1);
    }

    @Test
    void nonGpuPodsGetNeutralScores() {
        PodDemand none = DecisionFixtures.podJson("{\"metadata\":{\"name\":\"w\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}");
        assertThat(totals(scorer(Policy.BINPACK).score(none, threeNodes(none)))).containsExactly(0, 0, 0);
    }
}
