package io.kubegpu.webhook.mutation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * A copy of the pod being admitted, edited in place by the mutation. Missing parents are created on the way, so a
 * step says what the pod should look like and never how a patch would get it there; {@link JsonPatchDiff} writes the
 * patch from the original and this copy. Reads assume {@link PodShape} has checked the types.
 */
final class PodEdit {
    private final JsonObject pod;

    PodEdit(JsonObject original) {
        this.pod = original.deepCopy();
    }

    JsonObject json() {
        return pod;
    }

    /** An annotation, or null. */
    String annotation(String key) {
        return string(object(object(pod, "metadata"), "annotations"), key);
    }

    void setAnnotation(String key, String value) {
        child(child(pod, "metadata"), "annotations").addProperty(key, value);
    }

    /** Removes an annotation; true when it was there. */
    boolean removeAnnotation(String key) {
        JsonObject annotations = object(object(pod, "metadata"), "annotations");
        return annotations != null && annotations.remove(key) != null;
    }

    /** The spec, created when missing. */
    JsonObject spec() {
        return child(pod, "spec");
    }

    /** {@code spec.containers} or {@code spec.initContainers}; empty when absent. */
    JsonArray containers(String kind) {
        JsonObject spec = object(pod, "spec");
        JsonElement list = spec == null ? null : spec.get(kind);
        return list != null && list.isJsonArray() ? list.getAsJsonArray() : new JsonArray();
    }

    /** The object under {@code key}, created (and put there) when missing. */
    static JsonObject child(JsonObject parent, String key) {
        JsonObject existing = object(parent, key);
        if (existing == null) {
            existing = new JsonObject();
            parent.add(key, existing);
        }
        return existing;
    }

    /** The array under {@code key}, created when missing. */
    static JsonArray array(JsonObject parent, String key) {
        JsonElement existing = parent.get(key);
        if (existing != null && existing.isJsonArray()) {
            return existing.getAsJsonArray();
        }
        JsonArray created = new JsonArray();
        parent.add(key, created);
        return created;
    }

    static JsonObject object(JsonObject parent, String key) {
        if (parent == null) {
            return null;
        }
        JsonElement value = parent.get(key);
        return value != null && value.isJsonObject() ? value.getAsJsonObject() : null;
    }

    static String string(JsonObject parent, String key) {
        if (parent == null) {
            return null;
        }
        JsonElement value = parent.get(key);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
    }
}
