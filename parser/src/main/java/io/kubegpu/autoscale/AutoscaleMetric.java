package io.kubegpu.autoscale;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What an autoscaler can aim at. CPU and memory are the HorizontalPodAutoscaler's own {@code Resource} metrics
 * (utilization of the pods' requests, from metrics.k8s.io); the GPU metrics are {@code Pods} metrics that the scorer
 * serves through custom.metrics.k8s.io as a fraction 0..1 per pod.
 */
public enum AutoscaleMetric {
    CPU("cpu", List.of("cpu"), Kind.RESOURCE, "cpu"),
    MEMORY("memory", List.of("mem", "memory"), Kind.RESOURCE, "memory"),
    /** The pod's GPU core utilization, averaged over its GPUs. */
    GPU("gpu", List.of("gpu"), Kind.PODS, "container_gpu_usage"),
    /** The GPU memory the pod uses, of what it was assigned (a share) or of the card (whole GPUs). */
    GPU_MEMORY("gpu-mem", List.of("gpu-mem", "gpu-memory"), Kind.PODS, "container_gpu_memory_usage");

    /** How the HorizontalPodAutoscaler reads a metric. */
    public enum Kind {
        /** {@code type: Resource}, {@code target.averageUtilization} in percent of the pods' requests. */
        RESOURCE,
        /** {@code type: Pods}, {@code target.averageValue} as a quantity (60 % is {@code 600m}). */
        PODS
    }

    private final String canonical;
    private final List<String> names;
    private final Kind kind;
    private final String metricName;

    AutoscaleMetric(String canonical, List<String> names, Kind kind, String metricName) {
        this.canonical = canonical;
        this.names = names;
        this.kind = kind;
        this.metricName = metricName;
    }

    /** The name in canonical strings: {@code cpu}, {@code memory}, {@code gpu}, {@code gpu-mem}. */
    public String canonical() {
        return canonical;
    }

    public Kind kind() {
        return kind;
    }

    /** The resource name ({@code cpu}, {@code memory}) or the custom metric's name ({@code container_gpu_usage}). */
    public String metricName() {
        return metricName;
    }

    /** The metric a user wrote, case-insensitively, by any of its names. */
    public static Optional<AutoscaleMetric> named(String written) {
        String lower = written.toLowerCase(Locale.ROOT);
        for (AutoscaleMetric metric : values()) {
            if (metric.names.contains(lower)) {
                return Optional.of(metric);
            }
        }
        return Optional.empty();
    }

    /** Every accepted name, for messages: {@code cpu, mem, memory, gpu, gpu-mem, gpu-memory}. */
    static String allNames() {
        StringBuilder out = new StringBuilder();
        for (AutoscaleMetric metric : values()) {
            for (String name : metric.names) {
                out.append(out.length() == 0 ? "" : ", ").append(name);
            }
        }
        return out.toString();
    }
}
