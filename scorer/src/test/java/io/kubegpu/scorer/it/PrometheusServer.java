package io.kubegpu.scorer.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's 2.42 package, installed by {@code scripts/prometheus/install.sh}) on a
 * loopback port over TSDB blocks that {@code promtool tsdb create-blocks-from openmetrics} built from a
 * generated file. It scrapes nothing: the data is exactly what the test wrote. Shared with the end-to-end tier
 * (test-jar).
 */
public final class PrometheusServer implements AutoCloseable {
    private final Path blocks;
    private final Path dir;
    private final int port;
    private Process process;

    private PrometheusServer(Path blocks, Path dir, int port) {
        this.blocks = blocks;
        this.dir = dir;
        this.port = port;
    }

    /** Builds blocks from {@code openMetrics} in {@code dir}; call {@link #start()} to serve them. */
    public static PrometheusServer over(String openMetrics, Path dir) throws IOException, InterruptedException {
        Path bin = Path.of(run(List.of("bash", repository().resolve("scripts/prometheus/install.sh").toString()), Duration.ofMinutes(10)));
        Path input = dir.resolve("dcgm.om");
        Files.writeString(input, openMetrics, StandardCharsets.UTF_8);
        Path blocks = dir.resolve("blocks");
        run(List.of(bin.resolve("promtool").toString(), "tsdb", "create-blocks-from", "openmetrics", input.toString(), blocks.toString()),
                Duration.ofMinutes(2));
        return new PrometheusServer(blocks, dir.resolve("server-" + System.nanoTime()), freePort());
    }

    /** Another server over the same data, on {@code port}; each keeps its own copy of the blocks. */
    public static PrometheusServer onPort(PrometheusServer same, int port) {
        return new PrometheusServer(same.blocks, same.blocks.resolveSibling("server-" + System.nanoTime()), port);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public PrometheusServer start() throws IOException, InterruptedException {
        Path data = dir.resolve("data");
        copy(blocks, data);
        Files.writeString(dir.resolve("prometheus.yml"), "global:\n  evaluation_interval: 1m\n", StandardCharsets.UTF_8);
        process = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + data, "--storage.tsdb.retention.time=10y",
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        for (int i = 0; i < 300; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("prometheus.log")));
            }
            try {
                var ready = http.send(HttpRequest.newBuilder(url().resolve("/-/ready")).build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // still starting
            }
            // Waits on the process itself: returns at once if it dies, else after 100 ms for the next probe.
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("prometheus did not become ready in 30 s: " + Files.readString(dir.resolve("prometheus.log")));
    }

    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The repository root, above the module directory the tests run in. */
    private static Path repository() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/prometheus/install.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("scripts/prometheus/install.sh not found above " + Path.of("").toAbsolutePath());
    }

    private static String run(List<String> command, Duration limit) throws IOException, InterruptedException {
        Path log = Files.createTempFile("prometheus-tool", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + limit);
        }
        List<String> lines = Files.readAllLines(log);
        if (p.exitValue() != 0 || lines.isEmpty()) {
            throw new IllegalStateException(String.join(" ", command) + " failed with " + p.exitValue() + ":\n" + String.join("\n", lines));
        }
        return lines.get(lines.size() - 1).trim();
    }
}
