package io.kubegpu.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.kube.ModelLabelSource;
import io.kubegpu.extender.decision.Policy;
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
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook role over real HTTPS: AdmissionReviews answered, and a rotated certificate served without a restart. */
class WebhookServingTest {
    private static final TrustManager[] TRUST_ALL = {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }};

    private static void certificate(Path dir, String commonName) throws Exception {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
                "-subj", "/CN=" + commonName, "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).isZero();
    }

    private static String servedCommonName(int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, TRUST_ALL, new SecureRandom());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    /** The webhook role alone, on the embedded cluster, with the certificate in {@code dir}. */
    private static ExtenderServer webhookOnly(Path dir) throws IOException {
        var webhook = new ExtenderServer.ServerConfig.Webhook(0, dir.resolve("cert.pem"), dir.resolve("key.pem"), MutationConfig.defaults());
        return ExtenderServer.start(new ExtenderServer.ServerConfig("127.0.0.1", 0, "", 1 << 20, null, null,
                ExtenderServer.ServerConfig.Source.EMBEDDED, null, null, GrammarConfig.defaults(), GpuCatalog.builtIn(),
                List.of(ModelLabelSource.GFD), Policy.BINPACK, 0, false, webhook, null));
    }

    @Test
    void answersAdmissionReviewsOverTlsAndReloadsARotatedCertificate(@TempDir Path dir) throws Exception {
        certificate(dir, "webhook-one");
        try (ExtenderServer server = webhookOnly(dir)) {
            int port = server.webhookPort();
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, TRUST_ALL, new SecureRandom());
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

            certificate(dir, "webhook-two");
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
        certificate(dir, "webhook-good");
        try (ExtenderServer server = webhookOnly(dir)) {
            Files.writeString(dir.resolve("cert.pem"), "not a certificate");
            server.webhookListener().reloadIfChanged();
            assertThat(servedCommonName(server.webhookPort())).isEqualTo("CN=webhook-good");
        }
    }

    @Test
    void theExtenderPortServesTlsWhenGivenACertificate(@TempDir Path dir) throws Exception {
        certificate(dir, "extender");
        try (ExtenderServer server = ExtenderServer.start(new ExtenderServer.ServerConfig("127.0.0.1", 0, "", 1 << 20, dir.resolve("cert.pem"),
                dir.resolve("key.pem"), ExtenderServer.ServerConfig.Source.EMBEDDED, null, null, GrammarConfig.defaults(), GpuCatalog.builtIn(),
                List.of(ModelLabelSource.GFD), Policy.BINPACK, 0, true, null, null))) {
            assertThat(servedCommonName(server.port())).isEqualTo("CN=extender");
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, TRUST_ALL, new SecureRandom());
            HttpResponse<String> ready = HttpClient.newBuilder().sslContext(context).build().send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
        }
    }
}
