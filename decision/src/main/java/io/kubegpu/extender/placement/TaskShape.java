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

    /** Whole-GPU shapes without CPU or models, one instance per count: the scorer's memos compare shapes by identity first. */
    private static final TaskShape[] PLAIN_WHOLE = new TaskShape[17];

    static {
        for (int gpus = 1; gpus < PLAIN_WHOLE.length; gpus++) {
            PLAIN_WHOLE[gpus] = new TaskShape(0, GpuLayout.WHOLE, gpus, Set.of());
        }
    }

    public static TaskShape whole(int cpuMilli, int gpus, Set<String> models) {
        if (cpuMilli == 0 && gpus > 0 && gpus < PLAIN_WHOLE.length && models.isEmpty()) {
            return PLAIN_WHOLE[gpus];
        }
        return new TaskShape(cpuMilli, GpuLayout.WHOLE, gpus, models);
    }

    /** Shares without CPU or models, one instance per size, made on first use (a benign race: records are immutable). */
    private static final TaskShape[] PLAIN_SHARE = new TaskShape[GpuLayout.WHOLE];

    public static TaskShape share(int cpuMilli, int milli, Set<String> models) {
        if (cpuMilli == 0 && milli > 0 && milli < GpuLayout.WHOLE && models.isEmpty()) {
            TaskShape shape = PLAIN_SHARE[milli];
            if (shape == null) {
                shape = new TaskShape(0, milli, 1, Set.of());
                PLAIN_SHARE[milli] = shape;
            }
            return shape;
        }
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
