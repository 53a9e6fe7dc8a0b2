package io.kubegpu.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ModelLabelSource;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.service.FilterMode;
import io.kubegpu.request.GrammarConfig;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embedded default with the scorer role: synthetic utilization served on its own port and fed to prioritize. */
class ScorerServingTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private String get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void theDemoScoresTheSampleClustersBusyGpusAndFeedsTheirLoadToTheExtender() throws Exception {
        var scorer = new ServerSettings.ScorerRole(ServerSettings.Endpoint.loopback(0), ScorerConfigLoader.load(Map.of()), true);
        try (Server server = Server.start(ServerSettings.embedded().withScorer(scorer))) {
            // The first analysis, the one the server started by itself.
            server.scorer().analyzer().firstAnalysis().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            var results = JsonParser.parseString(get(server.scorerPort(), "/results")).getAsJsonArray();
            assertThat(results).isNotEmpty();
            // Only GPUs held by the sample's pods, as dcgm-exporter's default selector would show them.
            results.forEach(gpu -> assertThat(gpu.getAsJsonObject().get("pod").isJsonNull()).isFalse());
            String host = results.get(0).getAsJsonObject().get("hostname").getAsString();
            assertThat(server.state().snapshot().node(host)).isPresent();
            assertThat(server.scorer().liveUtilization().nodeLoad(host)).isPresent();
            assertThat(get(server.scorerPort(), "/health")).contains("\"status\":\"healthy\"").contains("synthetic")
                    .contains("\"prometheus_connected\":false");
            assertThat(get(server.scorerPort(), "/metrics")).contains("gpu_utilization_score{").contains("kubegpu_cluster_nodes");
            assertThat(get(server.scorerPort(), "/healthz")).isNotEmpty();
            assertThat(results.get(0).getAsJsonObject().get("temperature").getAsDouble()).isPositive();
            // /docs on the scorer's port lists its routes, the probes and metrics beside them, and the extender's routes.
            var paths = JsonParser.parseString(get(server.scorerPort(), "/openapi.json")).getAsJsonObject().getAsJsonObject("paths").keySet();
            assertThat(paths).contains("/results", "/healthz", "/readyz", "/metrics", "/filter", "/prioritize", "/bind", "/mutate");
            assertThat(get(server.scorerPort(), "/docs")).contains("swagger-ui-bundle.js");
            assertThat(get(server.port(), "/results")).doesNotContain("gpu_id");
        }
    }
}
