package io.kubegpu.scorer.prometheus;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.scorer.podmetrics.GpuSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the answer of an instant query ({@code resultType: vector}) into samples; NaN and infinite values stay as they are. */
final class InstantResponse {
    private InstantResponse() {
    }

    static List<GpuSample> parse(String body, String query) {
        JsonObject root;
        try {
            root = JsonParser.parseString(body).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new PrometheusException(PrometheusException.Kind.MALFORMED, "Prometheus answered " + query + " with something that is not JSON");
        }
        if (!"success".equals(string(root, "status"))) {
            throw new PrometheusException(PrometheusException.Kind.ERROR, "Prometheus refused " + query + ": " + string(root, "errorType") + ": "
                    + string(root, "error"));
        }
        JsonObject data = root.get("data") instanceof JsonObject object ? object : new JsonObject();
        if (!"vector".equals(string(data, "resultType")) || !(data.get("result") instanceof JsonArray result)) {
            throw new PrometheusException(PrometheusException.Kind.MALFORMED, "Prometheus answered " + query + " without a vector");
        }
        List<GpuSample> out = new ArrayList<>();
        for (JsonElement element : result) {
            JsonObject series = element.getAsJsonObject();
            Map<String, String> labels = new HashMap<>();
            if (series.get("metric") instanceof JsonObject metric) {
                metric.entrySet().forEach(e -> labels.put(e.getKey(), e.getValue().getAsString()));
            }
            JsonArray value = series.getAsJsonArray("value");
            double number;
            try {
                number = Double.parseDouble(value.get(1).getAsString());
            } catch (RuntimeException e) {
                number = Double.NaN;
            }
            out.add(new GpuSample(labels, number));
        }
        return out;
    }

    private static String string(JsonObject object, String key) {
        JsonElement value = object.get(key);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
    }
}
