package io.kubegpu.scorer.action;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.scorer.run.AiReviewer;
import io.kubegpu.scorer.analysis.AiVerdict;
import io.kubegpu.scorer.run.BoundedCalls;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.score.GpuKey;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuWindow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a language model (OpenAI, Azure OpenAI, Anthropic or an OpenAI-compatible local server, see
 * {@link AiProtocol}) for a second opinion on each GPU and pod it is given, shown the mean, variance and trend
 * of its utilization, memory and power over the window. At most {@code max_concurrency} requests at once,
 * each under the timeout. A request that times out, cannot connect, is refused or answers anything but the
 * expected JSON ({@code status} active/idle/suspicious, {@code confidence} 0..1, {@code reason}, {@code
 * recommendation}, {@code ai_adjusted_score} 0..100) gives no verdict, so the rule-based result stands; each
 * outcome is counted in {@code gpu_ai_reviews_total{outcome}}. The key travels only in its header and appears
 * in no log line, error or metric.
 */
public final class LlmReviewer implements AiReviewer {
    private static final Logger LOG = LoggerFactory.getLogger(LlmReviewer.class);
    private static final Set<String> STATUSES = Set.of("active", "idle", "suspicious");
    static final String SYSTEM_PROMPT = "You review GPU utilization on a shared Kubernetes cluster. For the GPU and pod described, "
            + "answer with one JSON object only: {\"status\": \"active\"|\"idle\"|\"suspicious\", \"confidence\": 0..1, "
            + "\"reason\": string, \"recommendation\": string, \"ai_adjusted_score\": 0..100}. 'suspicious' means the pattern "
            + "looks like a stuck or placeholder job (memory held, no compute).";

    /** Why a review gave no verdict, as counted. */
    enum Outcome { VERDICT, TIMEOUT, UNREACHABLE, REFUSED, MALFORMED }

    private static final class ReviewFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Outcome outcome;

