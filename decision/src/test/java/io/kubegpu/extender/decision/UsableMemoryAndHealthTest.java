package io.kubegpu.extender.decision;

import static io.kubegpu.extender.decision.DecisionFixtures.CONFIG;
import static io.kubegpu.extender.decision.DecisionFixtures.GPU;
import static io.kubegpu.extender.decision.DecisionFixtures.GPU_MEM;
import static io.kubegpu.extender.decision.DecisionFixtures.demand;
import static io.kubegpu.extender.decision.DecisionFixtures.shared;
import static io.kubegpu.extender.decision.DecisionFixtures.usage;
import static io.kubegpu.extender.decision.DecisionFixtures.whole;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.fixtures.GpuNodes;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.extender.decision.NodeVerdict.Outcome;
import io.kubegpu.guard.MemoryGuard;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Shares are packed into the memory a node reports usable, in whole units of the gpushare device plugin (GiB), and never
 * onto a GPU reported unhealthy.
 */
class UsableMemoryAndHealthTest {
    /** The fit the server runs: memory in gpushare's GiB units. */
    private static final GpuFit FIT = new GpuFit(new MemoryGuard(GpuCatalog.builtIn()), CONFIG.vendors().all(), Policy.BINPACK, null, 1024);

    /** A T4 node as GFD reports it: 16 GiB nominal, 15,360 MiB usable. */
    private static GpuNode t4(int gpus, List<Integer> unhealthy) {
        return GpuNodes.node("t4").model("Tesla-T4").gpus(gpus).allocatable(GPU_MEM, gpus * 15L).usableMiB(15360)
                .unhealthy(unhealthy.toArray(Integer[]::new)).build();
    }

    private static NodeVerdict judge(PodDemand demand, GpuNode node, GpuPod... pods) {
        return FIT.judge(node.name(), demand, node, usage(node, pods));
    }

    @Test
    void twoHalvesOfACardFitTheMemoryItReportsNotTheCatalogs() {
        GpuNode node = t4(1, List.of());
        // 0.5 of 15,360 MiB = 7,680 MiB, down to whole GiB: 7 GiB each; two of them are 14 GiB <= 15 GiB.
        NodeVerdict first = judge(demand("0.5(T4)"), node);
        assertThat(first.slices()).containsExactly(new GpuSlice(0, 7168, 500));
        NodeVerdict second = judge(demand("0.5(T4)"), node, shared("a", "t4", 0, 7168, 500));
        assertThat(second.slices()).containsExactly(new GpuSlice(0, 7168, 500));
        // Explicit memory is rounded up to whole GiB: 8G + 8G = 16 GiB > 15 GiB usable, so not on the same card.
        NodeVerdict third = judge(demand("8G(T4)"), node, shared("a", "t4", 0, 8192, 0));
        assertThat(third.outcome()).isEqualTo(Outcome.OCCUPIED);
        assertThat(judge(demand("1536M(T4)"), node).slices()).containsExactly(new GpuSlice(0, 2048, 0));
    }

    @Test
    void aRequestForTheWholeNominalCardCanNeverFitWhatTheNodeReports() {
        NodeVerdict verdict = judge(demand("16G(T4)"), t4(4, List.of()));
        assertThat(verdict.outcome()).isEqualTo(Outcome.UNRESOLVABLE);
        assertThat(verdict.reason()).isEqualTo("node reports 15 GiB usable per GPU (16 GiB nominal), the pod needs 16 GiB on one GPU");
    }

    @Test
    void unhealthyGpusAreNeverPlacedOnAndCountAsTaken() {
        GpuNode node = t4(4, List.of(0, 2));
        // Shares skip GPUs 0 and 2.
        assertThat(judge(demand("4G(T4)"), node).slices()).containsExactly(new GpuSlice(1, 4096, 0));
        assertThat(judge(demand("4G(T4)"), node, shared("a", "t4", 1, 4096, 0)).slices()).containsExactly(new GpuSlice(1, 4096, 0));
        // Whole GPUs: 4 - 2 unhealthy = 2 usable.
        assertThat(judge(demand("2(T4)"), node).fits()).isTrue();
        NodeVerdict three = judge(demand("3(T4)"), node);
        assertThat(three.outcome()).isEqualTo(Outcome.OCCUPIED);
        assertThat(three.reason()).isEqualTo("2 of 4 nvidia.com/gpu free, the pod needs 3");
        // Both healthy GPUs taken by whole pods: no share fits, and the reason says why.
        NodeVerdict none = judge(demand("4G(T4)"), node, whole("w", "t4", 2));
        assertThat(none.outcome()).isEqualTo(Outcome.OCCUPIED);
        assertThat(none.reason()).contains("unhealthy (GPUs [0, 2])");
    }

    @Test
    void anEarlierChoiceIsKeptOnlyWhileItStillFits() {
        GpuNode node = t4(2, List.of());
        PodDemand demand = demand("8G,0.5(T4)");
        List<GpuSlice> earlier = List.of(new GpuSlice(1, 8192, 500));
        // GPU 1 is free: kept, though best fit would have taken GPU 0 (fresh either way).
        assertThat(FIT.judgeSlices("t4", demand, node, usage(node), earlier).slices()).isEqualTo(earlier);
        // Filled by someone else since: refused, so bind decides afresh.
        assertThat(FIT.judgeSlices("t4", demand, node, usage(node, shared("x", "t4", 1, 8192, 600)), earlier).fits()).isFalse();
        // A slice of another size than the pod asks for is never kept (a forged or stale one).
        assertThat(FIT.judgeSlices("t4", demand, node, usage(node), List.of(new GpuSlice(1, 1, 0))).fits()).isFalse();
        // A fresh GPU needs a GPU whole-GPU pods leave free.
        assertThat(FIT.judgeSlices("t4", demand, node, usage(node, whole("w", "t4", 2)), earlier).fits()).isFalse();
    }
}
