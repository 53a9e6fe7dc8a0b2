package io.kubegpu.extender.placement;

import java.util.Set;

/**
 * A task's demand as placement sees it.
 *
 * @param cpuMilli host CPU, thousandths of a core (0 where the caller does not track CPU)
 * @param gpuMilli share of each GPU it takes, 1..1000 (1000 = whole GPUs); 0 for a CPU-only task
 * @param gpuCount GPUs it takes: 1 for a share, k for k whole GPUs, 0 for CPU only
 * @param models   GPU models it accepts (exact labels); empty = any
 */
public record TaskShape(int cpuMilli, int gpuMilli, int gpuCount, Set<String> models) {
    public TaskShape {
        models = Set.copyOf(models);
        if (cpuMilli < 0 || gpuMilli < 0 || gpuMilli > GpuLayout.WHOLE || gpuCount < 0) {
            throw new IllegalArgumentException("invalid task shape: cpu " + cpuMilli + ", gpu " + gpuCount + " x " + gpuMilli);
        }
        if ((gpuCount == 0) != (gpuMilli == 0)) {
            throw new IllegalArgumentException("a task with GPUs needs a share per GPU and vice versa: " + gpuCount + " x " + gpuMilli);
        }
        if (gpuCount > 1 && gpuMilli < GpuLayout.WHOLE) {
            throw new IllegalArgumentException("a share takes one GPU; " + gpuCount + " GPUs must be whole");
        }
    }

    public static TaskShape whole(int cpuMilli, int gpus, Set<String> models) {
        return new TaskShape(cpuMilli, GpuLayout.WHOLE, gpus, models);
    }

    public static TaskShape share(int cpuMilli, int milli, Set<String> models) {
        return new TaskShape(cpuMilli, milli, 1, models);
    }

    public static TaskShape cpuOnly(int cpuMilli) {
        return new TaskShape(cpuMilli, 0, 0, Set.of());
    }

    public boolean isShare() {
        return gpuCount == 1 && gpuMilli < GpuLayout.WHOLE;
    }

    /** GPU thousandths it takes in total. */
    public int totalGpuMilli() {
        return gpuMilli * gpuCount;
    }

    public boolean accepts(String model) {
        return models.isEmpty() || (model != null && models.contains(model));
    }
}