        ReviewFailed(Outcome outcome, String message) {
            super(message, null, false, false);
            this.outcome = outcome;
        }
    }

    private final WebClient client;
    private final ScorerConfig.Ai config;
    private final AiProtocol protocol;
    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);

    public LlmReviewer(Vertx vertx, ScorerConfig.Ai config, MeterRegistry registry) {
        this.client = WebClient.create(vertx);
        this.config = config;
        this.protocol = new AiProtocol(config);
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, Counter.builder("gpu_ai_reviews").description("AI reviews of a GPU, by outcome")
                    .tag("provider", config.provider().label()).tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry));
        }
    }

    @Override
    public Future<Map<GpuKey, AiVerdict>> review(List<GpuScore> gpus, Map<GpuKey, GpuWindow> windows) {
        return BoundedCalls.successful(gpus, config.maxConcurrency(), gpu -> ask(gpu, windows.get(gpu.key())))
                .map(byGpu -> {
                    Map<GpuKey, AiVerdict> out = new HashMap<>();
                    byGpu.forEach((gpu, verdict) -> out.put(gpu.key(), verdict));
                    return out;
                });
    }

    private Future<AiVerdict> ask(GpuScore gpu, GpuWindow window) {
        HttpRequest<Buffer> request = client.postAbs(config.apiUrl()).idleTimeout(config.timeout().toMillis());
        protocol.headers().forEach(request::putHeader);
        return request.sendBuffer(Buffer.buffer(protocol.body(SYSTEM_PROMPT, describe(gpu, window).toString()).toString()))
                .timeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .recover(failure -> Future.failedFuture(unanswered(failure)))
                .map(response -> {
                    if (response.statusCode() / 100 != 2) {
                        throw new ReviewFailed(Outcome.REFUSED, "the AI endpoint answered HTTP " + response.statusCode());
                    }
                    try {
                        return parseVerdict(protocol.answer(response.bodyAsString() == null ? "" : response.bodyAsString()));
                    } catch (IllegalStateException e) {
                        throw new ReviewFailed(Outcome.MALFORMED, e.getMessage());
                    }
                })
                .onSuccess(verdict -> outcomes.get(Outcome.VERDICT).increment())
                .onFailure(e -> {
                    Outcome outcome = e instanceof ReviewFailed f ? f.outcome : Outcome.UNREACHABLE;
                    outcomes.get(outcome).increment();
                    LOG.warn("AI review of {} gave no verdict ({}), the rule-based result stands: {}", gpu.key(),
                            outcome.name().toLowerCase(Locale.ROOT), e.getMessage());
                });
    }

    private ReviewFailed unanswered(Throwable failure) {
        boolean timeout = failure instanceof java.util.concurrent.TimeoutException || failure.getClass().getSimpleName().contains("Timeout");
        return timeout ? new ReviewFailed(Outcome.TIMEOUT, "no answer within " + config.timeout().toMillis() + " ms (ai_timeout)")
                : new ReviewFailed(Outcome.UNREACHABLE, "cannot reach " + host() + ": " + failure.getClass().getSimpleName());
    }

    /** The endpoint's host only: an OpenAI-compatible URL could carry a key in its query. */
    private String host() {
        try {
            return java.net.URI.create(config.apiUrl()).getHost();
        } catch (IllegalArgumentException e) {
            return "the AI endpoint";
        }
    }

    static JsonObject describe(GpuScore gpu, GpuWindow window) {
        JsonObject out = new JsonObject();
        out.addProperty("gpu_id", gpu.gpuId());
        out.addProperty("model_name", gpu.modelName());
        out.addProperty("namespace", gpu.namespace());
        out.addProperty("pod", gpu.pod());
        out.addProperty("node", gpu.hostname());
        out.addProperty("score", round(gpu.score()));
        out.addProperty("status", gpu.status().label());
        if (Double.isFinite(gpu.memTotalMiB())) {
            out.addProperty("mem_total_mb", round(gpu.memTotalMiB()));
        }
        if (Double.isFinite(gpu.temperatureC())) {
            out.addProperty("temperature_c", round(gpu.temperatureC()));
        }
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

    /**
     * The verdict in the model's answer text: the JSON object in it, fenced in Markdown or among words or not;
     * IllegalStateException says what is wrong without repeating the answer.
     */
    static AiVerdict parseVerdict(String text) {
        String status;
        double confidence;
        double adjusted;
        JsonObject answer;
        try {
            int start = text.indexOf('{');
            int end = text.lastIndexOf('}');
            if (start < 0 || end < start) {
                throw new IllegalStateException("no JSON object in the answer");
            }
            answer = JsonParser.parseString(text.substring(start, end + 1)).getAsJsonObject();
            status = answer.get("status").getAsString().toLowerCase(Locale.ROOT);
            confidence = answer.get("confidence").getAsDouble();
            adjusted = answer.get("ai_adjusted_score").getAsDouble();
        } catch (IllegalStateException | UnsupportedOperationException | NullPointerException | NumberFormatException
                 | com.google.gson.JsonParseException | ClassCastException e) {
            throw new IllegalStateException("the AI answer is not the expected JSON verdict (" + e.getClass().getSimpleName() + ")");
        }
        if (!STATUSES.contains(status) || !(confidence >= 0 && confidence <= 1) || !(adjusted >= 0 && adjusted <= 100)) {
            throw new IllegalStateException("the AI answer is out of range: status " + (STATUSES.contains(status) ? status : "(other)")
                    + ", confidence " + confidence + ", ai_adjusted_score " + adjusted);
        }
        return new AiVerdict(status, confidence, text(answer, "reason"), text(answer, "recommendation"), adjusted);
    }

    private static String text(JsonObject answer, String key) {
        JsonElement value = answer.get(key);
        return value == null || value.isJsonNull() ? "" : value.getAsString();
    }
}
