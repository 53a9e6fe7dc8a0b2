package io.kubegpu.extender.decision;

import static io.kubegpu.extender.decision.DecisionFixtures.FIT;
import static io.kubegpu.extender.decision.DecisionFixtures.GPU;
import static io.kubegpu.extender.decision.DecisionFixtures.GPU_MEM;
import static io.kubegpu.extender.decision.DecisionFixtures.demand;
import static io.kubegpu.extender.decision.DecisionFixtures.node;
import static io.kubegpu.extender.decision.DecisionFixtures.usage;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.decision.VictimSelection.NodeResult;
import io.kubegpu.extender.decision.VictimSelection.Proposal;
import io.kubegpu.extender.decision.VictimSelection.Role;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The preempt verb's choice of victims on one node, judged by the filter's own fit. */
class VictimSelectionTest {
    private static final VictimSelection SELECTION = new VictimSelection(FIT);
    private static final int HIGH = 1_000_000;
    private static final Instant T0 = Instant.parse("2021-01-01T00:00:00Z");

    /** A share of {@code memoryGiB} and {@code milli} on GPU {@code index}, of priority 0, created {@code age} seconds after T0. */
    private static GpuPod share(String uid, int index, int memoryGiB, int milli, int createdSecond) {
        return new GpuPod(uid, "ns", uid, "t4", false, Map.of(GPU_MEM, (long) memoryGiB), List.of(new GpuSlice(index, memoryGiB * 1024, milli)), 0,
                T0.plusSeconds(createdSecond), false);
    }

    private static GpuPod whole(String uid, int gpus, int priority, int createdSecond) {
        return new GpuPod(uid, "ns", uid, "v100", false, Map.of(GPU, (long) gpus), List.of(), priority, T0.plusSeconds(createdSecond), false);
    }

    /**
     * Two T4s (16 GiB each), each 3/4 taken by three 5 GiB, quarter-compute shares: 15 GiB and 0.75 used per card, 1 GiB and
     * 0.25 free. kube-scheduler sees 2 GiB of aliyun.com/gpu-mem free on the node and proposes victims until 8 are.
     */
    private static NodeState t4Node() {
        GpuNode t4 = node("t4", "T4", 2);
        return usage(t4, share("a", 0, 5, 250, 1), share("b", 0, 5, 250, 2), share("c", 0, 5, 250, 3),
                share("d", 1, 5, 250, 4), share("e", 1, 5, 250, 5), share("f", 1, 5, 250, 6));
    }

    private static NodeResult judge(String request, NodeState node, long pdb, String... uids) {
        return SELECTION.judge(demand(request), HIGH, new Proposal(node.name(), List.of(uids), pdb), node);
    }

    @Test
    void victimsSpreadOverTwoCardsLeaveNoCardWithRoomSoTheNodeIsDropped() {
        // Without c: GPU 0 has 1 + 5 = 6 GiB and 0.25 + 0.25 = 0.5; without f: GPU 1 the same. 10 GiB free in total, 8 on no card.
        NodeResult result = judge("8G,0.5(T4)", t4Node(), 0, "c", "f");
        assertThat(result.kept()).isFalse();
        assertThat(result.victimUids()).isEmpty();
        assertThat(result.reason()).isEqualTo("the pod does not fit even without all 2 victims it may evict: no GPU has 8 GiB and 0.5 of its "
                + "compute free; most free: GPU 0 with 6 GiB and 0.5 of its compute");
    }

    @Test
    void victimsOnOneCardAreExactlyWhatIsNeeded() {
        // Without b and c: GPU 0 has 1 + 5 + 5 = 11 GiB and 0.25 + 0.5 = 0.75, room for 8 GiB and 0.5. With either back: 6 GiB.
        NodeResult result = judge("8G,0.5(T4)", t4Node(), 0, "b", "c");
        assertThat(result.kept()).isTrue();
        assertThat(result.gpu()).isZero();
        assertThat(result.victimUids()).containsExactly("b", "c");
        assertThat(result.victims().get(0).why()).isEqualTo("needed: holds 5 GiB and 0.25 of its compute on GPU 0; the pod does not fit on GPU 0 "
                + "with it kept");
    }

    @Test
    void aVictimOnAnotherCardIsKeptWhenOneCardSuffices() {
        // All out: GPU 0 has 11 GiB, GPU 1 has 6. Put back the oldest first: b (GPU 0 back to 6 GiB: no card has 8) stays out,
        // c likewise; f back leaves GPU 0 with 11 GiB: the pod fits, f is kept.
        NodeResult result = judge("8G,0.5(T4)", t4Node(), 0, "b", "c", "f");
        assertThat(result.victimUids()).containsExactly("b", "c");
        assertThat(result.victims().get(2).role()).isEqualTo(Role.KEPT);
        assertThat(result.victims().get(2).why()).isEqualTo("not needed: the pod fits on GPU 0 with it kept");
    }

    @Test
    void computeCountsPerCardAsMemoryDoes() {
        // 4G,0.75: without c, GPU 0 has 6 GiB but only 0.25 + 0.25 = 0.5 of its compute; without b and c, 0.75.
        assertThat(judge("4G,0.75(T4)", t4Node(), 0, "c").kept()).isFalse();
        assertThat(judge("4G,0.75(T4)", t4Node(), 0, "b", "c").victimUids()).containsExactly("b", "c");
    }

    /** Four V100s, all held by whole-GPU pods of the given priorities. */
    private static NodeState v100(GpuPod... pods) {
        return usage(node("v100", "V100-32GB", 4), pods);
    }

