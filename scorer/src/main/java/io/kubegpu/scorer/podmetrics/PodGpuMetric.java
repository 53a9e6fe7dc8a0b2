package io.kubegpu.scorer.podmetrics;

import java.util.Optional;

/** The per-pod GPU metrics the scorer serves through custom.metrics.k8s.io, each a fraction 0..1. */
public enum PodGpuMetric {
    /** The pod's GPU core utilization (DCGM_FI_DEV_GPU_UTIL / 100) averaged over its GPUs. */
    GPU_USAGE("container_gpu_usage"),
    /** The GPU memory it uses (DCGM_FI_DEV_FB_USED) of what it was assigned (a share) or of the card (FB_USED + FB_FREE), averaged over its GPUs. */
    GPU_MEMORY_USAGE("container_gpu_memory_usage");

    private final String metricName;

    PodGpuMetric(String metricName) {
        this.metricName = metricName;
    }

    public String metricName() {
        return metricName;
    }

    public static Optional<PodGpuMetric> named(String name) {
        for (PodGpuMetric metric : values()) {
            if (metric.metricName.equals(name)) {
                return Optional.of(metric);
            }
        }
        return Optional.empty();
    }
}
