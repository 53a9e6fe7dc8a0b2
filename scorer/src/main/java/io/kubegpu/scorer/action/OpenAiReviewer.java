package io.kubegpu.scorer.action;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.scorer.analysis.AiReviewer;
import io.kubegpu.scorer.analysis.AiVerdict;
import io.kubegpu.scorer.analysis.BoundedCalls;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuWindow;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks an OpenAI-compatible chat-completions endpoint for a second opinion on each low or idle GPU,
 * given the mean, variance and trend of its utilization, memory and power over the window. At most
 * {@code max_concurrency} requests at once, each under the timeout. An answer that is not the expected
 * JSON ({@code status} active/idle/suspicious, {@code confidence} 0..1, {@code reason}, {@code
 * recommendation}, {@code ai_adjusted_score} 0..100) is dropped with a warning; the key is sent only as
 * the bearer header and appears in no log line or error.
 */
public final class OpenAiReviewer implements AiReviewer {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiReviewer.class);
    private static final Set<String> STATUSES = Set.of("active", "idle", "suspicious");
    private static final String SYSTEM_PROMPT = "You review GPU utilization on a shared Kubernetes cluster. For the GPU described, "
            + "answer with one JSON object only: {\"status\": \"active\"|\"idle\"|\"suspicious\", \"confidence\": 0..1, "
            + "\"reason\": string, \"recommendation\": string, \"ai_adjusted_score\": 0..100}. 'suspicious' means the pattern "
            + "looks like a stuck or placeholder job (memory held, no compute).";

    private final WebClient client;
    private final ScorerConfig.Ai config;

    public OpenAiReviewer(Vertx vertx, ScorerConfig.Ai config) {
        this.client = WebClient.create(vertx);
        this.config = config;
    }

    @Override
    public Future<Map<String, AiVerdict>> review(List<GpuScore> low, Map<String, GpuWindow> windows) {
        return BoundedCalls.successful(low, config.maxConcurrency(), gpu -> ask(gpu, windows.get(gpu.gpuId())))
                .map(byGpu -> {
                    Map<String, AiVerdict> out = new java.util.HashMap<>();
                    byGpu.forEach((gpu, verdict) -> out.put(gpu.gpuId(), verdict));
                    return out;
                });
    }

    private Future<AiVerdict> ask(GpuScore gpu, GpuWindow window) {
        JsonObject request = new JsonObject();
        request.addProperty("model", config.model());
        request.addProperty("temperature", 0);
        JsonObject format = new JsonObject();
        format.addProperty("type", "json_object");
        request.add("response_format", format);
        JsonArray messages = new JsonArray();
        messages.add(message("system", SYSTEM_PROMPT));
        messages.add(message("user", describe(gpu, window).toString()));
        request.add("messages", messages);
        return client.postAbs(config.apiUrl()).idleTimeout(config.timeout().toMillis())
                .bearerTokenAuthentication(config.apiKey())
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(request.toString()))
                .timeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .compose(response -> Future.succeededFuture(verdict(response)))
                .onFailure(e -> LOG.warn("AI review of GPU {} dropped: {}", gpu.gpuId(), e.getMessage()));
    }

    private static JsonObject describe(GpuScore gpu, GpuWindow window) {
        JsonObject out = new JsonObject();
        out.addProperty("gpu_id", gpu.gpuId());
        out.addProperty("model_name", gpu.modelName());
        out.addProperty("namespace", gpu.namespace());
        out.addProperty("pod", gpu.pod());
        out.addProperty("score", Math.round(gpu.score() * 100) / 100.0);
        out.addProperty("status", gpu.status().label());
        if (window != null) {
            out.add("gpu_util", trend(WindowTrend.of(window.gpuUtil())));
            out.add("mem_used_mb", trend(WindowTrend.of(window.fbUsed())));
            out.add("power_watts", trend(WindowTrend.of(window.power())));
        }
        return out;
    }

    private static JsonObject trend(WindowTrend trend) {
        JsonObject out = new JsonObject();
        out.addProperty("mean", round(trend.mean()));
        out.addProperty("variance", round(trend.variance()));
        out.addProperty("trend_per_sample", round(trend.slope()));
        out.addProperty("samples", trend.samples());
        return out;
    }

    private static double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : 0;
    }

    private static JsonObject message(String role, String content) {
        JsonObject out = new JsonObject();
        out.addProperty("role", role);
        out.addProperty("content", content);
        return out;
    }

    /** The verdict in a chat-completions response; IllegalStateException says what is wrong with it. */
    static AiVerdict verdict(HttpResponse<Buffer> response) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("the AI endpoint answered HTTP " + response.statusCode());
        }
        return parseVerdict(response.bodyAsString());
    }

    static AiVerdict parseVerdict(String body) {
        String status;
        double confidence;
        double adjusted;
        JsonObject answer;
        try {
            JsonObject root = JsonParser.parseString(body).getAsJsonObject();
            String content = root.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("message").get("content").getAsString()
                    .strip();
            if (content.startsWith("```")) {
                content = content.replaceFirst("^```(json)?", "").replaceFirst("```$", "").strip();
            }
            answer = JsonParser.parseString(content).getAsJsonObject();
            status = answer.get("status").getAsString().toLowerCase(java.util.Locale.ROOT);
            confidence = answer.get("confidence").getAsDouble();
            adjusted = answer.get("ai_adjusted_score").getAsDouble();
        } catch (IllegalStateException | UnsupportedOperationException | NullPointerException | IndexOutOfBoundsException
                 | com.google.gson.JsonParseException | ClassCastException e) {
            // Gson reports a wrong shape with any of these; the cause's text could echo the model's answer, so only its kind.
            throw new IllegalStateException("the AI answer is not the expected JSON verdict (" + e.getClass().getSimpleName() + ")");
        }
        if (!STATUSES.contains(status) || !(confidence >= 0 && confidence <= 1) || !(adjusted >= 0 && adjusted <= 100)) {
            throw new IllegalStateException("the AI answer is out of range: status " + status + ", confidence " + confidence
                    + ", ai_adjusted_score " + adjusted);
        }
        return new AiVerdict(status, confidence, text(answer, "reason"), text(answer, "recommendation"), adjusted);
    }

    private static String text(JsonObject answer, String key) {
        JsonElement value = answer.get(key);
        return value == null || value.isJsonNull() ? "" : value.getAsString();
    }
}
