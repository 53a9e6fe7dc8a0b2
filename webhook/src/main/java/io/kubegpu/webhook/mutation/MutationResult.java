package io.kubegpu.webhook.mutation;

import com.google.gson.JsonArray;
import java.util.List;

/**
 * The webhook's answer for one pod: allowed with a JSON Patch (possibly empty) and warnings, or denied with a reason
 * and a message that names the annotation, the value and the fix.
 */
public sealed interface MutationResult permits MutationResult.Allowed, MutationResult.Denied {
    /** Allowed; {@code patch} (RFC 6902) turns the pod as sent into the pod as it should be stored. */
    record Allowed(JsonArray patch, List<String> warnings) implements MutationResult {
        public Allowed {
            warnings = List.copyOf(warnings);
        }
    }

    /** Denied, for {@code reason}, with the message the user sees. */
    record Denied(DenialReason reason, String message) implements MutationResult {
    }

    static MutationResult allow(JsonArray patch, List<String> warnings) {
        return new Allowed(patch, warnings);
    }

    static MutationResult deny(DenialReason reason, String message) {
        return new Denied(reason, message);
    }

    default boolean allowed() {
        return this instanceof Allowed;
    }

    /** The patch of an allowed pod; empty for a denied one. */
    default JsonArray patch() {
        return this instanceof Allowed allowed ? allowed.patch() : new JsonArray();
    }

    default List<String> warnings() {
        return this instanceof Allowed allowed ? allowed.warnings() : List.of();
    }

    /** The HTTP-style status of the answer: 200 when allowed, else the reason's. */
    default int code() {
        return this instanceof Denied denied ? denied.reason().code() : 200;
    }

    /** Why it was denied; empty when allowed. */
    default String message() {
        return this instanceof Denied denied ? denied.message() : "";
    }
}
