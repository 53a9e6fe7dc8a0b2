package io.kubegpu.app.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.kubegpu.request.GpuRequest;
import io.kubegpu.request.GrammarConfig;
import io.kubegpu.request.ParseError;

/**
 * The JSON shapes of the {@code parse} contract, one object per input:
 * {@code {"input","ok":true,"canonical","gpus","shareMilli","memoryMiB","vendor","resource","models"}}
 * with absent parts as {@code null}, or {@code {"input","ok":false,"code","message","column"}}.
 */
final class RequestJson {
    static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private RequestJson() {
    }

    static JsonObject valid(String input, GpuRequest request, GrammarConfig config) {
        JsonObject out = new JsonObject();
        out.addProperty("input", input);
        out.addProperty("ok", true);
        out.addProperty("canonical", request.canonical());
        out.add("gpus", positiveOrNull(request.wholeGpus()));
        out.add("shareMilli", positiveOrNull(request.shareMilli()));
        out.add("memoryMiB", positiveOrNull(request.memoryMiB()));
        out.add("vendor", request.vendor() == null ? JsonNull.INSTANCE : new JsonPrimitive(request.vendor().name()));
        out.addProperty("resource", config.resourceOf(request));
        JsonArray models = new JsonArray();
        request.models().forEach(models::add);
        out.add("models", models);
        return out;
    }

    static JsonObject invalid(String input, ParseError error) {
        JsonObject out = new JsonObject();
        out.addProperty("input", input);
        out.addProperty("ok", false);
        out.addProperty("code", error.code().name());
        out.addProperty("message", error.message());
        out.addProperty("column", error.column());
        return out;
    }

    private static JsonPrimitive positiveOrNull(int value) {
        return value > 0 ? new JsonPrimitive(value) : null;
    }
}
