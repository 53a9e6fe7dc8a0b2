package io.kubegpu.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.scorer.Scorer;
import io.kubegpu.scorer.run.UtilizationSource;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import io.kubegpu.scorer.prometheus.PrometheusException;
import io.kubegpu.scorer.score.GpuWindow;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The monitor-compatible REST API and metrics over a source the test controls. */
class ScorerApiTest {
    private static final String TOKEN = "s3cret-token";
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<Future<List<GpuWindow>>> next = new AtomicReference<>();
    private Scorer scorer;
    private int port;

    static GpuWindow window(String id, Map<String, String> labels, double util, double used, double free, double power) {
        return new GpuWindow(id, labels, new double[] {util, util}, new double[] {util / 2}, new double[] {used}, new double[] {free},
                new double[] {power}, new double[] {1380}, 300.0);
    }

    static final GpuWindow BUSY = window("GPU-busy", Map.of("pod", "train-0", "namespace", "team-a", "Hostname", "node-1",
            "modelName", "Tesla V100-SXM2-16GB"), 95, 15000, 1000, 280);
    static final GpuWindow IDLE = window("GPU-idle", Map.of("exported_pod", "notebook-1", "exported_namespace", "team-b", "pod", "dcgm-x",
            "namespace", "gpu-operator", "Hostname", "node-2", "modelName", "Tesla V100-SXM2-16GB"), 0, 300, 15700, 40);
    static final GpuWindow PARTIAL = new GpuWindow("GPU-partial", Map.of("pod", "p", "namespace", "team-b"), new double[] {50}, null,
            null, null, null, null, null);

