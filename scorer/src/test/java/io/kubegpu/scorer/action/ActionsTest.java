package io.kubegpu.scorer.action;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuStatus;
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

/** The control API against a local HTTP server the test runs. */
class ActionsTest {
    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> auth = new CopyOnWriteArrayList<>();

    private static GpuScore gpu(String id, double score, GpuStatus status) {
        return new GpuScore(id, "pod-" + id, "team-a", "main", "node-1", "Tesla T4", 1, 0, 100, 15360, 20, 300, 41, score, status, "");
    }

    private static AnalysisSnapshot snapshot(List<GpuScore> scores) {
        return AnalysisSnapshot.of(Instant.parse("2026-12-01T10:00:00Z"), scores, 20, Instant.parse("2026-12-01T10:00:01Z"));
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
        var notifier = new ControlApiNotifier(vertx, config, 0.7, Clock.fixed(now, ZoneOffset.UTC), Duration.ofMillis(10), registry);

        AnalysisSnapshot first = snapshot(List.of(gpu("GPU-idle", 3, GpuStatus.IDLE), gpu("GPU-busy", 90, GpuStatus.HIGH)));
        assertThat(reported(notifier, first)).isEqualTo(1);
        assertThat(registry.counter("gpu_control_api_reports", "outcome", "sent").count()).isEqualTo(1);
        assertThat(calls).hasValue(2);
        JsonObject payload = JsonParser.parseString(bodies.get(1)).getAsJsonObject();
        assertThat(payload.keySet()).containsExactlyInAnyOrder("gpu_id", "pod", "namespace", "hostname", "score", "status", "timestamp");
        assertThat(payload.get("gpu_id").getAsString()).isEqualTo("GPU-idle");
        assertThat(payload.get("status").getAsString()).isEqualTo("idle");
        assertThat(payload.get("timestamp").getAsString()).isEqualTo("2026-12-01T10:00:00.000000+00:00");
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
        var notifier = new ControlApiNotifier(vertx, config, 0.7, Clock.systemUTC(), Duration.ofMillis(5), registry);
        AnalysisSnapshot idle = snapshot(List.of(gpu("GPU-idle", 3, GpuStatus.IDLE)));
        assertThat(reported(notifier, idle)).isZero();
        assertThat(registry.counter("gpu_control_api_reports", "outcome", "failed").count()).isEqualTo(1);
        assertThat(calls).hasValue(3);
        // The failed report left the cooldown: the next interval tries again, with its retries.
        assertThat(reported(notifier, idle)).isZero();
        assertThat(calls).hasValue(6);
    }
}
