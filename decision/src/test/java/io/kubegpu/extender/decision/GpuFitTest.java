package io.kubegpu.extender.decision;

import static io.kubegpu.extender.decision.DecisionFixtures.FIT;
import static io.kubegpu.extender.decision.DecisionFixtures.demand;
import static io.kubegpu.extender.decision.DecisionFixtures.node;
import static io.kubegpu.extender.decision.DecisionFixtures.podJson;
import static io.kubegpu.extender.decision.DecisionFixtures.shared;
import static io.kubegpu.extender.decision.DecisionFixtures.usage;
import static io.kubegpu.extender.decision.DecisionFixtures.whole;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.extender.decision.NodeVerdict.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuFitTest {
    private static NodeVerdict judge(PodDemand demand, GpuNode node, io.kubegpu.cluster.state.GpuPod... pods) {
        return FIT.judge(node.name(), demand, node, usage(node, pods));
    }

    @Test
    void wholeGpusFitWhenEnoughAreFree() {
        GpuNode v100 = node("v100", "V100-32GB", 8);
        // 8 GPUs, 5 held: 3 free.
        assertThat(judge(demand("3(V100)"), v100, whole("a", "v100", 5)).fits()).isTrue();
        NodeVerdict occupied = judge(demand("4(V100)"), v100, whole("a", "v100", 5));
        assertThat(occupied.outcome()).isEqualTo(Outcome.OCCUPIED);
        assertThat(occupied.reason()).isEqualTo("3 of 8 nvidia.com/gpu free, the pod needs 4");
    }

    @Test
    void moreGpusThanTheNodeHasCanNeverFit() {
        NodeVerdict verdict = judge(demand("16"), node("a100", "A100-80GB", 8));
        assertThat(verdict.outcome()).isEqualTo(Outcome.UNRESOLVABLE);
        assertThat(verdict.reason()).isEqualTo("node has 8 nvidia.com/gpu, the pod needs 16");
    }

    @Test
    void sharedGpusAreNotFreeForWholeGpuPods() {
        // 4 GPUs, 2 carry shared pods: 2 free for whole GPUs.
        GpuNode t4 = node("t4", "T4", 4);
        NodeVerdict verdict = judge(demand("3"), t4, shared("a", "t4", 0, 4096, 0), shared("b", "t4", 1, 4096, 0));
        assertThat(verdict.reason()).isEqualTo("2 of 4 nvidia.com/gpu free, the pod needs 3");
    }

    @Test
    void theModelMustMatchOneAlternativeExactly() {
        GpuNode t4 = node("t4", "Tesla-T4", 4);
        NodeVerdict wrong = judge(demand("1(V100|A100)"), t4);
        assertThat(wrong.outcome()).isEqualTo(Outcome.UNRESOLVABLE);
        assertThat(wrong.reason()).isEqualTo("node has T4, the pod needs V100|A100");
        assertThat(judge(demand("1(A100|T4)"), t4).fits()).isTrue();
        assertThat(judge(demand("1(nvidia,tesla-t4)"), t4).fits()).isTrue();
        // A10 is not A100 and not A10G.
        assertThat(judge(demand("1(A10)"), node("a10g", "A10G", 1)).fits()).isFalse();
        // A family request accepts every member; a node labelled only with the family does not satisfy one size.
        assertThat(judge(demand("1(A100)"), node("a100", "NVIDIA-A100-SXM4-80GB", 8)).fits()).isTrue();
        assertThat(judge(demand("1(V100-32GB)"), node("cube", "V100", 4)).reason()).startsWith("node has V100 (V100-16GB, V100-32GB)");
    }

    @Test
    void unknownModelsMatchTheNodeLabelByToken() {
        var custom = new GpuNode("lab", true, false, List.of(), "MYCARD-9000", null, 0, 2, Map.of("nvidia.com/gpu", 2L));
        assertThat(FIT.judge("lab", demand("1(mycard-9000)"), custom, null).fits()).isTrue();
        assertThat(FIT.judge("lab", demand("1(OTHER)"), custom, null).reason()).isEqualTo("node has MYCARD-9000, the pod needs OTHER");
    }

    @Test
    void memoryGuardRefusesCardsThatAreTooSmall() {
        NodeVerdict verdict = judge(demand("20G,0.5"), node("t4", "T4", 4));
        assertThat(verdict.outcome()).isEqualTo(Outcome.UNRESOLVABLE);
        assertThat(verdict.reason()).isEqualTo("T4 has 16 GiB per GPU; 20G,0.5 needs 20 GiB on one GPU");
        NodeVerdict total = judge(demand("2", "kubegpu.io/min-gpu-memory", "40G"), node("t4", "T4", 4));
        assertThat(total.reason()).isEqualTo("2 × T4 have 32 GiB (16 GiB each); kubegpu.io/min-gpu-memory asks for 40 GiB");
    }

    @Test
    void sharesGoToTheBestFittingSharedGpu() {
        GpuNode t4 = node("t4", "T4", 4);
        // GPU 0: 12 GiB used (4 free); GPU 1: 8 GiB used (8 free). A 4 GiB slice fits GPU 0 exactly: best fit.
        NodeVerdict verdict = judge(demand("4G,0.25"), t4, shared("a", "t4", 0, 12288, 500), shared("b", "t4", 1, 8192, 250));
        assertThat(verdict.fits()).isTrue();
        assertThat(verdict.slices()).containsExactly(new GpuSlice(0, 4096, 250));
        assertThat(verdict.freshGpu()).isFalse();
    }

    @Test
    void sharesOpenAFreshGpuWhenNoSharedOneFits() {
        GpuNode t4 = node("t4", "T4", 4);
        NodeVerdict verdict = judge(demand("8G,0.5"), t4, shared("a", "t4", 0, 12288, 500));
        assertThat(verdict.slices()).containsExactly(new GpuSlice(1, 8192, 500));
        assertThat(verdict.freshGpu()).isTrue();
        // A bare share takes its proportion of the card: half a T4 is 8 GiB.
        assertThat(judge(demand("0.5"), t4).slices()).containsExactly(new GpuSlice(0, 8192, 500));
    }

    @Test
    void computeIsCheckedAsWellAsMemory() {
        GpuNode t4 = node("t4", "T4", 1);
        NodeVerdict verdict = judge(demand("1G,0.5"), t4, shared("a", "t4", 0, 1024, 600));
        assertThat(verdict.outcome()).isEqualTo(Outcome.OCCUPIED);
        assertThat(verdict.reason()).isEqualTo("no GPU has 1 GiB and 0.5 of its compute free; most free: GPU 0 with 15 GiB and 0.4 of its compute");
    }

    @Test
    void wholeGpuPodsLeaveNoFreshGpuForShares() {
        GpuNode t4 = node("t4", "T4", 2);
        NodeVerdict verdict = judge(demand("4G"), t4, whole("a", "t4", 2));
        assertThat(verdict.reason()).isEqualTo("no GPU has 4 GiB free; all 2 GPUs are taken by whole-GPU pods");
    }

    @Test
    void notReadyCordonedAndUnknownNodesAreOccupiedNotUnresolvable() {
        GpuNode notReady = new GpuNode("n", false, false, List.of(), null, null, 0, 8, Map.of("nvidia.com/gpu", 8L));
        assertThat(FIT.judge("n", demand("1"), notReady, null)).extracting(NodeVerdict::outcome, NodeVerdict::reason)
                .containsExactly(Outcome.OCCUPIED, "node is not Ready");
        GpuNode cordoned = new GpuNode("n", true, true, List.of(), null, null, 0, 8, Map.of("nvidia.com/gpu", 8L));
        assertThat(FIT.judge("n", demand("1"), cordoned, null).reason()).isEqualTo("node is cordoned");
        assertThat(FIT.judge("ghost", demand("1"), null, null).reason()).isEqualTo("node ghost is not in the GPU extender's cluster state yet");
    }

    @Test
    void invalidAnnotationsFailEveryNodeWithTheParseError() {
        NodeVerdict verdict = judge(demand("1.5(V100)"), node("v100", "V100-32GB", 8));
        assertThat(verdict.outcome()).isEqualTo(Outcome.UNRESOLVABLE);
        assertThat(verdict.reason()).isEqualTo("kubegpu.io/gpu '1.5(V100)' is invalid at column 1: '1.5' is not a whole number of GPUs; "
                + "use 2, or 0.5 for a share of one GPU [FRACTIONAL_GPUS]");
        assertThat(judge(demand("1", "kubegpu.io/policy", "tight"), node("v", "V100-32GB", 1)).reason())
                .isEqualTo("kubegpu.io/policy 'tight' is not fragmentation, binpack, spread or balanced");
        assertThat(judge(demand("1", "kubegpu.io/min-gpu-memory", "40"), node("v", "V100-32GB", 1)).reason())
                .startsWith("kubegpu.io/min-gpu-memory '40' is invalid at column 1");
    }

    @Test
    void podsWithoutGpusPassEveryNode() {
        PodDemand none = podJson("{\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}");
        assertThat(none.kind()).isEqualTo(PodDemand.Kind.NONE);
        assertThat(FIT.judge("x", none, null, null).fits()).isTrue();
    }

    @Test
    void podsWithOnlyResourcesAreReadFromThem() {
        PodDemand whole = podJson("""
                {"metadata":{"name":"p","namespace":"ns"},"spec":{"containers":[{"name":"c","resources":{"limits":{"nvidia.com/gpu":"2"}}}]}}""");
        assertThat(whole).extracting(PodDemand::kind, PodDemand::count, PodDemand::resource)
                .containsExactly(PodDemand.Kind.WHOLE, 2, "nvidia.com/gpu");
        PodDemand gpushare = podJson("""
                {"metadata":{"name":"p","namespace":"ns"},"spec":{"containers":[{"name":"c","resources":{"limits":{"aliyun.com/gpu-mem":"6"}}}]}}""");
        assertThat(gpushare).extracting(PodDemand::kind, PodDemand::memoryMiB).containsExactly(PodDemand.Kind.SHARED, 6144);
    }

    @Test
    void reasonsWriteSizesAndSharesTheWayPeopleDo() {
        assertThat(GpuFit.gib(2048)).isEqualTo("2 GiB");
        assertThat(GpuFit.gib(1536)).isEqualTo("1.5 GiB");
        assertThat(GpuFit.gib(5000)).isEqualTo("4.9 GiB");
        assertThat(GpuFit.gib(512)).isEqualTo("512 MiB");
        assertThat(GpuFit.share(500)).isEqualTo("0.5 of its compute");
        assertThat(GpuFit.share(250)).isEqualTo("0.25 of its compute");
        assertThat(GpuFit.share(5)).isEqualTo("0.005 of its compute");
        assertThat(GpuFit.share(1000)).isEqualTo("1 of its compute");
        assertThat(GpuFit.share(-200)).isEqualTo("-0.2 of its compute");
    }

    @Test
    void aGpuWhoseSharesHoldMoreComputeThanItHasIsReportedNotCrashedOn() {
        // Pods bound by another scheduler can hold more than a GPU has; the reason for the refusal said so by throwing.
        GpuNode t4 = node("t4", "T4", 1);
        NodeVerdict verdict = judge(demand("0.5"), t4, shared("a", "t4", 0, 2048, 600), shared("b", "t4", 0, 2048, 600));
        assertThat(verdict.outcome()).isEqualTo(Outcome.OCCUPIED);
        assertThat(verdict.reason()).isEqualTo("no GPU has 8 GiB and 0.5 of its compute free; most free: GPU 0 with 12 GiB and -0.2 of its compute"
                + " (its shares hold more than it has)");
    }
}
