package io.kubegpu.scorer.prometheus;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the body of {@code /api/v1/query_range}: the {@code status}/{@code data}/{@code errorType}/{@code
 * error} envelope with a {@code matrix} result of {@code {"metric":{…},"values":[[t,"v"],…]}}. Anything else
 * is a {@link PrometheusException} of kind MALFORMED or ERROR, never a partial result.
 */
public final class RangeResponse {
    /** DCGM writes values near 2^63 for "no data" on fields a GPU does not support; they are not samples. */
    private static final double DCGM_NO_DATA = 9.0e18;

    private RangeResponse() {
    }

    public static List<PromSeries> parse(String body, String query) {
        JsonObject envelope;
        try {
            JsonElement root = JsonParser.parseString(body);
            if (!root.isJsonObject()) {
                throw malformed(query, "the body is not a JSON object");
            }
            envelope = root.getAsJsonObject();
        } catch (JsonParseException e) {
            throw malformed(query, "the body is not JSON (" + shorten(body) + ")");
        }
        String status = string(envelope, "status");
        if ("error".equals(status)) {
            throw new PrometheusException(PrometheusException.Kind.ERROR, "Prometheus refused query " + query + ": "
                    + string(envelope, "errorType") + ": " + string(envelope, "error"));
        }
        if (!"success".equals(status)) {
            throw malformed(query, "status is " + (status == null ? "missing" : "'" + status + "'"));
        }
        JsonElement data = envelope.get("data");
        if (data == null || !data.isJsonObject()) {
            throw malformed(query, "no data object");
        }
        String type = string(data.getAsJsonObject(), "resultType");
        if (!"matrix".equals(type)) {
            throw malformed(query, "resultType is " + type + ", a range query returns a matrix");
        }
        JsonElement result = data.getAsJsonObject().get("result");
        if (result == null || !result.isJsonArray()) {
            throw malformed(query, "no result array");
        }
        List<PromSeries> out = new ArrayList<>(result.getAsJsonArray().size());
        for (JsonElement element : result.getAsJsonArray()) {
            out.add(series(element, query));
        }
        return out;
    }

    private static PromSeries series(JsonElement element, String query) {
        if (!element.isJsonObject()) {
            throw malformed(query, "a result entry is not an object");
        }
        JsonObject entry = element.getAsJsonObject();
        JsonElement metric = entry.get("metric");
        JsonElement values = entry.get("values");
        if (metric == null || !metric.isJsonObject() || values == null || !values.isJsonArray()) {
            throw malformed(query, "a result entry lacks metric or values");
        }
        Map<String, String> labels = new HashMap<>();
        metric.getAsJsonObject().entrySet().forEach(label -> {
            if (!label.getValue().isJsonPrimitive()) {
                throw malformed(query, "label " + label.getKey() + " is not a string");
            }
            labels.put(label.getKey(), label.getValue().getAsString());
        });
        JsonArray samples = values.getAsJsonArray();
        double[] out = new double[samples.size()];
        double[] times = new double[samples.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement sample = samples.get(i);
            if (!sample.isJsonArray() || sample.getAsJsonArray().size() != 2 || !sample.getAsJsonArray().get(1).isJsonPrimitive()
                    || !sample.getAsJsonArray().get(0).isJsonPrimitive()) {
                throw malformed(query, "a sample is not [timestamp, \"value\"]");
            }
            out[i] = value(sample.getAsJsonArray().get(1).getAsString(), query);
            try {
                times[i] = sample.getAsJsonArray().get(0).getAsDouble();
            } catch (NumberFormatException e) {
                throw malformed(query, "a sample's timestamp is not a number");
            }
        }
        return new PromSeries(labels, out, times);
    }

    private static double value(String text, String query) {
        if (text.equals("NaN") || text.endsWith("Inf")) {
            return Double.NaN; // Prometheus spells infinities +Inf/-Inf, which Java does not parse
        }
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw malformed(query, "sample value '" + shorten(text) + "' is not a number");
        }
        return Double.isFinite(value) && Math.abs(value) < DCGM_NO_DATA ? value : Double.NaN;
    }

    private static String string(JsonObject object, String key) {
        JsonElement value = object.get(key);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
    }

    private static PrometheusException malformed(String query, String what) {
        return new PrometheusException(PrometheusException.Kind.MALFORMED, "malformed answer from Prometheus to " + query + ": " + what);
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}
