package io.kubegpu.webhook.mutation;

import com.google.gson.JsonArray;
import java.util.List;

/**
 * The webhook's answer for one pod: allowed with a JSON Patch (possibly empty) and warnings, or denied
 * with an HTTP-style code and a message that names the annotation, the value and the fix.
 */
public record MutationResult(boolean allowed, JsonArray patch, List<String> warnings, int code, String message) {
    public MutationResult {
        warnings = List.copyOf(warnings);
    }

    static MutationResult allow(JsonArray patch, List<String> warnings) {
        return new MutationResult(true, patch, warnings, 200, "");
    }

    static MutationResult deny(int code, String message) {
        return new MutationResult(false, new JsonArray(), List.of(), code, message);
    }
}
