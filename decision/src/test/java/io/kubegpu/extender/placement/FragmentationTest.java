package io.kubegpu.extender.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FragmentationTest {
    private static final TaskShape ONE_GPU = TaskShape.whole(4000, 1, Set.of());
    private static final TaskShape SHARE_600 = TaskShape.share(2000, 600, Set.of());

    private static GpuLayout layout(String model, int cpu, int... free) {
        return new GpuLayout(model, cpu, free);
    }

    @Test
    void countsTheFreeShareEachTaskTypeCouldNotUse() {
        Fragmentation fragmentation = new Fragmentation(new TargetWorkload(List.of(
                new TargetWorkload.Entry(ONE_GPU, 0.5), new TargetWorkload.Entry(SHARE_600, 0.5))));
        // One whole GPU fits a 1-GPU task, the 500 left on the other is stranded for both types.
        assertThat(fragmentation.of(layout("T4", 64_000, 1000, 500))).isCloseTo(500, within(1e-9));
        // Nothing fits a 1-GPU task: all 1100 free count for it; the 600 share fits the 600 GPU, 500 stranded.
        assertThat(fragmentation.of(layout("T4", 64_000, 600, 500))).isCloseTo(0.5 * 1100 + 0.5 * 500, within(1e-9));
        // Without the CPU for either type, everything free is fragmented.
        assertThat(fragmentation.of(layout("T4", 1000, 1000, 500))).isCloseTo(1500, within(1e-9));
        // A full node has nothing to fragment.
        assertThat(fragmentation.of(layout("T4", 64_000, 0, 0))).isZero();
    }

    @Test
    void wrongModelsAndCpuOnlyTypesSeeEveryFreeShareAsFragmented() {
        TaskShape a100Only = TaskShape.whole(0, 1, Set.of("A100"));
        Fragmentation fragmentation = new Fragmentation(new TargetWorkload(List.of(
                new TargetWorkload.Entry(a100Only, 0.5), new TargetWorkload.Entry(TaskShape.cpuOnly(1000), 0.5))));
        assertThat(fragmentation.of(layout("T4", GpuLayout.UNTRACKED, 1000, 1000))).isCloseTo(2000, within(1e-9));
        assertThat(fragmentation.of(layout("A100", GpuLayout.UNTRACKED, 1000, 1000))).isCloseTo(1000, within(1e-9));
    }

    @Test
    void theTargetWorkloadKeepsTheCommonestShapesUpToItsCoverage() {
        TargetWorkload workload = TargetWorkload.fromCounts(Map.of(ONE_GPU, 60L, SHARE_600, 30L, TaskShape.whole(0, 8, Set.of()), 10L), 0.9);
        assertThat(workload.entries()).extracting(TargetWorkload.Entry::shape).containsExactly(ONE_GPU, SHARE_600);
        assertThat(workload.entries()).extracting(TargetWorkload.Entry::weight).containsExactly(60 / 90.0, 30 / 90.0);
        assertThat(TargetWorkload.fromCounts(Map.of(ONE_GPU, 60L, SHARE_600, 30L, TaskShape.whole(0, 8, Set.of()), 10L), 1.0).entries())
                .hasSize(3);
        assertThatThrownBy(() -> TargetWorkload.fromCounts(Map.of(ONE_GPU, 1L), 0)).hasMessageContaining("coverage");
        assertThatThrownBy(() -> new TargetWorkload(List.of(new TargetWorkload.Entry(ONE_GPU, 0.4)))).hasMessageContaining("sum to 1");
    }

    @Test
    void shapesAndLayoutsRefuseWhatCannotExist() {
        assertThatThrownBy(() -> new TaskShape(0, 500, 2, Set.of())).hasMessageContaining("a share takes one GPU");
        assertThatThrownBy(() -> new TaskShape(0, 0, 1, Set.of())).hasMessageContaining("needs a share per GPU");
        assertThatThrownBy(() -> layout("T4", 0, 1200)).hasMessageContaining("within 0..1000");
        assertThatThrownBy(() -> layout("T4", 0, 500).with(SHARE_600, new int[] {0})).hasMessageContaining("GPU 0 has 500 free");
        GpuLayout after = layout("T4", 10_000, 1000, 700).with(SHARE_600, new int[] {1});
        assertThat(after.freeMilli()).containsExactly(1000, 100);
        assertThat(after.cpuFreeMilli()).isEqualTo(8000);
    }
}
