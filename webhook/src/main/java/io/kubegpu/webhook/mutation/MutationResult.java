package io.kubegpu.webhook.mutation;

import com.google.gson.JsonArray;
import java.util.List;

/**
 * The webhook's answer for one pod: allowed with a JSON Patch (possibly empty) and warnings, or denied
 * with an HTTP-style code, a message that names the annotation, the value and the fix, and a short
 * reason tag for metrics ({@code invalid_request}, {@code impossible}, {@code conflict}, {@code over_cap}).
 */
public record MutationResult(boolean allowed, JsonArray patch, List<String> warnings, int code, String message, String reason) {
    public MutationResult {
        warnings = List.copyOf(warnings);
    }

    static MutationResult allow(JsonArray patch, List<String> warnings) {
        return new MutationResult(true, patch, warnings, 200, "", "");
    }

    static MutationResult deny(int code, String reason, String message) {
        return new MutationResult(false, new JsonArray(), List.of(), code, message, reason);
    }
}
