package io.kubegpu.scorer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.scorer.Scorer;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuStatus;
import io.kubegpu.scorer.testing.MonitorContract;
import io.kubegpu.scorer.testing.PythonClient;
import io.kubegpu.scorer.testing.Receiver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer against a real Prometheus serving generated DCGM series for a known set of GPUs: busy (with
 * DCGM's own power limit), idle, bursty, one missing a series, one whose labels Prometheus relabelled to
 * {@code exported_*}, and one assigned to no pod (outside the default selector).
 */
class ScorerPrometheusIT {
    @TempDir
    static Path dir;
    static PrometheusServer prometheus;
    static Instant now;

    private final Vertx vertx = Vertx.vertx();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Scorer scorer;

    private static Map<String, String> labels(String uuid, String host, String model, String... extra) {
        Map<String, String> out = new HashMap<>(Map.of("gpu", "0", "UUID", uuid, "device", "nvidia0", "modelName", model, "Hostname", host,
                "DCGM_FI_DRIVER_VERSION", "550.144.03"));
        for (int i = 0; i < extra.length; i += 2) {
            out.put(extra[i], extra[i + 1]);
        }
        return out;
    }

    @BeforeAll
    static void startPrometheus() throws Exception {
        now = Instant.now();
        var metrics = new DcgmOpenMetrics(now.minus(Duration.ofMinutes(20)), now);
        Map<String, String> busy = labels("GPU-busy", "node-a", "Tesla V100-SXM2-16GB", "pod", "train-0", "namespace", "team-a",
                "container", "main");
        metrics.gpu(busy, i -> 90, i -> 60, 14000, 2000, i -> 240, true)
                .series("DCGM_FI_DEV_POWER_MGMT_LIMIT", busy, i -> 250)
                .series("DCGM_FI_DEV_GPU_TEMP", busy, i -> i < 30 ? 70 : 83);
        metrics.gpu(labels("GPU-idle", "node-a", "Tesla V100-SXM2-16GB", "pod", "notebook-0", "namespace", "team-b"), i -> 0, i -> 0, 500,
                15500, i -> 45, true);
        metrics.gpu(labels("GPU-bursty", "node-b", "NVIDIA A10", "pod", "bursty-0", "namespace", "team-a"), i -> i % 2 == 0 ? 100 : 0,
                i -> i % 2 == 0 ? 40 : 0, 12000, 12000, i -> i % 2 == 0 ? 150 : 30, true);
        metrics.gpu(labels("GPU-nocopy", "node-b", "NVIDIA A10", "pod", "nocopy-0", "namespace", "team-c"), i -> 50, i -> 0, 1000, 23000,
                i -> 100, false);
        Map<String, String> relabelled = labels("GPU-relabelled", "x", "Tesla T4", "pod", "dcgm-exporter-7xk2p", "namespace",
                "gpu-operator", "exported_pod", "infer-0", "exported_namespace", "team-d", "exported_container", "server");
        relabelled.remove("Hostname");
        relabelled.put("hostname", "node-c");
        metrics.gpu(relabelled, i -> 15, i -> 10, 3200, 12800, i -> 21, true)
                .series("DCGM_FI_DEV_GPU_TEMP", relabelled, i -> 48);
        metrics.gpu(labels("GPU-free", "node-c", "Tesla T4"), i -> 0, i -> 0, 0, 16000, i -> 10, true);
        prometheus = PrometheusServer.over(metrics.text(), dir).start();
    }

    @AfterAll
    static void stopPrometheus() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @AfterEach
    void stopScorer() throws Exception {
        if (scorer != null) {
            scorer.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Scorer scorer(String promUrl, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("PROM_URL", promUrl);
        Clock atDataEnd = Clock.fixed(now, java.time.ZoneOffset.UTC);
        scorer = Scorer.overPrometheus(vertx, ScorerConfigLoader.load(all), GpuCatalog.builtIn(), registry, atDataEnd);
        return scorer;
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static Throwable failure(io.vertx.core.Future<?> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(30, TimeUnit.SECONDS);
    }

    @Test
    void scoresStatusesAndAttributionFromRealQueries() throws Exception {
        var snapshot = await(scorer(prometheus.url().toString(), Map.of()).analyzer().run(false));
        Map<String, GpuScore> byId = snapshot.scores().stream().collect(Collectors.toMap(GpuScore::gpuId, Function.identity()));

        assertThat(byId).containsOnlyKeys("GPU-busy", "GPU-idle", "GPU-bursty", "GPU-nocopy", "GPU-relabelled");
        // 0.5×90 + 0.2×60 + 0.2×87.5 + 0.1×(240/250 = 96, DCGM's limit beats the catalog's 300 W)
        assertThat(byId.get("GPU-busy").score()).isCloseTo(84.1, within(0.01));
        assertThat(byId.get("GPU-busy").status()).isEqualTo(GpuStatus.HIGH);
        // Health signals: the latest temperature reading (it rose to 83 °C) and the framebuffer size, used + free.
        assertThat(byId.get("GPU-busy").temperatureC()).isEqualTo(83);
        assertThat(byId.get("GPU-busy").memTotalMiB()).isEqualTo(16000);
        // No temperature series: still scored, the temperature unknown.
        assertThat(Double.isNaN(byId.get("GPU-idle").temperatureC())).isTrue();
        // 0.2×3.125 + 0.1×(45/300 = 15)
        assertThat(byId.get("GPU-idle").score()).isCloseTo(2.125, within(0.01));
        assertThat(byId.get("GPU-idle").status()).isEqualTo(GpuStatus.IDLE);
        assertThat(byId.get("GPU-bursty").gpuUtil()).isBetween(40.0, 60.0);
        assertThat(byId.get("GPU-bursty").status()).isEqualTo(GpuStatus.NORMAL);
        assertThat(byId.get("GPU-nocopy").status()).isEqualTo(GpuStatus.UNKNOWN);
        assertThat(byId.get("GPU-nocopy").missing()).contains("DCGM_FI_DEV_MEM_COPY_UTIL");
        assertThat(Double.isNaN(byId.get("GPU-nocopy").score())).isTrue();
        // 0.5×15 + 0.2×10 + 0.2×20 + 0.1×(21/70 = 30), power limit from the catalog's T4
        GpuScore relabelled = byId.get("GPU-relabelled");
        assertThat(relabelled.score()).isCloseTo(16.5, within(0.01));
        assertThat(relabelled.status()).isEqualTo(GpuStatus.LOW);
        assertThat(relabelled).extracting(GpuScore::pod, GpuScore::namespace, GpuScore::container, GpuScore::hostname)
                .containsExactly("infer-0", "team-d", "server", "node-c");
        assertThat(byId.get("GPU-busy")).extracting(GpuScore::pod, GpuScore::namespace, GpuScore::hostname, GpuScore::modelName)
                .containsExactly("train-0", "team-a", "node-a", "Tesla V100-SXM2-16GB");
        assertThat(snapshot.stats().byNamespace().get("team-a").count()).isEqualTo(2);
        assertThat(scorer.liveUtilization().nodeLoad("node-a").getAsDouble()).isCloseTo((84.1 + 2.125) / 200, within(0.001));
    }

    @Test
    void anEmptySelectorAlsoScoresGpusAssignedToNoPod() throws Exception {
        var snapshot = await(scorer(prometheus.url().toString(), Map.of("SELECTOR", "{}")).analyzer().run(false));
        assertThat(snapshot.scores()).extracting(GpuScore::gpuId).contains("GPU-free");
    }

    /** Serves {@code s} with /metrics as the app does; the base URL. */
    private String serve(Scorer s) throws Exception {
        Router router = Router.router(vertx);
        s.mount(router);
        router.get("/metrics").handler(ctx -> ctx.response().end(registry.scrape()));
        return "http://127.0.0.1:" + await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).actualPort();
    }

    private void assertTheMonitorsClientsWork(String base) throws Exception {
        assertThat(MonitorContract.mismatches(base)).isEmpty();
        PythonClient.Run run = PythonClient.against(base);
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("8 passed, 0 failed");
    }

    @Test
    void theMonitorsOwnConfigYamlStartsTheScorerAndServesTheMonitorsFields() throws Exception {
        // The monitor's documented config.yaml as it is; PROM_URL (documented to override the file) points at the test's Prometheus.
        var config = ScorerConfigLoader.load(Path.of(getClass().getResource("/monitor/config.yaml").toURI()),
                Map.of("PROM_URL", prometheus.url().toString()));
        scorer = Scorer.overPrometheus(vertx, config, GpuCatalog.builtIn(), registry, Clock.fixed(now, java.time.ZoneOffset.UTC));
        String base = serve(scorer);
        await(scorer.analyzer().run(false));
        JsonObject root = JsonParser.parseString(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).getAsJsonObject();
        assertThat(root.getAsJsonObject("config").get("prometheus_url").getAsString()).isEqualTo(prometheus.url().toString());
        assertThat(root.getAsJsonObject("config").get("idle_threshold").getAsDouble()).isEqualTo(10);
        assertThat(scorer.analyzer().latest().scores()).hasSize(5);
        assertTheMonitorsClientsWork(base);
    }

    @Test
    void theMonitorsDocumentedDockerRunEnvironmentStartsTheScorerAndServesTheMonitorsFields() throws Exception {
        // docker run -e PROM_URL=… -e THRESHOLD=20 -e INTERVAL=300 -e AI_ENABLED=true -e AI_API_KEY=sk-your-key, with AI_API_URL
        // (also documented) at a local OpenAI-shaped endpoint, since the test has no Internet.
        String verdict = "{\"status\":\"idle\",\"confidence\":0.9,\"reason\":\"no compute\",\"recommendation\":\"reclaim\","
                + "\"ai_adjusted_score\":3}";
        Receiver ai = Receiver.answering(vertx, 200, "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + new com.google.gson.JsonPrimitive(verdict) + "}}]}");
        Scorer s = scorer(prometheus.url().toString(), Map.of("THRESHOLD", "20", "INTERVAL", "300", "AI_ENABLED", "true",
                "AI_API_KEY", "sk-your-key", "AI_API_URL", ai.url("/v1/chat/completions")));
        String base = serve(s);
        var snapshot = await(s.analyzer().run(true));
        assertThat(snapshot.ai()).hasSize(2); // the idle and the low GPU
        assertTheMonitorsClientsWork(base);
        assertThat(ai.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer sk-your-key"));
    }

    @Test
    void servesTheRestApiAndMetricsOverHttp() throws Exception {
        Scorer s = scorer(prometheus.url().toString(), Map.of());
        String base = serve(s);
        await(s.analyzer().run(false));
        HttpClient http = HttpClient.newHttpClient();
        Function<String, String> get = path -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        JsonArray results = JsonParser.parseString(get.apply("/results")).getAsJsonArray();
        assertThat(results).hasSize(5);
        JsonObject low = JsonParser.parseString(get.apply("/results/low")).getAsJsonObject();
        assertThat(low.get("count").getAsInt()).isEqualTo(2);
        assertThat(low.getAsJsonArray("gpus").get(0).getAsJsonObject().get("gpu_id").getAsString()).isEqualTo("GPU-idle");
        JsonObject stats = JsonParser.parseString(get.apply("/results/stats")).getAsJsonObject();
        assertThat(stats.getAsJsonObject("by_namespace").keySet()).containsExactlyInAnyOrder("team-a", "team-b", "team-c", "team-d");
        JsonObject health = JsonParser.parseString(get.apply("/health")).getAsJsonObject();
        assertThat(health.get("prometheus_connected").getAsBoolean()).isTrue();
        assertThat(get.apply("/metrics"))
                .contains("gpu_utilization_score{gpu_id=\"GPU-relabelled\",namespace=\"team-d\",pod=\"infer-0\",status=\"low\"} 16.5")
                .contains("gpu_status_count{status=\"unknown\"} 1.0").contains("gpu_total_count 5.0")
                .contains("gpu_temperature_celsius{gpu_id=\"GPU-busy\",namespace=\"team-a\",pod=\"train-0\"} 83.0")
                .contains("gpu_memory_total_mb{gpu_id=\"GPU-busy\",namespace=\"team-a\",pod=\"train-0\"} 16000.0")
                .doesNotContain("gpu_temperature_celsius{gpu_id=\"GPU-idle\"");
    }

    @Test
    void prometheusDownAtStartThenUpIsNoticedWithoutARestart() throws Exception {
        int port = PrometheusServer.freePort();
        Scorer s = scorer("http://127.0.0.1:" + port, Map.of("QUERY_TIMEOUT", "2"));
        Throwable down = failure(s.analyzer().run(false));
        assertThat(down).hasMessageContaining("cannot reach Prometheus at http://127.0.0.1:" + port);
        assertThat(s.analyzer().latest().stale()).isTrue();
        assertThat(s.analyzer().latest().analyzedAt()).isNull();
        assertThat(registry.scrape()).contains("gpu_analysis_errors_total{kind=\"unreachable\"} 1.0");

        // The same data on the address the scorer was configured with.
        try (PrometheusServer late = PrometheusServer.onPort(prometheus, port).start()) {
            assertThat(late.url().getPort()).isEqualTo(port);
            var snapshot = await(s.analyzer().run(false));
            assertThat(snapshot.stale()).isFalse();
            assertThat(snapshot.scores()).hasSize(5);
        }
    }

    @Test
    void prometheusGoingDownKeepsTheLastResultsMarkedStale() throws Exception {
        int port = PrometheusServer.freePort();
        try (PrometheusServer own = PrometheusServer.onPort(prometheus, port).start()) {
            Scorer s = scorer(own.url().toString(), Map.of("QUERY_TIMEOUT", "2"));
            await(s.analyzer().run(false));
            own.stop();
            assertThat(failure(s.analyzer().run(false))).isNotNull();
            var kept = s.analyzer().latest();
            assertThat(kept.stale()).isTrue();
            assertThat(kept.scores()).hasSize(5);
            assertThat(kept.lastError()).contains("Prometheus");
            assertThat(registry.scrape()).contains("gpu_utilization_score{gpu_id=\"GPU-busy\"").contains("gpu_analysis_stale 1.0");
        }
    }
}
