package io.kubegpu.simulator.policy;

import io.kubegpu.extender.placement.GpuLayout;
import io.kubegpu.extender.placement.TaskShape;
import java.util.random.RandomGenerator;

/** The GPU selection methods of the published simulator's GPU-share plugin (best, random) for one node. */
final class GpuChoice {
    private static final int[] NONE = new int[0];

    private GpuChoice() {
    }

    /** Shares: the GPU with the least free that still fits (lowest index on ties). Whole GPUs: the lowest-numbered free ones. */
    static int[] bestFit(GpuLayout layout, TaskShape task) {
        if (task.gpuCount() == 0) {
            return NONE;
        }
        if (!task.isShare()) {
            return layout.lowestFullyFree(task.gpuCount());
        }
        int best = -1;
        for (int i = 0; i < layout.gpuCount(); i++) {
            if (layout.free(i) >= task.gpuMilli() && (best < 0 || layout.free(i) < layout.free(best))) {
                best = i;
            }
        }
        return new int[] {best};
    }

    /** Shares: a uniformly random GPU among those that fit. Whole GPUs: the lowest-numbered free ones. */
    static int[] random(GpuLayout layout, TaskShape task, RandomGenerator random) {
        if (task.gpuCount() == 0) {
            return NONE;
        }
        if (!task.isShare()) {
            return layout.lowestFullyFree(task.gpuCount());
        }
        int chosen = -1;
        int seen = 0;
        for (int i = 0; i < layout.gpuCount(); i++) {
            if (layout.free(i) >= task.gpuMilli() && random.nextInt(++seen) == 0) {
                chosen = i;
            }
        }
        return new int[] {chosen};
    }
}
