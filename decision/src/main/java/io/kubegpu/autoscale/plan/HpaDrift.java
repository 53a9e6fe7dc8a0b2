package io.kubegpu.autoscale.plan;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How an autoscaler's spec differs from what it should be, in the terms the HorizontalPodAutoscaler means: metrics in
 * any order, quantities in any spelling ({@code 0.6} is {@code 600m}), defaults the API server fills in ignored where we
 * set the field ourselves. Anything else someone added or changed (a {@code behavior}, another metric) is drift.
 */
public final class HpaDrift {
    private HpaDrift() {
    }

    /** The fields that differ, e.g. {@code [maxReplicas 10 (want 4), metrics]}; empty when the specs mean the same. */
    public static List<String> between(JsonObject actual, JsonObject desired) {
        Map<String, JsonElement> want = new TreeMap<>(normalize(desired).asMap());
        Map<String, JsonElement> have = new TreeMap<>(normalize(actual).asMap());
        List<String> out = new ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(want.keySet());
        keys.addAll(have.keySet());
        for (String key : keys) {
            JsonElement a = have.get(key);
            JsonElement d = want.get(key);
            if (a == null ? d != null : !a.equals(d)) {
                boolean scalar = (a == null || a.isJsonPrimitive()) && (d == null || d.isJsonPrimitive());
                out.add(scalar ? key + " " + (a == null ? "unset" : a.toString()) + " (want " + (d == null ? "unset" : d.toString()) + ")" : key);
            }
        }
        return out;
    }

    /** A copy with the metrics as a sorted list of canonical entries and their quantities in thousandths. */
    static JsonObject normalize(JsonObject spec) {
        JsonObject out = spec.deepCopy();
        JsonElement metrics = out.get("metrics");
        if (metrics instanceof JsonArray array) {
            List<String> entries = new ArrayList<>();
            for (JsonElement metric : array) {
                JsonElement copy = metric.deepCopy();
                normalizeQuantities(copy);
                entries.add(copy.toString());
            }
            entries.sort(null);
            JsonArray sorted = new JsonArray();
            entries.forEach(sorted::add);
            out.add("metrics", sorted);
        }
        return out;
    }

    private static void normalizeQuantities(JsonElement element) {
        if (element instanceof JsonObject object) {
            for (String key : List.copyOf(object.keySet())) {
                JsonElement value = object.get(key);
                if ((key.equals("averageValue") || key.equals("value")) && value.isJsonPrimitive()) {
                    try {
                        object.addProperty(key, Quantity.milli(value.getAsString()) + "m");
                    } catch (IllegalArgumentException | ArithmeticException notAQuantity) {
                        // Left as written: it then differs from ours, which is what it is.
                    }
                } else {
                    normalizeQuantities(value);
                }
            }
            // Canonical key order, so two spellings of one object print alike.
            Map<String, JsonElement> sorted = new TreeMap<>(object.asMap());
            for (String key : List.copyOf(object.keySet())) {
                object.remove(key);
            }
            sorted.forEach(object::add);
        } else if (element instanceof JsonArray array) {
            array.forEach(HpaDrift::normalizeQuantities);
        }
    }
}