    @Test
    void theLowestPriorityGoesFirstThenTheYoungest() {
        // 4 GPUs, all held; 2(V100) needs 2. All three proposed out: 3 free. p3 (priority 5) back: 2 free, fits, kept.
        // p1 (older) back: 1 free, no: evicted. p2 back: 1 free: evicted.
        NodeState node = v100(whole("p1", 1, 0, 1), whole("p2", 1, 0, 2), whole("p3", 1, 5, 3), whole("p4", 1, 100, 4));
        NodeResult result = judge("2(V100)", node, 0, "p1", "p2", "p3");
        assertThat(result.victimUids()).containsExactly("p1", "p2");
        assertThat(result.victims().get(2).role()).isEqualTo(Role.KEPT);
        // Proposed by priority alone (p3, p1): out, 2 free; p3 back: 1, evicted; p1 back: 1, evicted. Both needed.
        assertThat(judge("2(V100)", node, 0, "p3", "p1").victimUids()).containsExactly("p3", "p1");
        // Equal age: the younger of p1 and p2 goes when one suffices (1 needed: p4 is proposed but p3 is not).
        NodeState three = usage(node("v100", "V100-32GB", 4), whole("q1", 1, 0, 1), whole("q2", 1, 0, 2), whole("q3", 1, HIGH, 3));
        // 1 free; 2 needed: one of q1, q2 must go. q2 is younger.
        assertThat(judge("2(V100)", three, 0, "q1", "q2").victimUids()).containsExactly("q2");
    }

    @Test
    void fewerGpusHeldGoFirst() {
        // 4 GPUs: p5 holds 2, p6 and p7 one each. 2(V100) needs 2. All out: 4 free; p5 (most GPUs) back first: 2 free, kept;
        // p6 back: 1 free, evicted; p7 likewise.
        NodeState node = v100(whole("p5", 2, 0, 9), whole("p6", 1, 0, 1), whole("p7", 1, 0, 2));
        assertThat(judge("2(V100)", node, 0, "p5", "p6", "p7").victimUids()).containsExactly("p6", "p7");
    }

    @Test
    void equalOrHigherPriorityAndElasticPodsAreNeverVictims() {
        GpuPod equal = whole("eq", 2, HIGH, 1);
        GpuPod elastic = new GpuPod("el", "ns", "el", "v100", false, Map.of(GPU, 2L), List.of(), 0, T0, true);
        NodeState node = v100(equal, elastic);
        // Neither may go, and without them nothing is free: dropped.
        NodeResult result = judge("2(V100)", node, 0, "eq", "el");
        assertThat(result.kept()).isFalse();
        assertThat(result.reason()).startsWith("no proposed victim may be evicted, and the pod does not fit as the node is: 0 of 4 nvidia.com/gpu free");
        assertThat(result.victims()).extracting(VictimSelection.Victim::why).containsExactly(
                "priority 1000000 is not below the preemptor's 1000000",
                "elastic workload: the elastic-shrink controller scales it down instead");
    }

    @Test
    void podsTheStateDoesNotKnowArePassedThroughAndNeverMakeANodeFit() {
        NodeState node = v100(whole("p1", 2, 0, 1), whole("p2", 2, 0, 2));
        // cpu-pod is no GPU pod of ours: kube-scheduler chose it for CPU or memory. p2 out frees the 2 GPUs needed.
        NodeResult result = judge("2(V100)", node, 0, "cpu-pod", "p2");
        assertThat(result.victimUids()).containsExactly("cpu-pod", "p2");
        assertThat(result.victims().get(0).role()).isEqualTo(Role.PASSED_THROUGH);
        // Only unknown UIDs and no GPU freed: the pod still does not fit, dropped.
        assertThat(judge("2(V100)", node, 0, "cpu-pod").kept()).isFalse();
        // With only GPU victims that are not needed (2 GPUs already free): nothing to evict, dropped, never an empty list.
        NodeState roomy = v100(whole("p1", 2, 0, 1));
        NodeResult none = judge("2(V100)", roomy, 0, "p1");
        assertThat(none.kept()).isFalse();
        assertThat(none.reason()).isEqualTo("the pod fits on the node's free GPUs without evicting any proposed victim; its GPUs are not what keeps it off "
                + "this node");
        // But a CPU victim kube-scheduler needs is still passed through.
        assertThat(judge("2(V100)", roomy, 0, "p1", "cpu-pod").victimUids()).containsExactly("cpu-pod");
    }

    @Test
    void aNodeUnknownToTheStateOrOfTheWrongModelIsDropped() {
        assertThat(SELECTION.judge(demand("1"), HIGH, new Proposal("ghost", List.of("x"), 0), null).reason())
                .isEqualTo("node ghost is not in the GPU extender's cluster state");
        NodeResult wrongModel = judge("8G,0.5(V100)", t4Node(), 0, "a", "b");
        assertThat(wrongModel.kept()).isFalse();
        assertThat(wrongModel.reason()).contains("node has T4, the pod needs V100");
    }

    @Test
    void pdbViolationsAreReportedAsKubeSchedulerCountedThemAtMostOnePerVictim() {
        NodeState node = v100(whole("p1", 2, 0, 1), whole("p2", 2, 0, 2));
        // One victim (p2, the younger) is enough: kube-scheduler's 2 becomes 1.
        assertThat(judge("2(V100)", node, 2, "p1", "p2").pdbViolations()).isEqualTo(1);
        assertThat(judge("2(V100)", node, 0, "p1", "p2").pdbViolations()).isZero();
    }
}
