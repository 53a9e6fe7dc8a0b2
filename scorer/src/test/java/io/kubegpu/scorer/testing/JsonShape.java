package io.kubegpu.scorer.testing;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares a response with a documented example by shape: every field of the example must be in the response with the
 * same JSON type (number, string, boolean, object, array, null), recursively; array elements are held to the example's
 * first element; objects named in {@code maps} have keys that are data (namespaces), so each of their values is held to
 * the example's first. Fields the example lacks are fine.
 */
public final class JsonShape {
    private JsonShape() {
    }

    public static List<String> mismatches(JsonElement example, JsonElement actual, Set<String> maps) {
        return mismatches(example, actual, maps, Set.of());
    }

    public static List<String> mismatches(JsonElement example, JsonElement actual, Set<String> maps, Set<String> optional) {
        List<String> out = new ArrayList<>();
        compare("$", example, actual, maps, optional, out);
        return out;
    }

    private static void compare(String path, JsonElement example, JsonElement actual, Set<String> maps, Set<String> optional,
                                List<String> out) {
        if ((actual == null || actual.isJsonNull()) && optional.contains(path.substring(path.lastIndexOf('.') + 1))) {
            return;
        }
        if (actual == null) {
            out.add(path + " is missing");
            return;
        }
        if (!type(example).equals(type(actual))) {
            out.add(path + " is " + type(actual) + ", the monitor's is " + type(example));
            return;
        }
        if (example.isJsonArray() && !example.getAsJsonArray().isEmpty()) {
            if (actual.getAsJsonArray().isEmpty()) {
                out.add(path + " is an empty array; the test needs data to compare");
            }
            for (int i = 0; i < actual.getAsJsonArray().size(); i++) {
                compare(path + "[" + i + "]", example.getAsJsonArray().get(0), actual.getAsJsonArray().get(i), maps, optional, out);
            }
        } else if (example.isJsonObject()) {
            JsonObject e = example.getAsJsonObject();
            JsonObject a = actual.getAsJsonObject();
            String name = path.substring(path.lastIndexOf('.') + 1);
            if (maps.contains(name)) {
                JsonElement first = e.entrySet().iterator().next().getValue();
                for (Map.Entry<String, JsonElement> entry : a.entrySet()) {
                    compare(path + "." + entry.getKey(), first, entry.getValue(), maps, optional, out);
                }
                return;
            }
            for (Map.Entry<String, JsonElement> entry : e.entrySet()) {
                compare(path + "." + entry.getKey(), entry.getValue(), a.get(entry.getKey()), maps, optional, out);
            }
        }
    }

    private static String type(JsonElement element) {
        if (element.isJsonNull()) {
            return "null";
        }
        if (element.isJsonObject()) {
            return "an object";
        }
        if (element.isJsonArray()) {
            return "an array";
        }
        var primitive = element.getAsJsonPrimitive();
        return primitive.isBoolean() ? "a boolean" : primitive.isNumber() ? "a number" : "a string";
    }
}
