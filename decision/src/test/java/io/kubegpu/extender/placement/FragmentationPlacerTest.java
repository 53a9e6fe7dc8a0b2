package io.kubegpu.extender.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FragmentationPlacerTest {
    private static final TaskShape SHARE_250 = TaskShape.share(0, 250, Set.of());
    private static final TaskShape SHARE_500 = TaskShape.share(0, 500, Set.of());
    private static final TaskShape ONE_GPU = TaskShape.whole(0, 1, Set.of());

    private static FragmentationPlacer placer(Map<String, Long> capacity, TargetWorkload.Entry... entries) {
        return new FragmentationPlacer(new Fragmentation(new TargetWorkload(List.of(entries))), capacity);
    }

    @Test
    void aShareGoesWhereItsRemainderStaysUsable() {
        FragmentationPlacer placer = placer(Map.of(), new TargetWorkload.Entry(SHARE_250, 0.5), new TargetWorkload.Entry(SHARE_500, 0.5));
        // Best fit would take the 600 GPU (350 left, too little for a 500 share: +175 expected fragmentation);
        // the 750 GPU leaves 500 and 600, both still usable by either type: no growth at all.
        Placement placement = placer.bestOn(new GpuLayout("T4", GpuLayout.UNTRACKED, new int[] {750, 600}), SHARE_250);
        assertThat(placement.gpus()).containsExactly(0);
        assertThat(placement.cost()).isZero();
        assertThat(placement.score()).isEqualTo(50);
        Placement bestFit = placer.bestOn(new GpuLayout("T4", GpuLayout.UNTRACKED, new int[] {600}), SHARE_250);
        assertThat(bestFit.cost()).isEqualTo(0.5 * 350 - 0.5 * 0);
        assertThat(bestFit.score()).isLessThan(placement.score());
    }

    @Test
    void aShareFillsASharedGpuRatherThanOpeningAFreshOne() {
        FragmentationPlacer placer = placer(Map.of(), new TargetWorkload.Entry(ONE_GPU, 0.5), new TargetWorkload.Entry(SHARE_500, 0.5));
        GpuLayout layout = new GpuLayout("T4", GpuLayout.UNTRACKED, new int[] {1000, 500});
        assertThat(placer.bestOn(layout, SHARE_500).gpus()).containsExactly(1);
        assertThat(placer.bestOn(new GpuLayout("T4", GpuLayout.UNTRACKED, new int[] {400, 400}), SHARE_500)).isNull();
    }

    @Test
    void cpuHungryTasksAreChargedForTheGpusTheyStrand() {
        // The workload takes 10 cores per GPU. A task taking 30 cores with one GPU leaves a 4-GPU, 40-core node
        // with 3 GPUs and 10 cores: two GPUs nobody can feed.
        TaskShape cpuHungry = TaskShape.whole(30_000, 1, Set.of());
        FragmentationPlacer placer = placer(Map.of(), new TargetWorkload.Entry(TaskShape.whole(10_000, 1, Set.of()), 1.0));
        Placement tight = placer.bestOn(new GpuLayout("G2", 40_000, new int[] {1000, 1000, 1000, 1000}), cpuHungry);
        Placement roomy = placer.bestOn(new GpuLayout("T4", 200_000, new int[] {1000, 1000, 1000, 1000}), cpuHungry);
        assertThat(tight.cost()).isGreaterThan(roomy.cost() + 1500);
        assertThat(tight.score()).isLessThan(roomy.score());
        assertThat(placer.stranded(new GpuLayout("G2", 10_000, new int[] {1000, 1000, 1000, 0}))).isEqualTo(2000);
    }

    @Test
    void unconstrainedTasksAvoidModelsThatConstrainedTasksNeed() {
        TaskShape t4Only = TaskShape.whole(0, 1, Set.of("T4"));
        // Half the demand can only run on T4s, which are a tenth of the cluster: every T4 GPU is spoken for.
        FragmentationPlacer placer = placer(Map.of("T4", 1_000_000L, "G2", 9_000_000L),
                new TargetWorkload.Entry(ONE_GPU, 0.5), new TargetWorkload.Entry(t4Only, 0.5));
        Placement onT4 = placer.bestOn(new GpuLayout("T4", GpuLayout.UNTRACKED, new int[] {1000, 1000}), ONE_GPU);
        Placement onG2 = placer.bestOn(new GpuLayout("G2", GpuLayout.UNTRACKED, new int[] {1000, 1000}), ONE_GPU);
        // On T4: no fragmentation change, but the GPU taken is one a T4-only task misses (pressure 1): +1000.
        // On G2: the T4-only type could never use G2's free GPUs; with one fewer free, that shrinks by 500.
        assertThat(onT4.cost()).isCloseTo(1000, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(onG2.cost()).isCloseTo(-500, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(onG2.score()).isGreaterThan(onT4.score());
    }

    @Test
    void cpuOnlyTasksTakeNoGpu() {
        FragmentationPlacer placer = placer(Map.of(), new TargetWorkload.Entry(ONE_GPU, 1.0));
        Placement placement = placer.bestOn(new GpuLayout("T4", 8000, new int[] {1000}), TaskShape.cpuOnly(2000));
        assertThat(placement.gpus()).isEmpty();
        assertThat(placer.bestOn(new GpuLayout("T4", 1000, new int[] {1000}), TaskShape.cpuOnly(2000))).isNull();
    }

    @Test
    void aPlacerWithAFreshMemoPlacesAsItsTemplateWithAllItsTerms() {
        // CPU (stranding) and model pressure terms both in play, so the copied constants matter.
        TaskShape t4Only = TaskShape.whole(10_000, 1, Set.of("T4"));
        FragmentationPlacer template = placer(Map.of("T4", 1_000_000L, "G2", 9_000_000L),
                new TargetWorkload.Entry(TaskShape.whole(10_000, 1, Set.of()), 0.5), new TargetWorkload.Entry(t4Only, 0.3),
                new TargetWorkload.Entry(SHARE_250, 0.2));
        FragmentationPlacer copy = template.withFreshMemo();
        assertThat(copy).isNotSameAs(template);
        assertThat(copy.fragmentation()).isNotSameAs(template.fragmentation());
        assertThat(copy.fragmentation().workload()).isSameAs(template.fragmentation().workload());
        for (GpuLayout layout : List.of(new GpuLayout("T4", 40_000, new int[] {1000, 750, 0}), new GpuLayout("G2", 20_000, new int[] {1000, 1000}),
                new GpuLayout("T4", GpuLayout.UNTRACKED, new int[] {500, 250}), new GpuLayout("G2", 5_000, new int[] {1000, 1000, 1000}))) {
            for (TaskShape task : List.of(ONE_GPU, SHARE_250, t4Only)) {
                Placement expected = template.bestOn(layout, task);
                Placement actual = copy.bestOn(layout, task);
                if (expected == null) {
                    assertThat(actual).isNull();
                } else {
                    assertThat(actual.gpus()).containsExactly(expected.gpus());
                    assertThat(actual.cost()).isEqualTo(expected.cost());
                    assertThat(actual.score()).isEqualTo(expected.score());
                }
            }
        }
    }
}
