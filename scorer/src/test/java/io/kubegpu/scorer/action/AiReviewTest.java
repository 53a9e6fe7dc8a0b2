package io.kubegpu.scorer.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import io.kubegpu.scorer.analysis.AiVerdict;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.config.ScorerConfig.AiProvider;
import io.kubegpu.scorer.score.GpuKey;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuStatus;
import io.kubegpu.scorer.score.GpuWindow;
import io.kubegpu.scorer.testing.Receiver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The AI review against local servers that speak each provider's documented shape: OpenAI chat completions,
 * Azure OpenAI (deployment URL, {@code api-key}), Anthropic Messages ({@code x-api-key}, {@code
 * anthropic-version}, {@code content[0].text}) and an OpenAI-compatible local server without a key.
 */
class AiReviewTest {
    private static final String KEY = "sk-test-key-0123456789";
    private static final String VERDICT = "{\"status\":\"suspicious\",\"confidence\":0.8,\"reason\":\"memory held, no compute\","
            + "\"recommendation\":\"ask the owner\",\"ai_adjusted_score\":2}";
    private static final AiVerdict EXPECTED = new AiVerdict("suspicious", 0.8, "memory held, no compute", "ask the owner", 2);

    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static GpuScore gpu(String id, String pod) {
        return new GpuScore(id, pod, "team-a", "main", "node-1", "Tesla T4", 1, 0, 9000, 15360, 31, 300, 44, 5, GpuStatus.IDLE, "");
    }

    private static final GpuWindow WINDOW = new GpuWindow("GPU-good", Map.of("pod", "p-0", "namespace", "team-a"), new double[] {0, 1, 2},
            new double[] {0}, new double[] {9000, 9000, 9000}, new double[] {6000}, new double[] {30, 31, 32}, new double[] {300}, 70.0,
            new double[] {44});

    private static ScorerConfig.Ai config(AiProvider provider, String url, String key) {
        return new ScorerConfig.Ai(true, provider, url, key, "test-model", 0.7, Set.of(GpuStatus.IDLE, GpuStatus.LOW), Duration.ofSeconds(5),
                2);
    }

    private Map<GpuKey, AiVerdict> review(ScorerConfig.Ai config, List<GpuScore> gpus) throws Exception {
        return new LlmReviewer(vertx, config, registry).review(gpus, Map.of(WINDOW.key(), WINDOW)).toCompletionStage().toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
    }

    private static String openAiAnswer(String content) {
        JsonObject message = new JsonObject();
        message.addProperty("role", "assistant");
        message.addProperty("content", content);
        JsonObject choice = new JsonObject();
        choice.addProperty("index", 0);
        choice.add("message", message);
        choice.addProperty("finish_reason", "stop");
        JsonObject out = new JsonObject();
        out.addProperty("id", "chatcmpl-1");
        out.addProperty("object", "chat.completion");
        com.google.gson.JsonArray choices = new com.google.gson.JsonArray();
        choices.add(choice);
        out.add("choices", choices);
        return out.toString();
    }

    private double outcome(String provider, String outcome) {
        return registry.counter("gpu_ai_reviews", "provider", provider, "outcome", outcome).count();
    }

    @Test
    void openAiGetsABearerKeyAndAModelAndAnswersInChoices() throws Exception {
        Receiver openAi = Receiver.answering(vertx, 200, openAiAnswer("```json\n" + VERDICT + "\n```"));
        var verdicts = review(config(AiProvider.OPENAI, openAi.url("/v1/chat/completions"), KEY), List.of(gpu("GPU-good", "p-0")));

        assertThat(verdicts).containsExactly(Map.entry(new GpuKey("GPU-good", "team-a", "p-0"), EXPECTED));
        Receiver.Request request = openAi.requests().get(0);
        assertThat(request.uri()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("Authorization")).isEqualTo("Bearer " + KEY);
        JsonObject body = request.json();
        assertThat(body.get("model").getAsString()).isEqualTo("test-model");
        assertThat(body.has("response_format")).as("gpt-4, the monitor's default model, refuses response_format").isFalse();
        assertThat(body.getAsJsonArray("messages")).hasSize(2);
        assertThat(body.getAsJsonArray("messages").get(0).getAsJsonObject().get("role").getAsString()).isEqualTo("system");
        JsonObject shown = com.google.gson.JsonParser.parseString(body.getAsJsonArray("messages").get(1).getAsJsonObject().get("content")
                .getAsString()).getAsJsonObject();
        assertThat(shown.getAsJsonObject("gpu_util").get("trend_per_sample").getAsDouble()).isEqualTo(1.0);
        assertThat(shown.get("pod").getAsString()).isEqualTo("p-0");
        assertThat(request.body()).doesNotContain(KEY);
        assertThat(outcome("openai", "verdict")).isEqualTo(1);
    }

    @Test
    void azureGetsTheKeyInApiKeyAndNoModelOnItsDeploymentUrl() throws Exception {
        Receiver azure = Receiver.answering(vertx, 200, openAiAnswer(VERDICT));
        String url = azure.url("/openai/deployments/gpu-review/chat/completions?api-version=2024-06-01");
        assertThat(review(config(AiProvider.AZURE, url, KEY), List.of(gpu("GPU-good", "p-0"))).values()).containsExactly(EXPECTED);

        Receiver.Request request = azure.requests().get(0);
        assertThat(request.uri()).isEqualTo("/openai/deployments/gpu-review/chat/completions?api-version=2024-06-01");
        assertThat(request.header("api-key")).isEqualTo(KEY);
        assertThat(request.header("Authorization")).isNull();
        assertThat(request.json().has("model")).as("the deployment names the model").isFalse();
    }

