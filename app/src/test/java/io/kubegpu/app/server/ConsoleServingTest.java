package io.kubegpu.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The console role in the assembled server on the sample cluster: what-if answers as the extender's filter decides (and
 * reserves nothing), a pending pod's reasons come from the extender's last decision once kube-scheduler asked, and the
 * console's routes are in /docs.
 */
class ConsoleServingTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject json(int port, String path) throws Exception {
        return JsonParser.parseString(get(port, path).body()).getAsJsonObject();
    }

    private JsonObject post(int port, String path, String body) throws Exception {
        return JsonParser.parseString(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body()).getAsJsonObject();
    }

    private static Path repository() {
        return Path.of("").toAbsolutePath().getParent();
    }

    @Test
    void whatIfAnswersAsTheFilterDecidesAndReservesNothing() throws Exception {
        try (Server server = Server.start(ServerSettings.embedded().withConsole(ServerSettings.ConsoleRole.defaults()))) {
            int console = server.consolePort();
            long version = server.state().snapshot().version();
            String node = json(console, "/api/v1/whatif?request=" + URLEncoder.encode("2(V100)", StandardCharsets.UTF_8))
                    .getAsJsonObject("placement").getAsJsonObject("node").get("node").getAsString();
            assertThat(server.state().snapshot().version()).as("what-if changed nothing").isEqualTo(version);
            assertThat(server.state().reservations()).isEmpty();

            // kube-scheduler asking the filter about the same pod (the README's example): the same node.
            String body = Files.readString(repository().resolve("examples/filter-2xV100.json"));
            JsonObject filtered = post(server.port(), "/filter", body);
            assertThat(filtered.getAsJsonArray("NodeNames").get(0).getAsString()).isEqualTo(node);
            assertThat(server.state().reservations()).as("the filter does hold its choice").hasSize(1);
        }
    }

    @Test
    void aPendingPodsReasonsAreTheExtendersOnceKubeSchedulerAsked() throws Exception {
        try (Server server = Server.start(ServerSettings.embedded().withConsole(ServerSettings.ConsoleRole.defaults()))) {
            int console = server.consolePort();
            JsonObject before = json(console, "/api/v1/pending/team-cv/waiting-a100-80g");
            assertThat(before.getAsJsonObject("pod").get("source").getAsString()).isEqualTo("console");
            assertThat(before.has("lastDecision")).isFalse();

            String filter = """
                    {"Pod":{"metadata":{"name":"waiting-a100-80g","namespace":"team-cv","uid":"manifest-team-cv-waiting-a100-80g",
                      "annotations":{"kubegpu.io/gpu":"4(A100-80G)"}},
                      "spec":{"containers":[{"name":"trainer","resources":{"limits":{"nvidia.com/gpu":"4"}}}]}},
                     "Nodes":null,"NodeNames":["gpu-a100-80g-1","gpu-a100-40g-1","gpu-t4-1"]}""";
            JsonObject reply = post(server.port(), "/filter", filter);
            assertThat(reply.getAsJsonObject("FailedNodes").keySet()).containsExactlyInAnyOrder("gpu-a100-80g-1", "gpu-a100-40g-1", "gpu-t4-1");

            JsonObject after = json(console, "/api/v1/pending/team-cv/waiting-a100-80g");
            assertThat(after.getAsJsonObject("pod").get("source").getAsString()).isEqualTo("filter");
            assertThat(after.getAsJsonObject("pod").get("summary").getAsString())
                    .isEqualTo("1 node: all GPUs in use; 2 other nodes never can (GPU model is not A100-80G)");
            assertThat(after.getAsJsonObject("lastDecision").get("nodes").getAsInt()).isEqualTo(3);
            assertThat(after.getAsJsonObject("now").get("nodes").getAsInt()).isEqualTo(11);
            assertThat(json(console, "/api/v1/info").get("decisions").getAsString()).isEqualTo("extender");
            assertThat(get(console, "/healthz").body()).isEqualTo("ok");
            assertThat(get(console, "/metrics").statusCode()).as("metrics stay on their own listener").isEqualTo(404);
        }
    }

    @Test
    void theConsolesRoutesAreInTheScorersDocs() throws Exception {
        var scorer = new ServerSettings.ScorerRole(ServerSettings.Endpoint.loopback(0),
                io.kubegpu.scorer.config.ScorerConfigLoader.load(java.util.Map.of()), true);
        try (Server server = Server.start(ServerSettings.embedded().withScorer(scorer).withConsole(ServerSettings.ConsoleRole.defaults()))) {
            JsonObject document = json(server.scorerPort(), "/openapi.json");
            assertThat(document.getAsJsonObject("paths").keySet()).contains("/api/v1/cluster/nodes", "/api/v1/whatif",
                    "/api/v1/pending/{namespace}/{pod}", "/filter", "/results");
            assertThat(document.getAsJsonObject("components").getAsJsonObject("parameters").keySet()).contains("ConsoleLimit");
            // The scorer's own analysis: the console shows utilization once it is in.
            server.scorer().analyzer().firstAnalysis().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            JsonObject status = json(server.consolePort(), "/api/v1/cluster/status");
            assertThat(status.getAsJsonObject("utilization").get("gpus").getAsInt()).isPositive();
            assertThat(json(server.consolePort(), "/api/v1/info").get("utilization").getAsString()).isEqualTo("scorer");
        }
    }
}
