package io.kubegpu.webhook.mutation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubegpu.api.Annotations;
import io.kubegpu.autoscale.AutoscaleParser;
import io.kubegpu.autoscale.InvalidAutoscaleException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Admission of Deployments and StatefulSets that opt into GPU autoscaling: their {@code kubegpu.io/autoscale},
 * {@code -min} and {@code -max} annotations must parse, or the object is refused with the error's code, annotation,
 * value and column. Nothing is changed. On an update only a change of those annotations is judged, so an object admitted
 * before the webhook existed can still be scaled or rolled out (the controller reports its bad annotations in an Event).
 */
public final class WorkloadValidator {
    private WorkloadValidator() {
    }

    /** Whether an AdmissionReview for {@code group}/{@code kind} and {@code operation} is ours to judge. */
    public static boolean judges(String group, String kind, String operation) {
        return "apps".equals(group) && ("Deployment".equals(kind) || "StatefulSet".equals(kind))
                && ("CREATE".equals(operation) || "UPDATE".equals(operation));
    }

    /** The answer for {@code object} ({@code oldObject} on an update, else null). */
    public static MutationResult validate(JsonObject object, JsonObject oldObject) {
        Map<String, String> annotations = annotations(object);
        if (!AutoscaleParser.optedIn(annotations)) {
            return MutationResult.allow(new JsonArray(), List.of());
        }
        if (oldObject != null && autoscale(annotations).equals(autoscale(annotations(oldObject)))) {
            return MutationResult.allow(new JsonArray(), List.of());
        }
        try {
            AutoscaleParser.parse(annotations);
            return MutationResult.allow(new JsonArray(), List.of());
        } catch (InvalidAutoscaleException e) {
            return MutationResult.deny(DenialReason.INVALID_REQUEST, e.error().describe());
        }
    }

    private static Map<String, String> autoscale(Map<String, String> annotations) {
        Map<String, String> out = new TreeMap<>();
        for (String key : List.of(Annotations.AUTOSCALE, Annotations.AUTOSCALE_MIN, Annotations.AUTOSCALE_MAX)) {
            if (annotations.containsKey(key)) {
                out.put(key, annotations.get(key));
            }
        }
        return out;
    }

    private static Map<String, String> annotations(JsonObject object) {
        Map<String, String> out = new TreeMap<>();
        JsonElement metadata = object == null ? null : object.get("metadata");
        JsonElement annotations = metadata instanceof JsonObject meta ? meta.get("annotations") : null;
        if (annotations instanceof JsonObject map) {
            for (var entry : map.entrySet()) {
                if (!entry.getValue().isJsonPrimitive()) {
                    throw new IllegalArgumentException("metadata.annotations." + entry.getKey() + " is not a string");
                }
                out.put(entry.getKey(), entry.getValue().getAsString());
            }
        }
        return out;
    }
}