    @Test
    void anthropicGetsItsHeadersASystemFieldAndAnswersInContent() throws Exception {
        Receiver anthropic = Receiver.answering(vertx, 200, "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                + "\"test-model\",\"content\":[{\"type\":\"text\",\"text\":" + new com.google.gson.JsonPrimitive("Here it is: " + VERDICT)
                + "}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":10,\"output_tokens\":20}}");
        assertThat(review(config(AiProvider.ANTHROPIC, anthropic.url("/v1/messages"), KEY), List.of(gpu("GPU-good", "p-0"))).values())
                .containsExactly(EXPECTED);

        Receiver.Request request = anthropic.requests().get(0);
        assertThat(request.uri()).isEqualTo("/v1/messages");
        assertThat(request.header("x-api-key")).isEqualTo(KEY);
        assertThat(request.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(request.header("Authorization")).isNull();
        JsonObject body = request.json();
        assertThat(body.get("model").getAsString()).isEqualTo("test-model");
        assertThat(body.get("max_tokens").getAsInt()).isPositive();
        assertThat(body.get("system").getAsString()).contains("GPU utilization");
        assertThat(body.getAsJsonArray("messages")).hasSize(1);
        assertThat(body.getAsJsonArray("messages").get(0).getAsJsonObject().get("role").getAsString()).isEqualTo("user");
    }

    @Test
    void aLocalOpenAiCompatibleServerNeedsNoKey() throws Exception {
        Receiver local = Receiver.answering(vertx, 200, openAiAnswer(VERDICT));
        assertThat(review(config(AiProvider.OPENAI_COMPATIBLE, local.url("/v1/chat/completions"), null), List.of(gpu("GPU-good", "p-0")))
                .values()).containsExactly(EXPECTED);
        assertThat(local.requests().get(0).header("Authorization")).isNull();
    }

    @Test
    void twoPodsOnOneGpuGetOneVerdictEach() throws Exception {
        Receiver openAi = Receiver.start(vertx, (request, http) -> {
            String status = request.body().contains("\\\"pod\\\":\\\"p-busy\\\"") ? "active" : "idle";
            http.response().end(openAiAnswer("{\"status\":\"" + status + "\",\"confidence\":0.9,\"reason\":\"r\","
                    + "\"recommendation\":\"x\",\"ai_adjusted_score\":40}"));
        });
        var verdicts = review(config(AiProvider.OPENAI, openAi.url("/v1/chat/completions"), KEY),
                List.of(gpu("GPU-shared", "p-busy"), gpu("GPU-shared", "p-idle")));
        assertThat(verdicts).hasSize(2);
        assertThat(verdicts.get(new GpuKey("GPU-shared", "team-a", "p-busy")).status()).isEqualTo("active");
        assertThat(verdicts.get(new GpuKey("GPU-shared", "team-a", "p-idle")).status()).isEqualTo("idle");
    }

    @Test
    void timeoutsGarbageAndRefusalsGiveNoVerdictAreCountedAndNeverLogTheKey() throws Exception {
        // Never answers: the review gives up at the timeout.
        Receiver silent = Receiver.start(vertx, (request, http) -> { });
        // Answers with garbage that echoes the key, as a proxy's error page might.
        Receiver garbage = Receiver.answering(vertx, 200, "<html>bad gateway for " + KEY + "</html>");
        Receiver refusing = Receiver.answering(vertx, 401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}");
        var fast = new ScorerConfig.Ai(true, AiProvider.OPENAI, silent.url("/v1/chat/completions"), KEY, "m", 0.7, Set.of(GpuStatus.IDLE),
                Duration.ofMillis(300), 1);
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            assertThat(review(fast, List.of(gpu("GPU-good", "p-0")))).isEmpty();
            assertThat(review(config(AiProvider.OPENAI, garbage.url("/v1"), KEY), List.of(gpu("GPU-good", "p-0")))).isEmpty();
            assertThat(review(config(AiProvider.OPENAI, refusing.url("/v1"), KEY), List.of(gpu("GPU-good", "p-0")))).isEmpty();
            assertThat(review(config(AiProvider.OPENAI, "http://127.0.0.1:1/v1", KEY), List.of(gpu("GPU-good", "p-0")))).isEmpty();
        } finally {
            System.setErr(stderr);
        }
        assertThat(outcome("openai", "timeout")).isEqualTo(1);
        assertThat(outcome("openai", "malformed")).isEqualTo(1);
        assertThat(outcome("openai", "refused")).isEqualTo(1);
        assertThat(outcome("openai", "unreachable")).isEqualTo(1);
        assertThat(outcome("openai", "verdict")).isZero();
        String logged = logs.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("gave no verdict").contains("HTTP 401").doesNotContain(KEY);
    }

    @Test
    void verdictsOutOfRangeOrWithoutJsonAreRefusedWithoutRepeatingTheAnswer() {
        assertThatThrownBy(() -> LlmReviewer.parseVerdict("{\"status\":\"busy\",\"confidence\":3,\"ai_adjusted_score\":50}"))
                .hasMessageContaining("out of range").hasMessageNotContaining("busy");
        assertThatThrownBy(() -> LlmReviewer.parseVerdict("I think this GPU is fine")).hasMessageContaining("not the expected JSON");
        assertThatThrownBy(() -> new AiProtocol(config(AiProvider.ANTHROPIC, "http://x/v1/messages", KEY)).answer("\"secret-ish text\""))
                .hasMessageContaining("not the documented response shape").hasMessageNotContaining("secret-ish");
    }
}
