package io.kubegpu.scorer.score;

import java.util.Map;

/**
 * Who a GPU's series belong to, read from dcgm-exporter's labels. When Prometheus scrapes the exporter
 * with {@code honor_labels: false} (the dcgm-exporter chart's ServiceMonitor), the target's own
 * {@code pod}/{@code namespace}/{@code container} — the exporter pod — take those names and the workload's
 * labels arrive as {@code exported_pod}/{@code exported_namespace}/{@code exported_container}; so the
 * exported form wins whenever it is present. The host is {@code Hostname} (every release to 4.8) or
 * {@code hostname} (later ones).
 */
public record Attribution(String pod, String namespace, String container, String hostname, String modelName) {

    public static Attribution of(Map<String, String> labels) {
        return new Attribution(first(labels, "exported_pod", "pod"), first(labels, "exported_namespace", "namespace"),
                first(labels, "exported_container", "container"), first(labels, "Hostname", "hostname"), first(labels, "modelName"));
    }

    private static String first(Map<String, String> labels, String... keys) {
        for (String key : keys) {
            String value = labels.get(key);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return null;
    }
}
