package io.kubegpu.scorer.score;

/**
 * One GPU's result for an analysis run. Averages are over the window; for an {@link GpuStatus#UNKNOWN} GPU
 * the score is {@code NaN} and {@code missing} says which series was absent.
 *
 * @param gpuId        UUID
 * @param pod          pod the GPU is assigned to ({@code pod} or {@code exported_pod} label)
 * @param namespace    its namespace — the tenant
 * @param container    its container
 * @param hostname     node ({@code Hostname} or {@code hostname} label)
 * @param modelName    product name DCGM reports
 * @param gpuUtil      average core utilization, percent
 * @param memCopy      average memory-copy utilization, percent
 * @param memUsedMiB   average framebuffer used, MiB
 * @param memTotalMiB  framebuffer size (used + free), MiB; NaN when either series is missing
 * @param powerWatts   average power draw, watts
 * @param smClock      average SM clock, MHz
 * @param temperatureC the latest temperature in the window, °C; NaN when the exporter sends none (the score does not need it)
 * @param score        the weighted score, 0–100
 * @param status       idle, low, normal, high or unknown
 * @param missing      for unknown GPUs, what was missing; empty otherwise
 */
public record GpuScore(String gpuId, String pod, String namespace, String container, String hostname, String modelName, double gpuUtil,
                       double memCopy, double memUsedMiB, double memTotalMiB, double powerWatts, double smClock, double temperatureC,
                       double score, GpuStatus status, String missing) {
    public boolean scored() {
        return status != GpuStatus.UNKNOWN;
    }

    /** Low or idle: what the control API, notifications and (by default) the AI review act on. */
    public boolean low() {
        return status == GpuStatus.IDLE || status == GpuStatus.LOW;
    }

    public GpuKey key() {
        return new GpuKey(gpuId, namespace, pod);
    }
}
