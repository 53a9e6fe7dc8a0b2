package io.kubegpu.webhook.mutation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/** Builds RFC 6902 operations; keys are escaped as JSON Pointer requires ({@code ~} → {@code ~0}, {@code /} → {@code ~1}). */
final class Patch {
    private final JsonArray ops = new JsonArray();

    void add(String path, JsonElement value) {
        JsonObject op = new JsonObject();
        op.addProperty("op", "add");
        op.addProperty("path", path);
        op.add("value", value);
        ops.add(op);
    }

    void add(String path, String value) {
        add(path, new JsonPrimitive(value));
    }

    void remove(String path) {
        JsonObject op = new JsonObject();
        op.addProperty("op", "remove");
        op.addProperty("path", path);
        ops.add(op);
    }

    static String key(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    JsonArray ops() {
        return ops;
    }
}
