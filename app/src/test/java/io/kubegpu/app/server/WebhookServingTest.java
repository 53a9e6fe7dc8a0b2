package io.kubegpu.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.it.SelfSignedTls;
import io.kubegpu.cluster.model.ModelLabelSource;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.service.FilterMode;
import io.kubegpu.request.GrammarConfig;
import io.kubegpu.webhook.mutation.MutationConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook role over real HTTPS: AdmissionReviews answered, and a rotated certificate served without a restart. */
class WebhookServingTest {
    private static String servedCommonName(int port) throws Exception {
        SSLContext context = SelfSignedTls.trustAll();
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    /** The webhook role alone, on the embedded cluster, with the certificate in {@code dir}. */
    private static Server webhookOnly(Path dir) throws IOException {
        var webhook = new ServerSettings.WebhookRole(ServerSettings.Endpoint.loopback(0), dir.resolve("cert.pem"), dir.resolve("key.pem"),
                MutationConfig.defaults());
        return Server.start(ServerSettings.embedded().withExtender(null).withWebhook(webhook));
    }

    @Test
    void answersAdmissionReviewsOverTlsAndReloadsARotatedCertificate(@TempDir Path dir) throws Exception {
        SelfSignedTls.certificate(dir, "webhook-one");
        try (Server server = webhookOnly(dir)) {
            int port = server.webhookPort();
            SSLContext context = SelfSignedTls.trustAll();
            HttpClient client = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
            String review;
            try (InputStream in = getClass().getResourceAsStream("/io/kubegpu/webhook/http/admissionreview-pod-create.json")) {
                review = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/mutate?timeout=10s"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(review)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            var reply = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("response");
            assertThat(reply.get("allowed").getAsBoolean()).isTrue();
            assertThat(reply.get("patchType").getAsString()).isEqualTo("JSONPatch");
            assertThat(servedCommonName(port)).isEqualTo("CN=webhook-one");

            SelfSignedTls.certificate(dir, "webhook-two");
            server.webhookListener().reloadIfChanged();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String served = servedCommonName(port);
            while (!served.equals("CN=webhook-two") && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
                served = servedCommonName(port);
            }
            assertThat(served).isEqualTo("CN=webhook-two");
        }
    }

    @Test
    void aBrokenNewCertificateKeepsTheOldOne(@TempDir Path dir) throws Exception {
        SelfSignedTls.certificate(dir, "webhook-good");
        try (Server server = webhookOnly(dir)) {
            Files.writeString(dir.resolve("cert.pem"), "not a certificate");
            server.webhookListener().reloadIfChanged();
            assertThat(servedCommonName(server.webhookPort())).isEqualTo("CN=webhook-good");
        }
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateIsRefusedAtStartAndAtReload(@TempDir Path dir) throws Exception {
        Path other = Files.createDirectory(dir.resolve("other"));
        SelfSignedTls.certificate(other, "stranger");
        SelfSignedTls.certificate(dir, "webhook-good");
        Files.copy(other.resolve("key.pem"), dir.resolve("wrong-key.pem"));
        var mismatched = new ServerSettings.WebhookRole(ServerSettings.Endpoint.loopback(0), dir.resolve("cert.pem"), dir.resolve("wrong-key.pem"),
                MutationConfig.defaults());
        assertThatThrownBy(() -> Server.start(ServerSettings.embedded().withExtender(null).withWebhook(mismatched)))
                .hasMessageContaining("do not go together").hasMessageContaining("does not belong to the certificate");

        try (Server server = webhookOnly(dir)) {
            // A writer that replaced the key and not yet the certificate: keep serving the old pair.
            Files.copy(other.resolve("key.pem"), dir.resolve("key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            server.webhookListener().reloadIfChanged();
            assertThat(servedCommonName(server.webhookPort())).isEqualTo("CN=webhook-good");
            // ... and take the new pair once both files are in.
            Files.copy(other.resolve("cert.pem"), dir.resolve("cert.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            server.webhookListener().reloadIfChanged();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String served = servedCommonName(server.webhookPort());
            while (!served.equals("CN=stranger") && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
                served = servedCommonName(server.webhookPort());
            }
            assertThat(served).isEqualTo("CN=stranger");
        }
    }

    @Test
    void theExtenderPortServesTlsWhenGivenACertificate(@TempDir Path dir) throws Exception {
        SelfSignedTls.certificate(dir, "extender");
        var tls = new ServerSettings.Tls(dir.resolve("cert.pem"), dir.resolve("key.pem"), null);
        try (Server server = Server.start(ServerSettings.embedded().withExtender(ServerSettings.ExtenderRole.defaults().withTls(tls)))) {
            assertThat(servedCommonName(server.port())).isEqualTo("CN=extender");
            SSLContext context = SelfSignedTls.trustAll();
            HttpResponse<String> ready = HttpClient.newBuilder().sslContext(context).build().send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
        }
    }
}
