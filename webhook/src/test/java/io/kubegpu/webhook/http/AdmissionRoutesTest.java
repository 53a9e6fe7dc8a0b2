package io.kubegpu.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.webhook.mutation.MutationConfig;
import io.kubegpu.webhook.mutation.PodMutator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** AdmissionReview in and out, with the bodies a real kube-apiserver 1.20.2 sent. */
class AdmissionRoutesTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AdmissionRoutes routes = new AdmissionRoutes(new PodMutator(MutationConfig.defaults()), registry);

    private static String fixture(String name) throws IOException {
        try (InputStream in = AdmissionRoutesTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private JsonObject reply(String body) {
        return JsonParser.parseString(routes.review(body)).getAsJsonObject();
    }

    @Test
    void mutatesAnnotatedPodsWithABase64JsonPatchAndEchoesTheUid() throws IOException {
        JsonObject reply = reply(fixture("admissionreview-pod-create.json"));
        assertThat(reply.get("apiVersion").getAsString()).isEqualTo("admission.k8s.io/v1");
        assertThat(reply.get("kind").getAsString()).isEqualTo("AdmissionReview");
        JsonObject response = reply.getAsJsonObject("response");
        assertThat(response.get("uid").getAsString()).isEqualTo("c04efbf2-7d01-4747-bf19-41f5f3c92f81");
        assertThat(response.get("allowed").getAsBoolean()).isTrue();
        assertThat(response.get("patchType").getAsString()).isEqualTo("JSONPatch");
        JsonArray patch = JsonParser.parseString(new String(Base64.getDecoder().decode(response.get("patch").getAsString()),
                StandardCharsets.UTF_8)).getAsJsonArray();
        // The diff of the pod as sent and as mutated: the toleration appended after the user's two, the affinity added whole.
        assertThat(patch.toString()).contains("\"path\":\"/spec/affinity\"", "\"path\":\"/spec/tolerations/2\"");
        assertThat(registry.counter("kubegpu.webhook.decisions", "outcome", "mutated", "reason", "").count()).isEqualTo(1);
    }

    @Test
    void dryRunRequestsAreAnsweredTheSameWay() throws IOException {
        JsonObject response = reply(fixture("admissionreview-pod-create-dryrun.json")).getAsJsonObject("response");
        assertThat(response.get("uid").getAsString()).isEqualTo("0061239a-3bb4-4558-bb64-004abf2caac4");
        assertThat(response.has("patch")).isTrue();
    }

    @Test
    void podsWithoutTheAnnotationGetNoPatchAndNoPatchType() throws IOException {
        JsonObject response = reply(fixture("admissionreview-pod-create-generatename.json")).getAsJsonObject("response");
        assertThat(response.get("allowed").getAsBoolean()).isTrue();
        assertThat(response.has("patch")).isFalse();
        assertThat(response.has("patchType")).isFalse();
    }

    @Test
    void deniesWithACodeAndTheMessage() throws IOException {
        String body = fixture("admissionreview-pod-create.json").replace("\"kubegpu.io/gpu\": \"2(V100)\"", "\"kubegpu.io/gpu\": \"2(V100,A100)\"");
        JsonObject response = reply(body).getAsJsonObject("response");
        assertThat(response.get("allowed").getAsBoolean()).isFalse();
        assertThat(response.getAsJsonObject("status").get("code").getAsInt()).isEqualTo(400);
        assertThat(response.getAsJsonObject("status").get("message").getAsString())
                .startsWith("kubegpu.io/gpu '2(V100,A100)' is invalid at column 3: unknown vendor 'V100'");
        assertThat(response.has("patch")).isFalse();
        assertThat(registry.counter("kubegpu.webhook.decisions", "outcome", "denied", "reason", "invalid_request").count()).isEqualTo(1);
    }

    @Test
    void otherOperationsAndKindsAreAllowedUntouched() throws IOException {
        String update = fixture("admissionreview-pod-create.json").replace("\"operation\": \"CREATE\"", "\"operation\": \"UPDATE\"");
        JsonObject response = reply(update).getAsJsonObject("response");
        assertThat(response.get("allowed").getAsBoolean()).isTrue();
        assertThat(response.has("patch")).isFalse();
    }

    @Test
    void malformedReviewsAreRefusedWithAReason() {
        assertThatThrownBy(() -> routes.review("{")).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> routes.review("{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\"}"))
                .hasMessageContaining("expected an admission.k8s.io/v1 AdmissionReview");
        assertThatThrownBy(() -> routes.review("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}"))
                .hasMessage("the AdmissionReview has no request.uid");
    }

    @Test
    void aPodOfTheWrongShapeIsABadRequestNotACrash() throws IOException {
        String review = fixture("admissionreview-pod-create.json");
        JsonObject template = JsonParser.parseString(review).getAsJsonObject();
        for (String[] broken : new String[][] {{"spec", "\"no spec\""}, {"containers", "{\"not\":\"a list\"}"}, {"containers", "[\"a string\"]"},
                {"tolerations", "\"everything\""}, {"nodeSelector", "[1]"}, {"affinity", "[]"}}) {
            JsonObject copy = template.deepCopy();
            JsonObject object = copy.getAsJsonObject("request").getAsJsonObject("object");
            if (broken[0].equals("spec")) {
                object.add("spec", JsonParser.parseString(broken[1]));
            } else {
                object.getAsJsonObject("spec").add(broken[0], JsonParser.parseString(broken[1]));
            }
            assertThatThrownBy(() -> routes.review(copy.toString())).as(broken[0] + " = " + broken[1])
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("request.object is not a valid v1 Pod: spec");
        }
    }

    private static String workloadReview(String operation, String annotations, String oldAnnotations) {
        String old = oldAnnotations == null ? "" : """
                ,"oldObject":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"infer","namespace":"team-a","annotations":{%s}}}"""
                .formatted(oldAnnotations);
        return """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"9d1e8f3a-0000-4000-8000-000000000001",
                 "kind":{"group":"apps","version":"v1","kind":"Deployment"},"resource":{"group":"apps","version":"v1","resource":"deployments"},
                 "requestKind":{"group":"apps","version":"v1","kind":"Deployment"},"name":"infer","namespace":"team-a","operation":"%s",
                 "userInfo":{"username":"admin"},
                 "object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"infer","namespace":"team-a","annotations":{%s}},
                   "spec":{"replicas":1}}%s,"dryRun":false}}""".formatted(operation, annotations, old);
    }

    @Test
    void refusesADeploymentWhoseAutoscaleStringIsInvalidWithCodeAndColumn() {
        JsonObject response = reply(workloadReview("CREATE", "\"kubegpu.io/autoscale\":\"cpu:50%,gpu:0%\",\"kubegpu.io/autoscale-max\":\"4\"",
                null)).getAsJsonObject("response");
        assertThat(response.get("uid").getAsString()).isEqualTo("9d1e8f3a-0000-4000-8000-000000000001");
        assertThat(response.get("allowed").getAsBoolean()).isFalse();
        assertThat(response.getAsJsonObject("status").get("code").getAsInt()).isEqualTo(400);
        assertThat(response.getAsJsonObject("status").get("message").getAsString())
                .startsWith("kubegpu.io/autoscale 'cpu:50%,gpu:0%': ZERO_PERCENT at column 13");
        assertThat(registry.counter("kubegpu.webhook.decisions", "outcome", "denied", "reason", "invalid_request").count()).isEqualTo(1);
    }

    @Test
    void admitsValidAndUnchangedWorkloadsWithoutAPatch() {
        JsonObject valid = reply(workloadReview("CREATE", "\"kubegpu.io/autoscale\":\"cpu:50%\",\"kubegpu.io/autoscale-max\":\"4\"", null))
                .getAsJsonObject("response");
        assertThat(valid.get("allowed").getAsBoolean()).isTrue();
        assertThat(valid.has("patch")).isFalse();
        String bad = "\"kubegpu.io/autoscale\":\"cpu:150%\",\"kubegpu.io/autoscale-max\":\"4\"";
        JsonObject unchanged = reply(workloadReview("UPDATE", bad, bad)).getAsJsonObject("response");
        assertThat(unchanged.get("allowed").getAsBoolean()).isTrue();
    }
}
