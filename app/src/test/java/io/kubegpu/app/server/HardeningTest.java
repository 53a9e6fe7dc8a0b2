package io.kubegpu.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubegpu.cluster.it.SelfSignedTls;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What keeps the process up under hostile or broken callers, and what a failed start leaves behind: nothing. */
class HardeningTest {
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Sends raw HTTP/1.1 request headers (and maybe part of a body) and returns the status line of the answer. */
    private static String statusOf(Socket socket, String headers, String bodyPart) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((headers + "\r\n" + bodyPart).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString().trim();
    }

    private static String post(int port, String path, long length) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n";
    }

    @Test
    void aFailedStartStopsEverythingItHadStarted() throws Exception {
        int scorerPort = freePort();
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            var scorer = new ServerSettings.ScorerRole(ServerSettings.Endpoint.loopback(scorerPort), ScorerConfigLoader.load(Map.of()), true);
            Resources resources = new Resources();
            assertThatThrownBy(() -> Server.start(ServerSettings.embedded().withMain(ServerSettings.Endpoint.loopback(taken.getLocalPort()))
                    .withScorer(scorer), resources)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for the extender");
            assertThat(resources.open()).isZero();
        }
        // The scorer listened before the extender failed; its port is free again, so it was closed.
        try (ServerSocket again = new ServerSocket(scorerPort, 50, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(scorerPort);
        }
    }

    @Test
    void requestBodiesAreBoundedBeforeTheyAreReadAndInTotal() throws Exception {
        long limit = 1 << 20;
        try (Server server = Server.start(ServerSettings.embedded().withExtender(ServerSettings.ExtenderRole.defaults().withBodyLimitBytes(limit)))) {
            int port = server.port();
            try (Socket socket = new Socket("127.0.0.1", port)) {
                assertThat(statusOf(socket, post(port, "/filter", 60L << 20), "")).as("refused before 60 MiB arrive").startsWith("HTTP/1.1 413");
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                String chunked = "POST /filter HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n";
                assertThat(statusOf(socket, chunked, "")).startsWith("HTTP/1.1 411");
            }
            // Slow uploads that never finish: together they may hold at most the process's budget (8 bodies of the limit here).
            List<Socket> slow = new ArrayList<>();
            try {
                String refused = null;
                for (int i = 0; i < 12 && refused == null; i++) {
                    Socket socket = new Socket("127.0.0.1", port);
                    slow.add(socket);
                    socket.setSoTimeout(300);
                    try {
                        refused = statusOf(socket, post(port, "/filter", limit), "{\"Pod\":");
                    } catch (java.net.SocketTimeoutException stillReading) {
                        // Accepted: the server waits for the rest of the body.
                    }
                }
                assertThat(refused).as("the upload past the budget").startsWith("HTTP/1.1 503");
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
            // The budget comes back when those connections go away.
            String body = Files.readString(Path.of("..", "examples", "filter-2xV100.json"));
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int status;
            do {
                status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/filter")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } while (status != 200 && System.nanoTime() < deadline);
            assertThat(status).isEqualTo(200);
        }
    }

    /** A CA, a server certificate for 127.0.0.1 and a client certificate, all by openssl, in {@code dir}. */
    private static void mutualTls(Path dir) throws Exception {
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=test-ca");
        for (String who : List.of("server", "client")) {
            run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out", who + ".csr", "-subj", "/CN=" + who);
            Files.writeString(dir.resolve(who + ".ext"), who.equals("server") ? "subjectAltName=IP:127.0.0.1\n" : "extendedKeyUsage=clientAuth\n");
            run(dir, "openssl", "x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
                    "-extfile", who + ".ext", "-out", who + ".crt");
        }
        run(dir, "openssl", "pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-out", "client.p12", "-passout", "pass:test");
    }

    private static void run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0).as(String.join(" ", command) + ": " + output).isTrue();
    }

    @Test
    void withAClientCaTheVerbsAnswerOnlyCallersThatPresentItsCertificate(@TempDir Path dir) throws Exception {
        mutualTls(dir);
        var tls = new ServerSettings.Tls(dir.resolve("server.crt"), dir.resolve("server.key"), dir.resolve("ca.crt"));
        try (Server server = Server.start(ServerSettings.embedded().withExtender(ServerSettings.ExtenderRole.defaults().withTls(tls)))) {
            URI readyz = URI.create("https://127.0.0.1:" + server.port() + "/readyz");
            HttpClient anonymous = HttpClient.newBuilder().sslContext(SelfSignedTls.trustAll()).build();
            assertThatThrownBy(() -> anonymous.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOfAny(SSLException.class, IOException.class);

            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve("client.p12"))) {
                keys.load(in, "test".toCharArray());
            }
            KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(keys, "test".toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(managers.getKeyManagers(), new javax.net.ssl.TrustManager[] {trustAllManager()}, null);
            HttpResponse<String> ready = HttpClient.newBuilder().sslContext(context).build()
                    .send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
        }
    }

    private static javax.net.ssl.X509TrustManager trustAllManager() {
        return new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
    }
}
