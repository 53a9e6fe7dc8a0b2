package io.kubegpu.webhook.mutation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.Optional;

/**
 * Checks that the parts of a Pod the mutation reads and patches have the types a v1 Pod gives them. The API server only
 * sends Pods it decoded, so a wrong type means the caller is not the API server: it gets a clear refusal naming the
 * field, never a crash and never a patch over its garbage.
 */
final class PodShape {
    private PodShape() {
    }

    /** What is wrong with the pod's shape, by JSON path, or empty when the parts we touch are well typed. */
    static Optional<String> problem(JsonObject pod) {
        String metadata = objectOrAbsent(pod, "metadata", "metadata");
        if (metadata != null) {
            return Optional.of(metadata);
        }
        JsonObject meta = pod.has("metadata") && !pod.get("metadata").isJsonNull() ? pod.getAsJsonObject("metadata") : null;
        String annotations = stringMap(meta, "annotations", "metadata.annotations");
        if (annotations != null) {
            return Optional.of(annotations);
        }
        String spec = objectOrAbsent(pod, "spec", "spec");
        if (spec != null) {
            return Optional.of(spec);
        }
        JsonObject s = pod.has("spec") && !pod.get("spec").isJsonNull() ? pod.getAsJsonObject("spec") : null;
        if (s == null) {
            return Optional.empty();
        }
        for (String list : new String[] {"containers", "initContainers"}) {
            String containers = containers(s, list);
            if (containers != null) {
                return Optional.of(containers);
            }
        }
        String problem = stringMap(s, "nodeSelector", "spec.nodeSelector");
        if (problem == null) {
            problem = objectOrAbsent(s, "affinity", "spec.affinity");
        }
        if (problem == null) {
            problem = arrayOfObjects(s, "tolerations", "spec.tolerations");
        }
        if (problem == null && s.has("schedulerName") && !(s.get("schedulerName").isJsonNull() || primitive(s.get("schedulerName")))) {
            problem = "spec.schedulerName is not a string";
        }
        return Optional.ofNullable(problem);
    }

    private static String containers(JsonObject spec, String list) {
        String path = "spec." + list;
        String problem = arrayOfObjects(spec, list, path);
        if (problem != null || !spec.has(list) || spec.get(list).isJsonNull()) {
            return problem;
        }
        JsonArray containers = spec.getAsJsonArray(list);
        for (int i = 0; i < containers.size(); i++) {
            JsonObject container = containers.get(i).getAsJsonObject();
            String at = path + "[" + i + "]";
            if (container.has("name") && !primitive(container.get("name"))) {
                return at + ".name is not a string";
            }
            problem = objectOrAbsent(container, "resources", at + ".resources");
            if (problem == null && container.has("resources") && !container.get("resources").isJsonNull()) {
                JsonObject resources = container.getAsJsonObject("resources");
                problem = stringMap(resources, "limits", at + ".resources.limits");
                if (problem == null) {
                    problem = stringMap(resources, "requests", at + ".resources.requests");
                }
            }
            if (problem == null) {
                problem = arrayOfObjects(container, "env", at + ".env");
            }
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String objectOrAbsent(JsonObject parent, String key, String path) {
        if (parent == null || !parent.has(key) || parent.get(key).isJsonNull()) {
            return null;
        }
        return parent.get(key).isJsonObject() ? null : path + " is not an object";
    }

    private static String arrayOfObjects(JsonObject parent, String key, String path) {
        if (parent == null || !parent.has(key) || parent.get(key).isJsonNull()) {
            return null;
        }
        if (!parent.get(key).isJsonArray()) {
            return path + " is not a list";
        }
        JsonArray items = parent.getAsJsonArray(key);
        for (int i = 0; i < items.size(); i++) {
            if (!items.get(i).isJsonObject()) {
                return path + "[" + i + "] is not an object";
            }
        }
        return null;
    }

    private static String stringMap(JsonObject parent, String key, String path) {
        String problem = objectOrAbsent(parent, key, path);
        if (problem != null || parent == null || !parent.has(key) || parent.get(key).isJsonNull()) {
            return problem;
        }
        for (Map.Entry<String, JsonElement> entry : parent.getAsJsonObject(key).entrySet()) {
            if (!primitive(entry.getValue())) {
                return path + "[" + entry.getKey() + "] is not a string";
            }
        }
        return null;
    }

    private static boolean primitive(JsonElement element) {
        return element.isJsonPrimitive();
    }
}
