package io.kubegpu.scorer.podmetrics;

import java.util.Map;

/** One series of an instant query: its labels and its value (DCGM units: percent, MiB). */
public record GpuSample(Map<String, String> labels, double value) {
    public GpuSample {
        labels = Map.copyOf(labels);
    }

    /** The pod the series belongs to: {@code exported_pod} when Prometheus relabelled dcgm-exporter's own labels, else {@code pod}. */
    public String pod() {
        return labels.getOrDefault("exported_pod", labels.get("pod"));
    }

    public String namespace() {
        return labels.getOrDefault("exported_namespace", labels.get("namespace"));
    }

    /** The GPU: its UUID, else host and index. */
    public String gpu() {
        String uuid = labels.get("UUID");
        return uuid != null ? uuid : labels.getOrDefault("Hostname", labels.getOrDefault("hostname", "")) + "/" + labels.get("gpu");
    }

    /** The GPU's index on its node, or -1. */
    public int index() {
        try {
            return Integer.parseInt(labels.getOrDefault("gpu", "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
