package io.kubegpu.webhook.http;

import com.google.gson.JsonArray;
import io.kubegpu.api.LogSafe;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.webhook.mutation.MutationResult;
import io.kubegpu.webhook.mutation.PodMutator;
import io.kubegpu.webhook.mutation.WorkloadValidator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /mutate}: an {@code admission.k8s.io/v1} AdmissionReview in, the same kind out, with the
 * request's uid echoed, and either a base64 JSON Patch with {@code patchType: JSONPatch} (both or
 * neither), or {@code allowed: false} with a status code and message.
 *
 * <pre>
 * kubegpu_webhook_admission_duration_seconds            histogram
 * kubegpu_webhook_decisions_total{outcome,reason}       counter: mutated, unchanged, denied (with its reason), skipped
 * </pre>
 *
 * <p>A request's {@code dryRun} is passed on: it is decided like any other but charges no quota (the webhook declares
 * {@code sideEffects: NoneOnDryRun}).
 */
public final class AdmissionRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(AdmissionRoutes.class);
    private static final String VERSION = "admission.k8s.io/v1";
    private static final int WARNING_LIMIT = 120;

    private final PodMutator mutator;
    private final MeterRegistry registry;
    private final Timer latency;

    public AdmissionRoutes(PodMutator mutator, MeterRegistry registry) {
        this.mutator = mutator;
        this.registry = registry;
        this.latency = Timer.builder("kubegpu.webhook.admission.duration").description("Time to answer an AdmissionReview")
                .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
                        Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5))
                .register(registry);
    }

    public void mount(Router router) {
        router.post("/mutate").handler(BodyHandler.create(false).setBodyLimit(4L * 1024 * 1024)).handler(this::mutate);
    }

    private void mutate(RoutingContext ctx) {
        Timer.Sample sample = Timer.start();
        String reply;
        int status = 200;
        try {
            reply = review(ctx.body().asString(StandardCharsets.UTF_8.name()));
        } catch (IllegalArgumentException e) {
            LOG.warn("bad AdmissionReview from {}: {}", ctx.request().remoteAddress(), LogSafe.quote(e.getMessage()));
            status = 400;
            JsonObject error = new JsonObject();
            error.addProperty("error", e.getMessage());
            reply = error.toString();
        }
        sample.stop(latency);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(reply);
    }

    /** Answers one AdmissionReview body. Pure apart from metrics; throws IllegalArgumentException for malformed reviews. */
    public String review(String body) {
        JsonObject review;
        try {
            JsonElement parsed = JsonParser.parseString(body == null ? "" : body);
            review = parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not JSON: " + io.kubegpu.api.JsonProblem.describe(e));
        }
        if (review == null || !VERSION.equals(string(review, "apiVersion")) || !"AdmissionReview".equals(string(review, "kind"))) {
            throw new IllegalArgumentException("expected an " + VERSION + " AdmissionReview (admissionReviewVersions: [\"v1\"])");
        }
        JsonObject request = review.has("request") && review.get("request").isJsonObject() ? review.getAsJsonObject("request") : null;
        String uid = request == null ? null : string(request, "uid");
        if (uid == null) {
            throw new IllegalArgumentException("the AdmissionReview has no request.uid");
        }
        JsonObject response = new JsonObject();
        response.addProperty("uid", uid);
        JsonObject kind = request.has("kind") && request.get("kind").isJsonObject() ? request.getAsJsonObject("kind") : null;
        JsonElement object = request.get("object");
        if (kind != null && WorkloadValidator.judges(string(kind, "group"), string(kind, "kind"), string(request, "operation"))
                && object != null && object.isJsonObject()) {
            return workload(request, response, object.getAsJsonObject());
        }
        if (kind == null || !"Pod".equals(string(kind, "kind")) || !"CREATE".equals(string(request, "operation"))
                || object == null || !object.isJsonObject()) {
            response.addProperty("allowed", true);
            count("skipped", "");
            return envelope(response);
        }
        MutationResult result;
        try {
            boolean dryRun = request.has("dryRun") && request.get("dryRun").isJsonPrimitive() && request.get("dryRun").getAsBoolean();
            result = mutator.mutate(object.getAsJsonObject(), string(request, "namespace"), dryRun);
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException | UnsupportedOperationException e) {
            // The API server sends only valid Pods; a wrong-typed field means the caller is not the API server.
            // A cast's message names our JSON classes; what the caller can fix is the field's type.
            String problem = e instanceof ClassCastException || e instanceof UnsupportedOperationException ? "a field has the wrong JSON type"
                    : io.kubegpu.api.JsonProblem.describe(e);
            throw new IllegalArgumentException("request.object is not a valid v1 Pod: " + problem);
        }
        if (result instanceof MutationResult.Denied denied) {
            return denied(request, response, denied);
        }
        response.addProperty("allowed", true);
        if (!result.patch().isEmpty()) {
            response.addProperty("patchType", "JSONPatch");
            response.addProperty("patch", Base64.getEncoder().encodeToString(result.patch().toString().getBytes(StandardCharsets.UTF_8)));
        }
        if (!result.warnings().isEmpty()) {
            JsonArray warnings = new JsonArray();
            result.warnings().forEach(w -> warnings.add(w.length() <= WARNING_LIMIT ? w : w.substring(0, WARNING_LIMIT - 1) + "…"));
            response.add("warnings", warnings);
        }
        count(result.patch().isEmpty() ? "unchanged" : "mutated", "");
        return envelope(response);
    }

    /** A Deployment or StatefulSet: its autoscale annotations are judged; it is never changed. */
    private String workload(JsonObject request, JsonObject response, JsonObject object) {
        JsonElement old = request.get("oldObject");
        MutationResult result;
        try {
            result = WorkloadValidator.validate(object, old != null && old.isJsonObject() ? old.getAsJsonObject() : null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("request.object is not a valid apps/v1 workload: " + e.getMessage());
        }
        if (result instanceof MutationResult.Denied denied) {
            return denied(request, response, denied);
        }
        response.addProperty("allowed", true);
        count("unchanged", "");
        return envelope(response);
    }

    /** {@code allowed: false} with the reason's code and the message the user sees. */
    private String denied(JsonObject request, JsonObject response, MutationResult.Denied denied) {
        response.addProperty("allowed", false);
        JsonObject status = new JsonObject();
        status.addProperty("code", denied.reason().code());
        status.addProperty("message", denied.message());
        response.add("status", status);
        count("denied", denied.reason().tag());
        LOG.info("denied {} {}/{}: {}", string(request.getAsJsonObject("kind"), "kind"), LogSafe.quote(string(request, "namespace")),
                LogSafe.quote(podName(request)), LogSafe.quote(denied.message()));
        return envelope(response);
    }

    private static String envelope(JsonObject response) {
        JsonObject out = new JsonObject();
        out.addProperty("apiVersion", VERSION);
        out.addProperty("kind", "AdmissionReview");
        out.add("response", response);
        return out.toString();
    }

    private void count(String outcome, String reason) {
        Counter.builder("kubegpu.webhook.decisions").tag("outcome", outcome).tag("reason", reason).register(registry).increment();
    }

    private static String podName(JsonObject request) {
        String name = string(request, "name");
        return name != null && !name.isEmpty() ? name : "(generateName)";
    }

    private static String string(JsonObject object, String key) {
        JsonElement value = object.get(key);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
    }
}
