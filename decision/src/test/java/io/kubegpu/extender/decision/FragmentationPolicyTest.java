package io.kubegpu.extender.decision;

import static io.kubegpu.extender.decision.DecisionFixtures.CONFIG;
import static io.kubegpu.extender.decision.DecisionFixtures.FIT;
import static io.kubegpu.extender.decision.DecisionFixtures.demand;
import static io.kubegpu.extender.decision.DecisionFixtures.node;
import static io.kubegpu.extender.decision.DecisionFixtures.shared;
import static io.kubegpu.extender.decision.DecisionFixtures.usage;
import static io.kubegpu.extender.decision.DecisionFixtures.whole;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.placement.GpuLayout;
import io.kubegpu.extender.placement.TaskShape;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.Vendor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fragmentation policy as the extender runs it: prioritize scores, the GPU bind takes, the learned task mix. */
class FragmentationPolicyTest {
    private static final WorkloadProfile GENERIC = WorkloadProfile.generic(CONFIG.vendors().all());
    private static final GpuFit FRAGMENTATION_FIT = new GpuFit(new MemoryGuard(GpuCatalog.builtIn()), CONFIG.vendors().all(),
            Policy.FRAGMENTATION, GENERIC);

    private static NodeScorer.Candidate candidate(GpuFit fit, PodDemand demand, GpuNode node, GpuPod... pods) {
        NodeState usage = usage(node, pods);
        return new NodeScorer.Candidate(node.name(), node, usage, fit.judge(node.name(), demand, node, usage));
    }

    @Test
    void aShareScoresHighestWhereItFillsASharedGpu() {
        PodDemand pod = demand("0.5");
        List<NodeScorer.Candidate> candidates = new ArrayList<>();
        GpuNode empty = node("empty", "T4", 4);
        GpuNode half = node("half", "T4", 4);
        GpuNode whole = node("whole", "T4", 4);
        candidates.add(candidate(FIT, pod, empty));
        candidates.add(candidate(FIT, pod, half, shared("s", "half", 0, 8192, 500)));
        candidates.add(candidate(FIT, pod, whole, whole("w", "whole", 2)));
        ScoreParts[] parts = new NodeScorer(Policy.FRAGMENTATION, LiveLoad.NONE, 0, CONFIG.vendors().all(), GENERIC).score(pod, candidates);
        int[] totals = Arrays.stream(parts).mapToInt(ScoreParts::total).toArray();
        assertThat(totals[1]).isEqualTo(10);
        assertThat(totals[1]).isGreaterThan(totals[0]).isGreaterThan(totals[2]);
        assertThat(parts[1].fragmentation()).as("no separate packing part under this policy").isEqualTo(-1);
    }

    @Test
    void theDefaultPolicyOnlyAppliesWithoutAPodOverride() {
        // The two policies disagree here: for one whole GPU, fragmentation prefers the node it fills up (its last
        // free GPU was no use to larger pods), spread the empty node.
        GpuNode empty = node("empty", "T4", 4);
        GpuNode busy = node("busy", "T4", 4);
        NodeScorer scorer = new NodeScorer(Policy.FRAGMENTATION, LiveLoad.NONE, 0, CONFIG.vendors().all(), GENERIC);
        PodDemand byDefault = demand("1");
        ScoreParts[] fragmentation = scorer.score(byDefault,
                List.of(candidate(FIT, byDefault, empty), candidate(FIT, byDefault, busy, whole("w", "busy", 3))));
        assertThat(fragmentation[1].total()).isGreaterThan(fragmentation[0].total());
        PodDemand spread = demand("1", Policy.ANNOTATION, "spread");
        ScoreParts[] parts = scorer.score(spread,
                List.of(candidate(FIT, spread, empty), candidate(FIT, spread, busy, whole("w", "busy", 3))));
        assertThat(parts[0].total()).isGreaterThan(parts[1].total());
    }

