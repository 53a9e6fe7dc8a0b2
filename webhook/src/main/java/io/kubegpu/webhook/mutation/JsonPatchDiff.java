package io.kubegpu.webhook.mutation;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jakarta.json.Json;
import jakarta.json.JsonStructure;
import java.io.StringReader;

/**
 * The RFC 6902 patch from one JSON document to another, computed by JSON-P's diff (Eclipse Parsson), so the mutation can
 * edit a copy of the pod like an ordinary object and never build JSON Pointers, escapes or "add the missing parent"
 * steps by hand.
 */
final class JsonPatchDiff {
    private JsonPatchDiff() {
    }

    static JsonArray between(JsonObject before, JsonObject after) {
        JsonStructure source = Json.createReader(new StringReader(before.toString())).read();
        JsonStructure target = Json.createReader(new StringReader(after.toString())).read();
        return JsonParser.parseString(Json.createDiff(source, target).toJsonArray().toString()).getAsJsonArray();
    }
}