    private void start(Map<String, String> env) throws Exception {
        ScorerConfig config = ScorerConfigLoader.load(env);
        UtilizationSource source = new UtilizationSource() {
            @Override
            public Future<List<GpuWindow>> fetch(Instant end, Duration window) {
                return next.get();
            }

            @Override
            public String describe() {
                return "the test's source";
            }

            @Override
            public boolean isPrometheus() {
                return true;
            }
        };
        scorer = Scorer.create(vertx, config, source, GpuCatalog.builtIn(), registry, Clock.systemUTC());
        Router router = Router.router(vertx);
        scorer.mount(router);
        router.get("/metrics").handler(ctx -> ctx.response().end(registry.scrape()));
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (scorer != null) {
            scorer.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void analyze(List<GpuWindow> windows) throws Exception {
        next.set(Future.succeededFuture(windows));
        scorer.analyzer().run(false).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject json(String path) throws Exception {
        return JsonParser.parseString(get(path).body()).getAsJsonObject();
    }

    @Test
    void servesResultsLowAndStatsInTheMonitorsShapes() throws Exception {
        start(Map.of());
        analyze(List.of(BUSY, IDLE, PARTIAL));

        JsonArray results = JsonParser.parseString(get("/results").body()).getAsJsonArray();
        assertThat(results).hasSize(3);
        JsonObject busy = results.get(0).getAsJsonObject();
        assertThat(busy.keySet()).contains("gpu_id", "pod", "namespace", "hostname", "model_name", "gpu_util", "mem_copy", "mem_used_mb",
                "power_usage", "sm_clock", "score", "status", "timestamp");
        assertThat(busy.get("gpu_id").getAsString()).isEqualTo("GPU-busy");
        assertThat(busy.get("status").getAsString()).isEqualTo("high");
        JsonObject idle = results.get(1).getAsJsonObject();
        assertThat(idle.get("pod").getAsString()).isEqualTo("notebook-1");
        assertThat(idle.get("namespace").getAsString()).isEqualTo("team-b");
        assertThat(idle.get("status").getAsString()).isEqualTo("idle");
        JsonObject partial = results.get(2).getAsJsonObject();
        assertThat(partial.get("status").getAsString()).isEqualTo("unknown");
        assertThat(partial.get("score").isJsonNull()).isTrue();
        assertThat(partial.get("missing").getAsString()).contains("DCGM_FI_DEV_MEM_COPY_UTIL");

        JsonObject low = json("/results/low");
        assertThat(low.get("count").getAsInt()).isEqualTo(1);
        assertThat(low.get("threshold").getAsDouble()).isEqualTo(20);
        assertThat(low.getAsJsonArray("gpus").get(0).getAsJsonObject().get("gpu_id").getAsString()).isEqualTo("GPU-idle");

        JsonObject stats = json("/results/stats");
        assertThat(stats.get("total_gpus").getAsInt()).isEqualTo(3);
        assertThat(stats.get("idle_count").getAsInt()).isEqualTo(1);
        assertThat(stats.get("low_utilization_count").getAsInt()).isEqualTo(1);
        assertThat(stats.getAsJsonObject("by_status").get("unknown").getAsInt()).isEqualTo(1);
        JsonObject teamB = stats.getAsJsonObject("by_namespace").getAsJsonObject("team-b");
        assertThat(teamB.get("count").getAsInt()).isEqualTo(2);
        assertThat(teamB.get("low_util_count").getAsInt()).isEqualTo(1);
        assertThat(stats.get("min_score").getAsDouble()).isLessThan(10);
        assertThat(stats.get("max_score").getAsDouble()).isGreaterThan(70);

        JsonObject health = json("/health");
        assertThat(health.get("status").getAsString()).isEqualTo("healthy");
        assertThat(health.get("prometheus_connected").getAsBoolean()).isTrue();
        assertThat(health.get("interval").getAsLong()).isEqualTo(300);
        assertThat(health.get("last_analysis").isJsonNull()).isFalse();
        assertThat(json("/").getAsJsonObject("features").get("config_update").getAsBoolean()).isFalse();
    }

    @Test
    void metricsCarryTheMonitorsNamesAndDropGpusThatDisappeared() throws Exception {
        start(Map.of());
        analyze(List.of(BUSY, IDLE));
        String metrics = get("/metrics").body();
        assertThat(metrics).contains("gpu_utilization_score{gpu_id=\"GPU-idle\",namespace=\"team-b\",pod=\"notebook-1\",status=\"idle\"}")
                .contains("gpu_core_utilization{gpu_id=\"GPU-busy\",namespace=\"team-a\",pod=\"train-0\"} 95.0")
                .contains("gpu_memory_used_mb{").contains("gpu_power_usage_watts{").contains("gpu_memory_copy_utilization{")
                .contains("gpu_sm_clock_mhz{").contains("gpu_total_count 2.0").contains("gpu_low_utilization_count 1.0")
                .contains("gpu_idle_count 1.0").contains("gpu_average_score ").contains("gpu_status_count{status=\"high\"} 1.0")
                .contains("gpu_namespace_count{namespace=\"team-a\"} 1.0").contains("gpu_namespace_average_score{namespace=\"team-b\"}")
                .contains("gpu_analysis_total 1.0").contains("gpu_analysis_duration_seconds_count 1");

        analyze(List.of(BUSY));
        metrics = get("/metrics").body();
        assertThat(metrics).doesNotContain("GPU-idle").doesNotContain("namespace=\"team-b\"").contains("gpu_total_count 1.0")
                .contains("gpu_analysis_total 2.0");
    }

    @Test
    void aFailedRunKeepsTheLastGoodResultsMarkedStaleAndRecovers() throws Exception {
        start(Map.of());
        analyze(List.of(BUSY, IDLE));
        next.set(Future.failedFuture(new PrometheusException(PrometheusException.Kind.UNREACHABLE, "cannot reach Prometheus at x")));
        assertThat(scorer.analyzer().run(false).toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(10, TimeUnit.SECONDS))
                .isNotNull();

        JsonObject health = json("/health");
        assertThat(health.get("status").getAsString()).isEqualTo("degraded");
        assertThat(health.get("prometheus_connected").getAsBoolean()).isFalse();
        assertThat(health.get("last_error").getAsString()).contains("cannot reach Prometheus");
        JsonArray results = JsonParser.parseString(get("/results").body()).getAsJsonArray();
        assertThat(results).hasSize(2);
        assertThat(results.get(0).getAsJsonObject().get("stale").getAsBoolean()).isTrue();
        assertThat(get("/metrics").body()).contains("gpu_analysis_errors_total{kind=\"unreachable\"} 1.0").contains("gpu_analysis_stale 1.0")
                .contains("GPU-idle");
        assertThat(scorer.liveUtilization().nodeLoad("node-1")).isPresent();

        analyze(List.of(BUSY));
        assertThat(json("/health").get("status").getAsString()).isEqualTo("healthy");
        assertThat(JsonParser.parseString(get("/results").body()).getAsJsonArray()).hasSize(1);
    }

    @Test
    void aRunPastTheAnalysisTimeoutSetsTheMonitorsAnalysisTimeoutFlag() throws Exception {
        start(Map.of("ANALYSIS_TIMEOUT", "1"));
        assertThat(json("/health").get("analysis_timeout").getAsBoolean()).isFalse();
        next.set(io.vertx.core.Promise.<List<GpuWindow>>promise().future()); // a source that never answers
        assertThat(scorer.analyzer().run(false).toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(10, TimeUnit.SECONDS))
                .isNotNull();
        JsonObject health = json("/health");
        assertThat(health.get("analysis_timeout").getAsBoolean()).isTrue();
        assertThat(health.get("analysis_timeout_seconds").getAsLong()).isEqualTo(1);
        assertThat(health.get("last_error").getAsString()).contains("analysis_timeout");

        analyze(List.of(BUSY));
        assertThat(json("/health").get("analysis_timeout").getAsBoolean()).isFalse();
    }

    @Test
    void liveLoadPerNodeIsTheMeanScoreOfItsGpus() throws Exception {
        start(Map.of());
        analyze(List.of(BUSY, IDLE));
        assertThat(scorer.liveUtilization().nodeLoad("node-1").getAsDouble()).isGreaterThan(0.7);
        assertThat(scorer.liveUtilization().nodeLoad("node-2").getAsDouble()).isLessThan(0.1);
        assertThat(scorer.liveUtilization().nodeLoad("node-9")).isEmpty();
    }

    @Test
    void configUpdatesNeedTheConfiguredBearerToken() throws Exception {
        start(Map.of());
        HttpResponse<String> refused = post("/config/update", "{\"threshold\":30}", "anything");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("CONFIG_API_TOKEN");
        assertThat(json("/config").get("threshold").getAsDouble()).isEqualTo(20);
    }

    @Test
    void configUpdatesChangeThresholdIntervalAndWeightsForTheNextRun() throws Exception {
        start(Map.of("CONFIG_API_TOKEN", TOKEN));
        assertThat(post("/config/update", "{\"threshold\":30}", null).statusCode()).isEqualTo(401);
        assertThat(post("/config/update", "{\"threshold\":30}", "wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> badWeights = post("/config/update", "{\"weights\":{\"gpu_util\":0.9}}", TOKEN);
        assertThat(badWeights.statusCode()).isEqualTo(400);
        assertThat(badWeights.body()).contains("sum to 1");
        assertThat(post("/config/update", "{\"prom_url\":\"http://evil\"}", TOKEN).body()).contains("cannot be changed");

        assertThat(post("/config/update", "{\"idle_threshold\":40}", TOKEN).body()).contains("below the low threshold");
        // 1e999 is Infinity: as an interval it once became Long.MAX_VALUE seconds and stopped the analysis for good.
        HttpResponse<String> infinite = post("/config/update", "{\"interval\":1e999}", TOKEN);
        assertThat(infinite.statusCode()).isEqualTo(400);
        assertThat(infinite.body()).contains("interval must be a finite number");
        assertThat(post("/config/update", "{\"interval\":86401}", TOKEN).body()).contains("interval must be within 5..86400 seconds");
        assertThat(post("/config/update", "{\"threshold\":", TOKEN).body()).contains("the body is not JSON: End of input")
                .doesNotContain("java.").doesNotContain("gson");
        assertThat(json("/config").get("interval").getAsLong()).isEqualTo(300);
        HttpResponse<String> ok = post("/config/update",
                "{\"threshold\":30,\"idle_threshold\":5,\"interval\":60,\"weights\":{\"gpu_util\":0.7,\"mem_copy\":0.1,\"mem_used\":0.1,\"power\":0.1}}", TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonObject config = json("/config");
        assertThat(config.get("threshold").getAsDouble()).isEqualTo(30);
        assertThat(config.get("idle_threshold").getAsDouble()).isEqualTo(5);
        assertThat(config.get("interval").getAsLong()).isEqualTo(60);
        assertThat(config.getAsJsonObject("weights").get("gpu_util").getAsDouble()).isEqualTo(0.7);
        assertThat(config.toString()).doesNotContain(TOKEN);
        assertThat(config.get("config_update_enabled").getAsBoolean()).isTrue();

        // A GPU at score ~25 is normal under threshold 20 and low under 30.
        GpuWindow middling = window("GPU-mid", Map.of("pod", "p", "namespace", "n"), 25, 4000, 12000, 75);
        analyze(List.of(middling));
        assertThat(json("/results/low").get("count").getAsInt()).isEqualTo(1);
        assertThat(json("/results/low").get("threshold").getAsDouble()).isEqualTo(30);
    }

    @Test
    void analyzeTriggersARunInTheBackground() throws Exception {
        start(Map.of());
        next.set(Future.succeededFuture(List.of(BUSY)));
        assertThat(scorer.analyzer().latest().lastAttempt()).isNull();
        JsonObject triggered = json("/analyze");
        assertThat(triggered.get("status").getAsString()).isEqualTo("triggered");
        // The trigger started a run before answering: it is in flight or done, never not begun.
        assertThat(scorer.analyzer().running() || scorer.analyzer().latest().lastAttempt() != null).isTrue();
        assertThat(get("/analyze?use_ai=true").statusCode()).isEqualTo(409);
        // Joins that run if it is still going (or follows it): either way its results are in.
        scorer.analyzer().run(false).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(scorer.analyzer().latest().scores()).hasSize(1);
    }

    @Test
    void manualAnalysesAreRateLimitedSoAnUnauthenticatedCallerCannotRunThemInALoop() throws Exception {
        start(Map.of());
        next.set(Future.succeededFuture(List.of(BUSY)));
        assertThat(json("/analyze").get("status").getAsString()).isEqualTo("triggered");
        scorer.analyzer().run(false).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // The run has ended; a new trigger within the cooldown is answered as the monitor answers, but starts nothing.
        long attempts = scorer.analyzer().latest().lastAttempt().toEpochMilli();
        JsonObject again = json("/analyze");
        assertThat(again.get("status").getAsString()).isEqualTo("triggered");
        assertThat(again.get("started").getAsBoolean()).isFalse();
        assertThat(again.get("message").getAsString()).contains("less than 30 s ago");
        assertThat(scorer.analyzer().running()).isFalse();
        assertThat(scorer.analyzer().latest().lastAttempt().toEpochMilli()).isEqualTo(attempts);
    }

    @Test
    void anUpdateOutsideTheConfigurationsBoundsIsRefusedAndChangesNothing() throws Exception {
        start(Map.of("CONFIG_API_TOKEN", TOKEN));
        long before = scorer.analyzer().settings().interval().toSeconds();
        // 1e999 parses as infinity: it once overflowed the timer and stopped scheduling while /health said healthy.
        for (String body : List.of("{\"interval\":1e999}", "{\"interval\":1}", "{\"interval\":100000000}", "{\"threshold\":1e999}")) {
            HttpResponse<String> refused = post("/config/update", body, TOKEN);
            assertThat(refused.statusCode()).as(body).isEqualTo(400);
            assertThat(refused.body()).as(body).containsAnyOf("finite", "within");
        }
        assertThat(scorer.analyzer().settings().interval().toSeconds()).isEqualTo(before);
    }
}
