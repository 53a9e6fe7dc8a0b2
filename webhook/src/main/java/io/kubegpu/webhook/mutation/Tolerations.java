package io.kubegpu.webhook.mutation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Objects;

/** The tolerations GPU pods get, added unless one the pod has already tolerates everything ours would. */
final class Tolerations {
    private Tolerations() {
    }

    static void add(PodEdit pod, List<MutationConfig.Toleration> wanted) {
        if (wanted.isEmpty()) {
            return;
        }
        JsonObject spec = pod.spec();
        JsonArray existing = PodEdit.array(spec, "tolerations");
        for (MutationConfig.Toleration toleration : wanted) {
            boolean covered = false;
            for (JsonElement present : existing) {
                covered |= covers(present.getAsJsonObject(), toleration);
            }
            if (!covered) {
                existing.add(json(toleration));
            }
        }
    }

    /**
     * Whether toleration {@code t} tolerates every taint {@code wanted} tolerates. An empty key with {@code Exists} tolerates
     * every key; an empty effect every effect; {@code Exists} every value, {@code Equal} only its own value. A toleration
     * with the right key but another value does not cover ours (it was counted as covering before, whatever its value).
     */
    static boolean covers(JsonObject t, MutationConfig.Toleration wanted) {
        String key = PodEdit.string(t, "key");
        String operator = Objects.requireNonNullElse(PodEdit.string(t, "operator"), "Equal");
        String effect = PodEdit.string(t, "effect");
        boolean anyKey = (key == null || key.isEmpty()) && operator.equals("Exists");
        if (!anyKey && !Objects.equals(key, wanted.key())) {
            return false;
        }
        if (effect != null && !effect.isEmpty() && !effect.equals(wanted.effect())) {
            return false;
        }
        if (operator.equals("Exists")) {
            return true;
        }
        return wanted.operator().equals("Equal") && Objects.equals(Objects.requireNonNullElse(PodEdit.string(t, "value"), ""),
                Objects.requireNonNullElse(wanted.value(), ""));
    }

    private static JsonObject json(MutationConfig.Toleration toleration) {
        JsonObject out = new JsonObject();
        if (toleration.key() != null) {
            out.addProperty("key", toleration.key());
        }
        out.addProperty("operator", toleration.operator());
        if (toleration.value() != null) {
            out.addProperty("value", toleration.value());
        }
        if (toleration.effect() != null) {
            out.addProperty("effect", toleration.effect());
        }
        return out;
    }
}
