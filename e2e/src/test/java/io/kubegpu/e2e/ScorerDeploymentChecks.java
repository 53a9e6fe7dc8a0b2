package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kubegpu.cluster.it.Eventually;
import io.kubegpu.scorer.it.PrometheusServer;
import io.kubegpu.scorer.testing.Receiver;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The scorer Deployment from the jar ({@code --roles=scorer}, no cluster access), its configuration the rendered ConfigMap,
 * its secrets the rendered secretKeyRefs: /results filled from a real Prometheus, /health healthy, and with the control
 * API and the AI review turned on in the chart's values, a report and an AI request arriving at local receivers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ScorerDeploymentChecks {
    private static final String AI_KEY = "sk-e2e-not-a-real-key";
    private static final String CONTROL_TOKEN = "control-e2e-token";

    private final Vertx vertx = Vertx.vertx();
    private PrometheusServer prometheus;
    private Receiver control;
    private Receiver ai;
    private ChartInstall install;
    private RenderedContainer scorer;
    private JarProcess process;

    @BeforeAll
    void start() throws Exception {
        prometheus = new Dcgm().busy("node-busy", 0).idle("node-idle", 0).serve("scorer");
        control = Receiver.answering(vertx, 200, "{\"ok\":true}");
        String verdict = "{\"status\":\"idle\",\"confidence\":0.9,\"reason\":\"no kernels for ten minutes\",\"recommendation\":\"reclaim\","
                + "\"ai_adjusted_score\":2}";
        ai = Receiver.answering(vertx, 200, "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + new com.google.gson.JsonPrimitive(verdict) + "}}]}");
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("scorer.config.prom_url", prometheus.url().toString());
        values.put("scorer.config.control_api_enabled", "true");
        values.put("scorer.config.control_api", control.url("/api/v1/low-gpus"));
        values.put("scorer.config.ai_enabled", "true");
        values.put("scorer.config.ai_provider", "openai-compatible");
        values.put("scorer.config.ai_api_url", ai.url("/v1/chat/completions"));
        values.put("scorer.secrets.aiApiKey.name", "scorer-ai");
        values.put("scorer.secrets.controlApiToken.name", "scorer-control");
        install = ChartInstall.render(values);
        scorer = RenderedContainer.of(install, install.fullname() + "-scorer", "scorer")
                .secret("scorer-ai", "api-key", AI_KEY).secret("scorer-control", "token", CONTROL_TOKEN);
        process = scorer.start("scorer");
        process.awaitOk(java.net.URI.create("http://127.0.0.1:" + scorer.port("--port") + "/readyz"), Duration.ofSeconds(120));
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(process, install, prometheus);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private String scorerUrl(String path) {
        return "http://127.0.0.1:" + scorer.port("--scorer-port") + path;
    }

    @Test
    void resultsComeFromPrometheusAndHealthIsHealthy() {
        Eventually.until(Workload.WAIT, "/results holds both GPUs", () -> Http.json(scorerUrl("/results")).getAsJsonArray().size() == 2);
        JsonArray results = Http.json(scorerUrl("/results")).getAsJsonArray();
        Map<String, String> status = new LinkedHashMap<>();
        results.forEach(r -> status.put(r.getAsJsonObject().get("hostname").getAsString(), r.getAsJsonObject().get("status").getAsString()));
        assertThat(status).containsEntry("node-busy", "high").containsEntry("node-idle", "idle");
        JsonObject health = Http.json(scorerUrl("/health")).getAsJsonObject();
        assertThat(health.get("status").getAsString()).isEqualTo("healthy");
        assertThat(health.get("prometheus_connected").getAsBoolean()).isTrue();
        Served.record(scorer);
    }

    @Test
    void theIdleGpuIsReviewedByTheAiAndReportedToTheControlApiWithTheSecretsFromTheEnvironment() throws Exception {
        List<Receiver.Request> reviews = ai.await(1, 120);
        assertThat(reviews.get(0).header("Authorization")).isEqualTo("Bearer " + AI_KEY);
        assertThat(reviews.get(0).body()).contains("GPU-node-idle-0");
        List<Receiver.Request> reports = control.await(1, 120);
        JsonObject report = reports.get(0).json();
        assertThat(report.get("gpu_id").getAsString()).isEqualTo("GPU-node-idle-0");
        assertThat(report.get("hostname").getAsString()).isEqualTo("node-idle");
        assertThat(reports.get(0).header("Authorization")).isEqualTo("Bearer " + CONTROL_TOKEN);
        // The key was sent only in its header: it is in no answer of the scorer.
        assertThat(Http.get(scorerUrl("/config")).body()).doesNotContain(AI_KEY).doesNotContain(CONTROL_TOKEN);
    }
}
