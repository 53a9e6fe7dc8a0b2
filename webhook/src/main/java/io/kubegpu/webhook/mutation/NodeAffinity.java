package io.kubegpu.webhook.mutation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Collection;

/** The pod's required node affinity, edited in place. */
final class NodeAffinity {
    private NodeAffinity() {
    }

    /**
     * Requires {@code key In values}: ANDed into each of the user's terms, which stay ORed (a pod without terms gets one).
     * A requirement already present is not added twice, so the mutation stays idempotent.
     */
    static void requireInEveryTerm(JsonObject spec, String key, Collection<String> values) {
        JsonObject requirement = new JsonObject();
        requirement.addProperty("key", key);
        requirement.addProperty("operator", "In");
        JsonArray list = new JsonArray();
        values.forEach(list::add);
        requirement.add("values", list);
        JsonObject required = PodEdit.child(PodEdit.child(PodEdit.child(spec, "affinity"), "nodeAffinity"),
                "requiredDuringSchedulingIgnoredDuringExecution");
        JsonArray terms = PodEdit.array(required, "nodeSelectorTerms");
        if (terms.isEmpty()) {
            terms.add(new JsonObject());
        }
        for (JsonElement term : terms) {
            JsonArray expressions = PodEdit.array(term.getAsJsonObject(), "matchExpressions");
            if (!expressions.contains(requirement)) {
                expressions.add(requirement.deepCopy());
            }
        }
    }
}
