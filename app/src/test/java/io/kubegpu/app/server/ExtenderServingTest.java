package io.kubegpu.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ModelLabelSource;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.service.FilterMode;
import io.kubegpu.request.GrammarConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the extender's listener does for kube-scheduler beyond the routes: plain replies and JVM metrics. */
class ExtenderServingTest {
    @Test
    void repliesUncompressedEvenWhenAskedForGzipAndExportsJvmMetrics() throws Exception {
        try (Server server = Server.start(ServerSettings.embedded().withExtender(ServerSettings.ExtenderRole.defaults().withPolicy(Policy.BINPACK)))) {
            HttpClient http = HttpClient.newHttpClient();
            String body = Files.readString(Path.of("..", "examples", "filter-2xV100.json"));
            // Go's client (kube-scheduler) sends Accept-Encoding: gzip on every call.
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/filter"))
                    .header("Content-Type", "application/json").header("Accept-Encoding", "gzip")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).isEqualTo(200);
            assertThat(reply.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(JsonParser.parseString(reply.body()).getAsJsonObject().has("NodeNames")).isTrue();
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("jvm_memory_used_bytes{").contains("jvm_gc_").contains("process_cpu_usage");
        }
    }
}
