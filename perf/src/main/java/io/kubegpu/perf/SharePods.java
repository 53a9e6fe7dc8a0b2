package io.kubegpu.perf;

import com.google.gson.JsonParser;
import io.kubegpu.webhook.mutation.MutationConfig;
import io.kubegpu.webhook.mutation.MutationResult;
import io.kubegpu.webhook.mutation.PodMutator;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Pod;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonStructure;
import java.io.StringReader;

/**
 * Pods that ask for a GPU share, in the shape our admission webhook leaves them: the user's pod (one container, the
 * {@code kubegpu.io/gpu} annotation) run through the webhook's own {@link PodMutator} with its defaults and the patch
 * applied, so the harness schedules exactly what a cluster with the webhook would.
 */
final class SharePods {
    private static final PodMutator MUTATOR = new PodMutator(MutationConfig.defaults());
    private static final JSON CLIENT_JSON = new JSON();

    private SharePods() {
    }

    static V1Pod asTheWebhookLeavesIt(String namespace, String name, String request) {
        String user = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"%s","annotations":{"kubegpu.io/gpu":"%s"}},
             "spec":{"containers":[{"name":"main","image":"registry.invalid/infer:1",
               "resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]}}""".formatted(name, namespace, request);
        MutationResult result = MUTATOR.mutate(JsonParser.parseString(user).getAsJsonObject());
        if (!(result instanceof MutationResult.Allowed allowed)) {
            throw new IllegalStateException("the webhook refuses " + request + ": " + result.message());
        }
        JsonArray patch;
        JsonStructure pod;
        try (var patchReader = Json.createReader(new StringReader(allowed.patch().toString()));
             var podReader = Json.createReader(new StringReader(user))) {
            patch = patchReader.readArray();
            pod = podReader.read();
        }
        String mutated = Json.createPatch(patch).apply(pod).toString();
        V1Pod mutatedPod = CLIENT_JSON.deserialize(mutated, V1Pod.class);
        // The client's model starts spec.overhead as an empty map, which it would send as {}: the API server refuses
        // any overhead on a pod without a RuntimeClass that defines one.
        mutatedPod.getSpec().setOverhead(null);
        return mutatedPod;
    }
}
