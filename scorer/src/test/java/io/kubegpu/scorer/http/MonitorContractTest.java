package io.kubegpu.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.scorer.Scorer;
import io.kubegpu.scorer.run.UtilizationSource;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import io.kubegpu.scorer.score.GpuWindow;
import io.kubegpu.scorer.testing.JsonShape;
import io.kubegpu.scorer.testing.PythonClient;
import io.kubegpu.scorer.testing.FixedSource;
import io.kubegpu.scorer.testing.Receiver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The REST contract with the Python monitor: each endpoint's response holds the field names and JSON types of the
 * monitor's documented example (src/test/resources/monitor/responses); extra fields are fine, a missing or re-typed one
 * fails. The GPUs cover every status, and an AI endpoint reviews them all, so every documented field has data.
 */
class MonitorContractTest {
    private static final Vertx VERTX = Vertx.vertx();
    private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Scorer scorer;
    private static int port;

    static GpuWindow gpu(String id, String namespace, String pod, double util, double used, double power) {
        return new GpuWindow(id, Map.of("pod", pod, "namespace", namespace, "Hostname", "node-1", "modelName", "Tesla V100-SXM2-16GB"),
                new double[] {util, util}, new double[] {util / 2}, new double[] {used}, new double[] {16000 - used}, new double[] {power},
                new double[] {1380}, 300.0, new double[] {40 + util / 3});
    }

    @BeforeAll
    static void start() throws Exception {
        Receiver ai = Receiver.answering(VERTX, 200, "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + "\"{\\\"status\\\":\\\"active\\\",\\\"confidence\\\":0.92,\\\"reason\\\":\\\"steady load\\\",\\\"recommendation\\\":"
                + "\\\"none\\\",\\\"ai_adjusted_score\\\":70.5}\"}}]}");
        var config = ScorerConfigLoader.load(Map.of("AI_ENABLED", "true", "AI_API_KEY", "sk-k", "AI_PROVIDER", "openai", "AI_API_URL",
                ai.url("/v1/chat/completions"), "AI_REVIEW", "all"));
        List<GpuWindow> windows = List.of(gpu("GPU-high", "ml-team", "train-0", 95, 15000, 280), gpu("GPU-normal", "ml-team", "train-1", 50,
                8000, 150), gpu("GPU-low", "dev-team", "notebook-0", 12, 3000, 40), gpu("GPU-idle", "dev-team", "notebook-1", 0, 300, 30));
        UtilizationSource source = new FixedSource(windows);
        scorer = Scorer.create(VERTX, config, source, GpuCatalog.builtIn(), REGISTRY, Clock.systemUTC());
        Router router = Router.router(VERTX);
        scorer.mount(router);
        router.get("/metrics").handler(ctx -> ctx.response().end(REGISTRY.scrape()));
        port = VERTX.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).actualPort();
        scorer.analyzer().run(true).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        scorer.close();
        VERTX.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    private static String example(String name) throws IOException {
        try (InputStream in = MonitorContractTest.class.getResourceAsStream("/monitor/responses/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest(name = "GET {0} has the shape of the monitor''s {1}")
    @CsvSource({"/, root.json", "/health, health.json", "/results, results.json", "/results/low, results_low.json",
            "/results/stats, results_stats.json", "/analyze, analyze.json"})
    void everyEndpointHoldsTheMonitorsDocumentedShape(String path, String example) throws Exception {
        JsonElement actual = JsonParser.parseString(get(path));
        assertThat(JsonShape.mismatches(JsonParser.parseString(example(example)), actual, Set.of("by_namespace"))).isEmpty();
    }

    @Test
    void theShapeCheckCatchesAMissingOrRetypedField() throws Exception {
        // The check itself: /health as it was before (analysis_timeout a number of seconds) fails it.
        JsonElement old = JsonParser.parseString("{\"status\":\"healthy\",\"prometheus_connected\":true,\"last_analysis\":\"x\","
                + "\"analysis_timeout\":120,\"ai_enabled\":true}");
        assertThat(JsonShape.mismatches(JsonParser.parseString(example("health.json")), old, Set.of()))
                .containsExactly("$.analysis_timeout is a number, the monitor's is a boolean", "$.interval is missing");
    }

    @Test
    void metricsCarryEveryDocumentedNameWithItsLabels() throws Exception {
        String metrics = get("/metrics");
        for (String line : example("metrics.txt").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.trim().split(" ");
            assertThat(metrics).as(parts[0]).containsPattern("(?m)^" + parts[0] + "[{ ]");
            for (int i = 1; i < parts.length; i++) {
                assertThat(metrics).as(parts[0] + " has label " + parts[i]).containsPattern("(?m)^" + parts[0] + "\\{[^}]*\\b" + parts[i] + "=\"");
            }
        }
    }

    @Test
    void timestampsHaveAtMostMicrosecondsAndAnOffset() throws Exception {
        String timestamp = JsonParser.parseString(get("/results")).getAsJsonArray().get(0).getAsJsonObject().get("timestamp").getAsString();
        assertThat(timestamp).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");
        assertThat(JsonParser.parseString(get("/health")).getAsJsonObject().get("last_analysis").getAsString()).matches(".*\\.\\d{6}\\+00:00");
    }

    @Test
    void aStandardLibraryPythonClientReadsEveryEndpoint() throws Exception {
        PythonClient.Run run = PythonClient.against("http://127.0.0.1:" + port);
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("8 passed, 0 failed").contains("ai=active:0.92");
    }
}