    @Test
    void bindTakesTheGpuThatKeepsTheRemainderUsable() {
        // GPU 0 has 750 thousandths free (a quarter shared), GPU 1 has 600. A quarter share: best fit takes GPU 1 and
        // leaves 350, which no half share fits; the fragmentation policy takes GPU 0 and leaves 500 and 600.
        GpuNode node = node("n", "T4", 2);
        GpuPod[] pods = {shared("a", "n", 0, 4096, 250), shared("b", "n", 1, 6554, 400)};
        PodDemand quarter = demand("0.25");
        NodeState state = usage(node, pods);
        assertThat(FIT.judge("n", quarter, node, state).slices().get(0).index()).isEqualTo(1);
        assertThat(FRAGMENTATION_FIT.judge("n", quarter, node, state).slices().get(0).index()).isEqualTo(0);
        assertThat(FRAGMENTATION_FIT.prepare(quarter).judge("n", node, state).slices().get(0).index())
                .as("the filter only says it fits: bind chooses").isEqualTo(1);
        PodDemand binpack = demand("0.25", Policy.ANNOTATION, "binpack");
        assertThat(FRAGMENTATION_FIT.judge("n", binpack, node, state).slices().get(0).index()).isEqualTo(1);
    }

    @Test
    void aNodesPlacementIsRememberedUntilItsStateChanges() {
        NodeScorer scorer = new NodeScorer(Policy.FRAGMENTATION, LiveLoad.NONE, 0, CONFIG.vendors().all(), GENERIC);
        PodDemand pod = demand("1");
        GpuNode busy = node("busy", "T4", 4);
        NodeScorer.Candidate empty = candidate(FIT, pod, node("empty", "T4", 4));
        NodeScorer.Candidate half = candidate(FIT, pod, node("half", "T4", 4), whole("h", "half", 2));
        NodeScorer.Candidate threeUsed = candidate(FIT, pod, busy, whole("w", "busy", 3));
        ScoreParts[] first = scorer.score(pod, List.of(empty, half, threeUsed));
        assertThat(first[2].total()).as("filling the busy node's last GPU").isEqualTo(10);
        assertThat(scorer.score(pod, List.of(empty, half, threeUsed))).as("the same states, the same answer").isEqualTo(first);
        // The busy node's pods finish: a new state, evaluated again (it now ranks with the empty node, last).
        NodeScorer.Candidate nowEmpty = candidate(FIT, pod, busy);
        ScoreParts[] after = scorer.score(pod, List.of(empty, half, nowEmpty));
        assertThat(after[2].total()).isEqualTo(after[0].total()).isLessThan(after[1].total());
        assertThat(after).isEqualTo(new NodeScorer(Policy.FRAGMENTATION, LiveLoad.NONE, 0, CONFIG.vendors().all(), GENERIC)
                .score(pod, List.of(empty, half, nowEmpty)));
    }

    @Test
    void eachPodShapeOnTheSameNodeStatesGetsItsOwnRememberedAnswer() {
        NodeScorer scorer = new NodeScorer(Policy.FRAGMENTATION, LiveLoad.NONE, 0, CONFIG.vendors().all(), GENERIC);
        GpuNode empty = node("empty", "T4", 4);
        GpuNode half = node("half", "T4", 4);
        GpuNode busy = node("busy", "T4", 4);
        NodeState emptyNow = usage(empty);
        NodeState halfNow = usage(half, shared("s", "half", 0, 8192, 500));
        NodeState busyNow = usage(busy, whole("w", "busy", 3));
        // More shapes than a node remembers at once, then the first ones again: every answer must be the one a scorer
        // that never saw the others gives (a shape answered with another shape's placement ranks these nodes wrongly).
        List<String> asked = List.of("0.25", "0.5", "0.75", "1", "2", "0.25", "0.5", "0.75");
        List<List<Integer>> rankings = new ArrayList<>();
        for (String request : asked) {
            PodDemand pod = demand(request);
            List<NodeScorer.Candidate> candidates = List.of(
                    new NodeScorer.Candidate("empty", empty, emptyNow, FIT.judge("empty", pod, empty, emptyNow)),
                    new NodeScorer.Candidate("half", half, halfNow, FIT.judge("half", pod, half, halfNow)),
                    new NodeScorer.Candidate("busy", busy, busyNow, FIT.judge("busy", pod, busy, busyNow)));
            ScoreParts[] remembered = scorer.score(pod, candidates);
            // The same nodes in equal, separately built states: nothing remembered with them.
            ScoreParts[] fresh = new NodeScorer(Policy.FRAGMENTATION, LiveLoad.NONE, 0, CONFIG.vendors().all(), GENERIC).score(pod, List.of(
                    candidate(FIT, pod, empty), candidate(FIT, pod, half, shared("s", "half", 0, 8192, 500)), candidate(FIT, pod, busy, whole("w", "busy", 3))));
            assertThat(remembered).as(request).isEqualTo(fresh);
            rankings.add(Arrays.stream(remembered).map(ScoreParts::total).toList());
        }
        assertThat(new java.util.HashSet<>(rankings)).as("the shapes rank these nodes differently").hasSizeGreaterThan(2);
    }

