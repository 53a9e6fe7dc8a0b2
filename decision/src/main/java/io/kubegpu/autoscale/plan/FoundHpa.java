package io.kubegpu.autoscale.plan;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Objects;

/**
 * A HorizontalPodAutoscaler as the API server has it (any version with the {@code metrics[].target} shape): what
 * planning reads of the raw object.
 *
 * @param object the object as received; never modified
 */
public record FoundHpa(JsonObject object) {
    public FoundHpa {
        Objects.requireNonNull(object, "object");
    }

    public String name() {
        return string(metadata(), "name");
    }

    public String namespace() {
        return string(metadata(), "namespace");
    }

    public String uid() {
        return string(metadata(), "uid");
    }

    /** The spec, or an empty object. */
    public JsonObject spec() {
        return child(object, "spec");
    }

    /** The status, or an empty object. */
    public JsonObject status() {
        return child(object, "status");
    }

    /** Whether we wrote it: it carries our managed-by label. */
    public boolean managedByUs() {
        return DesiredHpa.MANAGER.equals(string(child(metadata(), "labels"), DesiredHpa.MANAGED_BY));
    }

    /** The uid of its controlling owner, or null. */
    public String controllerUid() {
        JsonElement owners = metadata().get("ownerReferences");
        if (owners instanceof JsonArray array) {
            for (JsonElement owner : array) {
                if (owner instanceof JsonObject ref && ref.get("controller") != null && ref.get("controller").isJsonPrimitive()
                        && ref.get("controller").getAsBoolean()) {
                    return string(ref, "uid");
                }
            }
        }
        return null;
    }

    /** Whether its {@code scaleTargetRef} names {@code workload}'s kind and name. */
    public boolean scales(WorkloadRef workload) {
        JsonObject target = child(spec(), "scaleTargetRef");
        return workload.kind().equals(string(target, "kind")) && workload.name().equals(string(target, "name"))
                && workload.namespace().equals(namespace());
    }

    JsonObject metadata() {
        return child(object, "metadata");
    }

    static JsonObject child(JsonObject parent, String key) {
        JsonElement value = parent == null ? null : parent.get(key);
        return value instanceof JsonObject object ? object : new JsonObject();
    }

    static String string(JsonObject parent, String key) {
        JsonElement value = parent == null ? null : parent.get(key);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
    }
}
