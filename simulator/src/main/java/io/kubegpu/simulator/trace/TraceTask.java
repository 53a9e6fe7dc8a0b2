package io.kubegpu.simulator.trace;

import java.util.List;

/**
 * One task of the trace.
 *
 * @param name      task name
 * @param cpuMilli  CPU requested, thousandths of a core
 * @param memoryMiB host memory requested
 * @param gpus      GPUs: 0 (CPU only), 1 (whole or a share), k (k whole GPUs)
 * @param gpuMilli  share of each GPU, 1..1000 (0 for CPU-only tasks)
 * @param models    allowed GPU models ({@code gpu_spec}); empty = any
 */
public record TraceTask(String name, int cpuMilli, long memoryMiB, int gpus, int gpuMilli, List<String> models) {
    public TraceTask {
        models = List.copyOf(models);
    }

    /** GPU thousandths it asks for in total: what "arrived" and "allocated" are counted in. */
    public long totalGpuMilli() {
        return (long) gpus * gpuMilli;
    }

    public boolean isShare() {
        return gpus == 1 && gpuMilli < 1000;
    }

    public TraceTask renamed(String newName) {
        return new TraceTask(newName, cpuMilli, memoryMiB, gpus, gpuMilli, models);
    }
}