    @Test
    void twoScorersOnTheSameNodeStatesEachGetTheirOwnRememberedAnswers() {
        // Same policy and task mix, different vendors: the second counts no nvidia.com/gpu as taken, so it sees the busy
        // node's GPUs as free and ranks the nodes otherwise. Both keep their placements with the same node states.
        List<Vendor> amdOnly = List.of(CONFIG.vendors().find("amd").orElseThrow());
        NodeScorer allVendors = new NodeScorer(Policy.FRAGMENTATION, LiveLoad.NONE, 0, CONFIG.vendors().all(), GENERIC);
        NodeScorer amd = new NodeScorer(Policy.FRAGMENTATION, LiveLoad.NONE, 0, amdOnly, GENERIC);
        GpuNode empty = node("empty", "T4", 4);
        GpuNode busy = node("busy", "T4", 4);
        PodDemand pod = demand("1");
        List<NodeScorer.Candidate> candidates = List.of(candidate(FIT, pod, empty), candidate(FIT, pod, busy, whole("w", "busy", 3)));
        ScoreParts[] expectedAll = new NodeScorer(Policy.FRAGMENTATION, LiveLoad.NONE, 0, CONFIG.vendors().all(), GENERIC)
                .score(pod, List.of(candidate(FIT, pod, empty), candidate(FIT, pod, busy, whole("w", "busy", 3))));
        ScoreParts[] expectedAmd = new NodeScorer(Policy.FRAGMENTATION, LiveLoad.NONE, 0, amdOnly, GENERIC)
                .score(pod, List.of(candidate(FIT, pod, empty), candidate(FIT, pod, busy, whole("w", "busy", 3))));
        assertThat(expectedAmd).as("the two scorers answer differently").isNotEqualTo(expectedAll);
        for (int round = 0; round < 3; round++) {
            assertThat(allVendors.score(pod, candidates)).as("all vendors, round " + round).isEqualTo(expectedAll);
            assertThat(amd.score(pod, candidates)).as("amd only, round " + round).isEqualTo(expectedAmd);
        }
    }

    @Test
    void layoutsCountWholeGpuPodsOnGpusNoShareUses() {
        GpuNode node = node("n", "T4", 4);
        NodeState state = usage(node, whole("w", "n", 2), shared("s", "n", 0, 4096, 0));
        GpuLayout layout = GpuLayout.of(node, state, CONFIG.vendors().all());
        // GPU 0 holds a 4 GiB share of a 16 GiB card (a quarter by memory); GPUs 2 and 3 are the whole pod's.
        assertThat(layout.freeMilli()).containsExactly(750, 1000, 0, 0);
        assertThat(layout.cpuFreeMilli()).isEqualTo(GpuLayout.UNTRACKED);
    }

    @Test
    void theProfileLearnsTheClustersTaskMixOnceThereAreEnoughPods() {
        ClusterState state = new ClusterState(Clock.systemUTC());
        GpuNode node = node("n", "A100-80GB", 8);
        state.upsertNode(node);
        WorkloadProfile profile = new WorkloadProfile(CONFIG.vendors().all());
        profile.refresh(state.snapshot());
        assertThat(profile.workload().entries()).hasSize(6);
        for (int i = 0; i < WorkloadProfile.MIN_PODS; i++) {
            state.upsertPod(i % 2 == 0 ? whole("w" + i, "n", 1) : shared("s" + i, "n", i % 8, 20480, 0));
        }
        profile.refresh(state.snapshot());
        assertThat(profile.workload().entries()).extracting(e -> e.shape())
                .containsExactlyInAnyOrder(TaskShape.whole(0, 1, java.util.Set.of()), TaskShape.share(0, 250, java.util.Set.of()));
    }
}
