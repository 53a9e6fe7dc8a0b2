package io.kubegpu.scorer.podmetrics;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The custom.metrics.k8s.io wire format (k8s.io/metrics, {@code v1beta1} and {@code v1beta2}): the resource list that
 * discovery reads, the MetricValueList of pods, and errors as a meta/v1 Status.
 */
public final class MetricsApiJson {
    public static final String GROUP = "custom.metrics.k8s.io";
    public static final String V1BETA1 = "v1beta1";
    public static final String V1BETA2 = "v1beta2";

    private MetricsApiJson() {
    }

    public static boolean served(String version) {
        return V1BETA1.equals(version) || V1BETA2.equals(version);
    }

    /** {@code GET /apis/custom.metrics.k8s.io/VERSION}: one namespaced resource {@code pods/METRIC} per metric. */
    public static JsonObject resources(String version) {
        JsonObject out = new JsonObject();
        out.addProperty("kind", "APIResourceList");
        out.addProperty("apiVersion", "v1");
        out.addProperty("groupVersion", GROUP + "/" + version);
        JsonArray resources = new JsonArray();
        for (PodGpuMetric metric : PodGpuMetric.values()) {
            JsonObject resource = new JsonObject();
            resource.addProperty("name", "pods/" + metric.metricName());
            resource.addProperty("singularName", "");
            resource.addProperty("namespaced", true);
            resource.addProperty("kind", "MetricValueList");
            JsonArray verbs = new JsonArray();
            verbs.add("get");
            resource.add("verbs", verbs);
            resources.add(resource);
        }
        out.add("resources", resources);
        return out;
    }

    /**
     * A MetricValueList of {@code values} (pod name to value 0..1, in thousandths on the wire: 0.9 is {@code 900m}) measured
     * at {@code timestamp} over {@code windowSeconds}.
     */
    public static JsonObject values(String version, String namespace, PodGpuMetric metric, Map<String, Double> values, Instant timestamp,
                                    long windowSeconds) {
        JsonObject out = new JsonObject();
        out.addProperty("kind", "MetricValueList");
        out.addProperty("apiVersion", GROUP + "/" + version);
        out.add("metadata", new JsonObject());
        JsonArray items = new JsonArray();
        String time = timestamp.truncatedTo(ChronoUnit.SECONDS).toString();
        values.forEach((pod, value) -> {
            JsonObject item = new JsonObject();
            JsonObject described = new JsonObject();
            described.addProperty("kind", "Pod");
            described.addProperty("namespace", namespace);
            described.addProperty("name", pod);
            described.addProperty("apiVersion", "/v1");
            item.add("describedObject", described);
            if (V1BETA1.equals(version)) {
                item.addProperty("metricName", metric.metricName());
                item.addProperty("timestamp", time);
                item.addProperty("window", windowSeconds);
                item.addProperty("value", milli(value));
                item.add("selector", JsonNull.INSTANCE);
            } else {
                JsonObject identifier = new JsonObject();
                identifier.addProperty("name", metric.metricName());
                identifier.add("selector", JsonNull.INSTANCE);
                item.add("metric", identifier);
                item.addProperty("timestamp", time);
                item.addProperty("windowSeconds", windowSeconds);
                item.addProperty("value", milli(value));
            }
            items.add(item);
        });
        out.add("items", items);
        return out;
    }

    /** A meta/v1 Status for an error: what the API server passes on to the caller. */
    public static JsonObject status(int code, String reason, String message) {
        JsonObject out = new JsonObject();
        out.addProperty("kind", "Status");
        out.addProperty("apiVersion", "v1");
        out.add("metadata", new JsonObject());
        out.addProperty("status", "Failure");
        out.addProperty("message", message);
        out.addProperty("reason", reason);
        out.addProperty("code", code);
        return out;
    }

    /** A quantity in thousandths: 0.9 is {@code 900m}. */
    static String milli(double value) {
        return Math.round(value * 1000) + "m";
    }
}
