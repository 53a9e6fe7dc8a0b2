package io.kubegpu.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.it.SelfSignedTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over HTTPS the verbs offer HTTP/2: kube-scheduler's Go client then sends all its calls on one connection. On HTTP/1.1
 * it keeps two idle connections per extender, so every bind beyond two in flight opened a connection, and a TLS
 * handshake, of its own (measured on the scheduler harness: about one new connection per bound share).
 */
class ExtenderHttp2Test {

    @Test
    void theHttpsVerbsAnswerConcurrentCallsOverHttp2(@TempDir Path dir) throws Exception {
        SelfSignedTls.certificate(dir, "127.0.0.1");
        var tls = new ServerSettings.Tls(dir.resolve("cert.pem"), dir.resolve("key.pem"), null);
        String body = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("examples/filter-2xV100.json"));
        try (Server server = Server.start(ServerSettings.embedded().withExtender(ServerSettings.ExtenderRole.defaults().withTls(tls)))) {
            // The JDK client, like Go's, asks for h2 through ALPN and multiplexes on one connection when it gets it.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(SelfSignedTls.trustAll()).build();
            URI filter = URI.create("https://127.0.0.1:" + server.port() + "/filter");
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(http.sendAsync(HttpRequest.newBuilder(filter).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> reply = call.join();
                assertThat(reply.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(reply.statusCode()).isEqualTo(200);
                assertThat(reply.body()).containsPattern("\"NodeNames\":\\[\"[a-z-]*v100-\\d\"]").contains("\"Error\":\"\"");
            }
        }
    }
}
