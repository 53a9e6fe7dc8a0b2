package io.kubegpu.webhook.mutation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.Map;

/**
 * The RFC 6902 patch from one JSON document to another, computed by JSON-P's diff (Eclipse Parsson), so the mutation can
 * edit a copy of the pod like an ordinary object and never build JSON Pointers, escapes or "add the missing parent"
 * steps by hand.
 *
 * <p>The pods cross between Gson's tree and JSON-P's tree by walking them, not through text, and the JSON-P provider is
 * looked up once: {@code Json.createReader}/{@code createDiff} look it up with a ServiceLoader on every call (reading
 * the jar's service files), and that, printing both pods and parsing them again, then printing and parsing the patch,
 * was 27 % of the webhook's request CPU in a profile of pod creations through the API server (JFR, WebhookThroughput,
 * 2026-12-07).
 */
final class JsonPatchDiff {
    private static final JsonProvider JSON_P = JsonProvider.provider();

    private JsonPatchDiff() {
    }

    static JsonArray between(JsonObject before, JsonObject after) {
        JsonStructure source = (JsonStructure) toJsonP(before);
        JsonStructure target = (JsonStructure) toJsonP(after);
        return toGson(JSON_P.createDiff(source, target).toJsonArray()).getAsJsonArray();
    }

    private static JsonValue toJsonP(JsonElement element) {
        if (element == null || element.isJsonNull()) {
            return JsonValue.NULL;
        }
        if (element.isJsonObject()) {
            JsonObjectBuilder object = JSON_P.createObjectBuilder();
            for (Map.Entry<String, JsonElement> member : element.getAsJsonObject().entrySet()) {
                object.add(member.getKey(), toJsonP(member.getValue()));
            }
            return object.build();
        }
        if (element.isJsonArray()) {
            JsonArrayBuilder array = JSON_P.createArrayBuilder();
            for (JsonElement item : element.getAsJsonArray()) {
                array.add(toJsonP(item));
            }
            return array.build();
        }
        JsonPrimitive primitive = element.getAsJsonPrimitive();
        if (primitive.isBoolean()) {
            return primitive.getAsBoolean() ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (primitive.isString()) {
            return JSON_P.createValue(primitive.getAsString());
        }
        // Exact: a number is compared and copied as the decimal it was written as.
        return JSON_P.createValue(primitive.getAsBigDecimal());
    }

    private static JsonElement toGson(JsonValue value) {
        switch (value.getValueType()) {
            case OBJECT -> {
                JsonObject object = new JsonObject();
                value.asJsonObject().forEach((name, member) -> object.add(name, toGson(member)));
                return object;
            }
            case ARRAY -> {
                JsonArray array = new JsonArray();
                value.asJsonArray().forEach(item -> array.add(toGson(item)));
                return array;
            }
            case STRING -> {
                return new JsonPrimitive(((JsonString) value).getString());
            }
            case NUMBER -> {
                return new JsonPrimitive(((JsonNumber) value).bigDecimalValue());
            }
            case TRUE -> {
                return new JsonPrimitive(true);
            }
            case FALSE -> {
                return new JsonPrimitive(false);
            }
            default -> {
                return JsonNull.INSTANCE;
            }
        }
    }
}
