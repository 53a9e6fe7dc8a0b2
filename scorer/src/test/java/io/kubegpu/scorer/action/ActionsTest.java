package io.kubegpu.scorer.action;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import io.kubegpu.scorer.analysis.AiVerdict;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuStatus;
import io.kubegpu.scorer.score.GpuWindow;
import io.kubegpu.scorer.score.ScoreStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The control API and the AI review, each against a local HTTP server the test runs. */
class ActionsTest {
    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> auth = new CopyOnWriteArrayList<>();

    private static GpuScore gpu(String id, double score, GpuStatus status) {
        return new GpuScore(id, "pod-" + id, "team-a", "main", "node-1", "Tesla T4", 1, 0, 100, 20, 300, score, status, "");
    }

    private static AnalysisSnapshot snapshot(List<GpuScore> scores) {
        return new AnalysisSnapshot(Instant.parse("2026-12-01T10:00:00Z"), scores, ScoreStats.of(scores), 20, false,
                Instant.parse("2026-12-01T10:00:01Z"), null, Map.of());
    }

    private int serve(Consumer<HttpServerRequest> answer) throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            bodies.add(body.toString());
            auth.add(String.valueOf(request.getHeader("Authorization")));
            answer.accept(request);
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return server.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static int reported(ControlApiNotifier notifier, AnalysisSnapshot snapshot) throws Exception {
        return notifier.reportLow(snapshot).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void reportsLowGpusOnceWithRetriesOnServerErrorsAndACooldown() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        int port = serve(request -> request.response().setStatusCode(calls.incrementAndGet() == 1 ? 503 : 200).end());
        var config = new ScorerConfig.ControlApi(true, "http://127.0.0.1:" + port + "/gpu/low", "ctl-token", Duration.ofSeconds(2), 3,
                Duration.ofHours(1));
        Instant now = Instant.parse("2026-12-01T10:00:05Z");
        var notifier = new ControlApiNotifier(vertx, config, Clock.fixed(now, ZoneOffset.UTC), Duration.ofMillis(10), registry);

        AnalysisSnapshot first = snapshot(List.of(gpu("GPU-idle", 3, GpuStatus.IDLE), gpu("GPU-busy", 90, GpuStatus.HIGH)));
        assertThat(reported(notifier, first)).isEqualTo(1);
        assertThat(registry.counter("gpu_control_api_reports", "outcome", "sent").count()).isEqualTo(1);
        assertThat(calls).hasValue(2);
        JsonObject payload = JsonParser.parseString(bodies.get(1)).getAsJsonObject();
        assertThat(payload.keySet()).containsExactlyInAnyOrder("gpu_id", "pod", "namespace", "hostname", "score", "status", "timestamp");
        assertThat(payload.get("gpu_id").getAsString()).isEqualTo("GPU-idle");
        assertThat(payload.get("status").getAsString()).isEqualTo("idle");
        assertThat(payload.get("timestamp").getAsString()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(auth).containsOnly("Bearer ctl-token");

        // Still idle at the next interval: inside the cooldown, so nothing is sent.
        assertThat(reported(notifier, first)).isZero();
        assertThat(calls).hasValue(2);
    }

    @Test
    void aReportThatFailsEveryRetryIsCountedAndTriedAgainNextInterval() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        int port = serve(request -> {
            calls.incrementAndGet();
            request.response().setStatusCode(500).end();
        });
        var config = new ScorerConfig.ControlApi(true, "http://127.0.0.1:" + port + "/", null, Duration.ofSeconds(2), 2, Duration.ofHours(1));
        var notifier = new ControlApiNotifier(vertx, config, Clock.systemUTC(), Duration.ofMillis(5), registry);
        AnalysisSnapshot idle = snapshot(List.of(gpu("GPU-idle", 3, GpuStatus.IDLE)));
        assertThat(reported(notifier, idle)).isZero();
        assertThat(registry.counter("gpu_control_api_reports", "outcome", "failed").count()).isEqualTo(1);
        assertThat(calls).hasValue(3);
        // The failed report left the cooldown: the next interval tries again, with its retries.
        assertThat(reported(notifier, idle)).isZero();
        assertThat(calls).hasValue(6);
    }

    @Test
    void theAiReviewKeepsGoodVerdictsDropsMalformedOnesAndSendsTheKeyOnlyAsAHeader() throws Exception {
        int port = serve(request -> {
            String body = bodies.get(bodies.size() - 1);
            String content = body.contains("GPU-good")
                    ? "```json\\n{\\\"status\\\":\\\"suspicious\\\",\\\"confidence\\\":0.8,\\\"reason\\\":\\\"memory held, no compute\\\","
                      + "\\\"recommendation\\\":\\\"ask the owner\\\",\\\"ai_adjusted_score\\\":2}\\n```"
                    : "I think this GPU is fine";
            request.response().putHeader("Content-Type", "application/json")
                    .end("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"}}]}");
        });
        var config = new ScorerConfig.Ai(true, "http://127.0.0.1:" + port + "/v1/chat/completions", "sk-test-key", "test-model",
                Duration.ofSeconds(5), 1);
        var reviewer = new OpenAiReviewer(vertx, config);
        GpuWindow window = new GpuWindow("GPU-good", Map.of(), new double[] {0, 1, 2}, new double[] {0}, new double[] {9000, 9000, 9000},
                new double[] {6000}, new double[] {30, 31, 32}, new double[] {300}, 70.0);
        Map<String, AiVerdict> verdicts = reviewer.review(List.of(gpu("GPU-good", 5, GpuStatus.IDLE), gpu("GPU-bad", 5, GpuStatus.IDLE)),
                Map.of("GPU-good", window)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(verdicts).containsOnlyKeys("GPU-good");
        assertThat(verdicts.get("GPU-good")).isEqualTo(new AiVerdict("suspicious", 0.8, "memory held, no compute", "ask the owner", 2));
        assertThat(auth).containsOnly("Bearer sk-test-key");
        JsonObject sent = JsonParser.parseString(bodies.stream().filter(b -> b.contains("GPU-good")).findFirst().orElseThrow())
                .getAsJsonObject();
        assertThat(sent.get("model").getAsString()).isEqualTo("test-model");
        String user = sent.getAsJsonArray("messages").get(1).getAsJsonObject().get("content").getAsString();
        assertThat(JsonParser.parseString(user).getAsJsonObject().getAsJsonObject("gpu_util").get("trend_per_sample").getAsDouble())
                .isEqualTo(1.0);
        assertThat(bodies).noneMatch(b -> b.contains("sk-test-key"));
    }

    @Test
    void anAiEndpointThatIsDownYieldsNoVerdictsNotAFailure() throws Exception {
        var config = new ScorerConfig.Ai(true, "http://127.0.0.1:1/v1/chat/completions", "sk-test-key", "m", Duration.ofSeconds(2), 2);
        Map<String, AiVerdict> verdicts = new OpenAiReviewer(vertx, config).review(List.of(gpu("GPU-x", 5, GpuStatus.IDLE)), Map.of())
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(verdicts).isEmpty();
    }

    @Test
    void verdictsOutOfRangeAreRefused() {
        String wrapper = "{\"choices\":[{\"message\":{\"content\":\"{\\\"status\\\":\\\"busy\\\",\\\"confidence\\\":3,"
                + "\\\"ai_adjusted_score\\\":50}\"}}]}";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenAiReviewer.parseVerdict(wrapper)).hasMessageContaining("out of range");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenAiReviewer.parseVerdict("{\"error\":{\"message\":\"quota\"}}"))
                .hasMessageContaining("not the expected JSON");
    }
}
