package io.kubegpu.app.it;

import io.kubegpu.cluster.it.ControlPlane;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's, installed by {@code scripts/prometheus/install.sh}) on a loopback port that scrapes one
 * target every second: the test's stand-in for dcgm-exporter, whose values the test changes while it runs.
 */
final class ScrapingPrometheus implements AutoCloseable {
    private final Process process;
    private final int port;

    private ScrapingPrometheus(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static ScrapingPrometheus scraping(String target, Path dir) throws IOException, InterruptedException {
        Process install = new ProcessBuilder("bash", ControlPlane.repoPath("scripts/prometheus/install.sh").toString()).redirectErrorStream(true).start();
        String log = new String(install.getInputStream().readAllBytes());
        if (!install.waitFor(10, TimeUnit.MINUTES) || install.exitValue() != 0) {
            throw new IOException("scripts/prometheus/install.sh failed: " + log);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, evaluation_interval: 1m}
                scrape_configs:
                - job_name: dcgm
                  static_configs: [{targets: ["%s"]}]
                """.formatted(target));
        Process process = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn").redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        ScrapingPrometheus prometheus = new ScrapingPrometheus(process, port);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        for (int i = 0; i < 300; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
            }
            try {
                if (http.send(HttpRequest.newBuilder(prometheus.url().resolve("/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return prometheus;
                }
            } catch (IOException notYet) {
                // still starting
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        prometheus.close();
        throw new IllegalStateException("prometheus did not become ready in 30 s");
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
