package io.kubegpu.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.kubegpu.cluster.it.SelfSignedTls;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import io.kubegpu.webhook.mutation.MutationConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests no route takes — an unknown path, a wrong method, a chunked upload, a body that is not JSON — get a 4xx with a
 * JSON error on every listener, never Vert.x's HTML page or an empty body, and no class names of ours.
 */
class JsonErrorsTest {
    private static final HttpClient TLS_TRUSTING;

    static {
        try {
            TLS_TRUSTING = HttpClient.newBuilder().sslContext(SelfSignedTls.trustAll()).build();
        } catch (java.security.GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static HttpResponse<String> send(String method, String url, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return TLS_TRUSTING.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertJsonError(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.uri() + " " + response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JsonParser.parseString(response.body()).getAsJsonObject().get(field).getAsString()).isNotBlank();
        assertThat(response.body()).doesNotContainPattern("\\b(?:java|javax|com|io|org)\\.[a-z0-9_]+\\.[A-Za-z0-9_.$]+");
    }

    @Test
    void everyListenerAnswersBadRequestsWithAJsonError(@TempDir Path dir) throws Exception {
        SelfSignedTls.certificate(dir, "webhook");
        var webhook = new ServerSettings.WebhookRole(ServerSettings.Endpoint.loopback(0), dir.resolve("cert.pem"), dir.resolve("key.pem"),
                MutationConfig.defaults());
        var scorer = new ServerSettings.ScorerRole(ServerSettings.Endpoint.loopback(0),
                ScorerConfigLoader.load(Map.of("CONFIG_API_TOKEN", "t0ken")), true);
        try (Server server = Server.start(ServerSettings.embedded().withHealth(ServerSettings.Endpoint.loopback(0)).withWebhook(webhook)
                .withScorer(scorer))) {
            String verbs = "http://127.0.0.1:" + server.port();
            String health = "http://127.0.0.1:" + server.healthPort();
            String scores = "http://127.0.0.1:" + server.scorerPort();
            String hook = "https://127.0.0.1:" + server.webhookPort();

            assertJsonError(send("GET", verbs + "/nothing", null), 405, "Error");
            assertJsonError(send("PUT", verbs + "/filter", "{}"), 405, "Error");
            assertJsonError(send("GET", health + "/nothing", null), 404, "error");
            assertJsonError(send("POST", health + "/metrics", "x"), 405, "error");
            assertJsonError(send("GET", scores + "/nothing", null), 404, "error");
            assertJsonError(send("POST", scores + "/results", "{"), 405, "error");
            assertJsonError(send("GET", scores + "/docs/..%2f..%2fetc%2fpasswd", null), 404, "error");
            assertJsonError(send("GET", hook + "/nothing", null), 404, "error");
            assertJsonError(send("GET", hook + "/mutate", null), 405, "error");

            // Bodies: not JSON, a bad escape, an infinite interval; the token is right, so only the body is judged.
            String[] auth = {"Authorization", "Bearer t0ken"};
            assertJsonError(send("POST", scores + "/config/update", "{\"interval\":", auth), 400, "error");
            assertJsonError(send("POST", scores + "/config/update", "{\"interval\":\"\\uZZZZ\"}", auth), 400, "error");
            assertJsonError(send("POST", scores + "/config/update", "{\"interval\":1e999}", auth), 400, "error");
            assertJsonError(send("POST", hook + "/mutate", "{\"request\":"), 400, "error");
            assertJsonError(send("GET", scores + "/analyze?use_ai=maybe", null), 400, "error");
            // The analysis kept its interval: the infinite one was refused, not applied.
            assertThat(send("GET", scores + "/config", null).body()).contains("\"interval\":300");
        }
    }

    @Test
    void aChunkedUploadToTheScorerIsRefusedBeforeItIsRead() throws Exception {
        var scorer = new ServerSettings.ScorerRole(ServerSettings.Endpoint.loopback(0),
                ScorerConfigLoader.load(Map.of("CONFIG_API_TOKEN", "t0ken")), true);
        try (Server server = Server.start(ServerSettings.embedded().withExtender(null).withScorer(scorer))) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.scorerPort())) {
                socket.getOutputStream().write(("POST /config/update HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t0ken\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n10000\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                // The answer's head: it comes although the 64 KiB chunk announced never does.
                StringBuilder head = new StringBuilder();
                java.io.InputStream in = socket.getInputStream();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int c = in.read();
                    if (c < 0) {
                        break;
                    }
                    head.append((char) c);
                }
                assertThat(head.toString()).startsWith("HTTP/1.1 411").containsIgnoringCase("content-type: application/json");
            }
        }
    }
}
