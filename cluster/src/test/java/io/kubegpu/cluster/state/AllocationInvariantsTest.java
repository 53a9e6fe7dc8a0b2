package io.kubegpu.cluster.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.state.AllocationInvariants.Kind;
import io.kubegpu.cluster.state.AllocationInvariants.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class AllocationInvariantsTest {
    private static final String GPU = "nvidia.com/gpu";
    private static final String GPU_MEM = "aliyun.com/gpu-mem";
    private static final AllocationInvariants CHECK = new AllocationInvariants(java.util.Set.of(GPU, "amd.com/gpu"), GPU_MEM);

    /** A T4 node of four GPUs with 15360 MiB usable each (GFD's report), GPU 3 unhealthy. */
    private static final GpuNode T4 = new GpuNode("t4", true, false, List.of(), "Tesla-T4", null, 16384, 4, Map.of(GPU, 4L), 15360,
            List.of(3));
    /** A node that reports no memory per GPU: memory cannot be judged there. */
    private static final GpuNode UNKNOWN_MEMORY = new GpuNode("bare", true, false, List.of(), null, null, 0, 2, Map.of(GPU, 2L), 0,
            List.of());

    private static int uid;

    private static GpuPod whole(String node, long gpus) {
        return new GpuPod("u" + ++uid, "ns", "whole-" + uid, node, false, Map.of(GPU, gpus), List.of());
    }

    /** A share bound to {@code node} asking for {@code gib} GiB of gpushare memory, assigned {@code slices}. */
    private static GpuPod share(String node, long gib, GpuSlice... slices) {
        return new GpuPod("u" + ++uid, "ns", "share-" + uid, node, false, Map.of(GPU_MEM, gib), List.of(slices));
    }

    private static GpuSlice slice(int index, int mib, int milli) {
        return new GpuSlice(index, mib, milli);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, node, pods, the kinds expected
                Arguments.of("empty node", T4, List.of(), List.of()),
                Arguments.of("3 whole GPUs on 4", T4, List.of(whole("t4", 3)), List.of()),
                // 2 whole + GPUs 0 and 1 shared = 4 of 4
                Arguments.of("whole and shares fill the node exactly", T4,
                        List.of(whole("t4", 2), share("t4", 8, slice(0, 8192, 500)), share("t4", 8, slice(1, 8192, 500))), List.of()),
                // 3 whole + GPUs 0 and 1 shared = 5 of 4
                Arguments.of("whole and shares exceed the node", T4,
                        List.of(whole("t4", 3), share("t4", 8, slice(0, 8192, 500)), share("t4", 8, slice(1, 8192, 500))),
                        List.of(Kind.NODE_GPUS_EXCEEDED)),
                Arguments.of("5 whole GPUs on 4", T4, List.of(whole("t4", 2), whole("t4", 3)), List.of(Kind.NODE_GPUS_EXCEEDED)),
                // 7680 + 7680 = 15360 = usable, 500 + 500 = 1000 milli
                Arguments.of("two halves fill one GPU exactly", T4,
                        List.of(share("t4", 8, slice(0, 7680, 500)), share("t4", 8, slice(0, 7680, 500))), List.of()),
                // 8192 + 8192 = 16384 > 15360 usable (the nominal 16 GiB is not what the card offers)
                Arguments.of("two 8G shares on a 15360 MiB card", T4,
                        List.of(share("t4", 8, slice(0, 8192, 400)), share("t4", 8, slice(0, 8192, 400))), List.of(Kind.GPU_MEMORY_EXCEEDED)),
                // 600 + 600 = 1200 > 1000 milli
                Arguments.of("compute over one GPU", T4,
                        List.of(share("t4", 4, slice(1, 4096, 600)), share("t4", 4, slice(1, 4096, 600))), List.of(Kind.GPU_COMPUTE_EXCEEDED)),
                Arguments.of("memory and compute over on one GPU", T4,
                        List.of(share("t4", 8, slice(2, 8192, 600)), share("t4", 8, slice(2, 8192, 600))),
                        List.of(Kind.GPU_MEMORY_EXCEEDED, Kind.GPU_COMPUTE_EXCEEDED)),
                // index 7 on a node of 4: also a fifth GPU carrying shares? No: 1 GPU carrying shares, 0 whole = 1 of 4.
                Arguments.of("share on a GPU the node does not have", T4, List.of(share("t4", 4, slice(7, 4096, 250))),
                        List.of(Kind.SHARE_ON_MISSING_GPU)),
                Arguments.of("share on the unhealthy GPU 3", T4, List.of(share("t4", 4, slice(3, 4096, 250))),
                        List.of(Kind.SHARE_ON_UNHEALTHY_GPU)),
                Arguments.of("bound share without an assignment", T4, List.of(share("t4", 8)), List.of(Kind.SHARE_WITHOUT_ASSIGNMENT)),
                // Memory cannot be judged without a reported size; compute still can.
                Arguments.of("unknown memory per GPU", UNKNOWN_MEMORY,
                        List.of(share("bare", 0, slice(0, 1024, 500)), share("bare", 0, slice(0, 1024, 500))), List.of()),
                Arguments.of("pending and finished pods hold nothing", T4,
                        List.of(whole(null, 4), new GpuPod("done", "ns", "done", "t4", true, Map.of(GPU, 4L), List.of()), whole("t4", 4)),
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void judgesEachRule(String name, GpuNode node, List<GpuPod> pods, List<Kind> expected) {
        assertThat(CHECK.check(List.of(node), pods)).extracting(Violation::kind).containsExactlyElementsOf(expected);
    }

    @Test
    void aViolationNamesTheNodeTheGpuTheAmountsAndThePods() {
        GpuPod a = share("t4", 8, slice(0, 8192, 400));
        GpuPod b = share("t4", 8, slice(0, 8192, 400));
        assertThat(CHECK.check(List.of(T4), List.of(a, b))).singleElement().hasToString(
                "t4: GPU_MEMORY_EXCEEDED: GPU 0: 16384 MiB given out of 15360 MiB usable, to [ns/" + a.name() + " 8192 MiB/400 milli, ns/"
                        + b.name() + " 8192 MiB/400 milli]");
    }

    @Test
    void everyNodeIsJudgedOnItsOwnPodsAndTheResultIsOrdered() {
        GpuNode other = new GpuNode("a-v100", true, false, List.of(), null, null, 32768, 2, Map.of(GPU, 2L));
        List<GpuPod> pods = new ArrayList<>(List.of(whole("t4", 5), whole("a-v100", 2), whole("a-v100", 1), whole("gone", 9)));
        assertThat(CHECK.check(List.of(T4, other), pods)).extracting(Violation::node, Violation::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a-v100", Kind.NODE_GPUS_EXCEEDED),
                        org.assertj.core.groups.Tuple.tuple("t4", Kind.NODE_GPUS_EXCEEDED));
    }

    @Test
    void wholeGpusOfEveryVendorResourceCount() {
        GpuPod amd = new GpuPod("amd", "ns", "amd", "t4", false, Map.of("amd.com/gpu", 2L), List.of());
        assertThat(CHECK.check(List.of(T4), List.of(amd, whole("t4", 3)))).extracting(Violation::kind)
                .containsExactly(Kind.NODE_GPUS_EXCEEDED);
    }
}
