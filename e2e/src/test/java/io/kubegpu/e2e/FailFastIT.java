package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that cannot succeed ends the packaged jar within seconds with one line saying why and a non-zero status: the
 * pod crash-loops with the reason in its last log line, instead of hanging unready with it buried in a retry loop.
 */
class FailFastIT {
    /** How long the test waits for the exit: a bound on the wait, not a timing assertion. */
    private static final Duration EXIT = Duration.ofSeconds(30);

    private static int freePort() {
        return RenderedContainer.freePort();
    }

    /** The process exits non-zero; its output has exactly one {@code error: } line, containing {@code reason}, and no stack trace. */
    private static void assertFailsFast(JarProcess process, String reason) {
        int status = process.exitCode(EXIT);
        String log = process.log();
        assertThat(status).as(log).isNotZero();
        List<String> errors = log.lines().filter(l -> l.startsWith("error: ")).toList();
        assertThat(errors).as(log).singleElement().asString().contains(reason);
        assertThat(log.lines()).as("no stack trace in:\n" + log)
                .noneMatch(l -> l.matches("^\\s+at .*") || l.startsWith("Caused by:") || l.startsWith("Exception in thread"));
    }

    @Test
    void aPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            JarProcess process = JarProcess.start("port-in-use", List.of("serve", "--port=" + taken.getLocalPort(),
                    "--scorer-port=" + freePort()), Map.of());
            assertFailsFast(process, "cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void aBadScorerConfigFile(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("scorer.yaml");
        Files.writeString(config, "prom_url: http://127.0.0.1:9\nthreshold: lots\n");
        JarProcess process = JarProcess.start("bad-scorer-config", List.of("serve", "--roles=scorer", "--utilization=prometheus",
                "--port=" + freePort(), "--scorer-port=" + freePort(), "--scorer-config=" + config), Map.of());
        assertFailsFast(process, "threshold");
    }

    @Test
    void anUnreachableApiServer(@TempDir Path dir) throws Exception {
        int closed = freePort(); // Nothing listens there: connections are refused at once.
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: gone, cluster: {server: "https://127.0.0.1:%d", insecure-skip-tls-verify: true}}]
                users: [{name: u, user: {token: abc}}]
                contexts: [{name: c, context: {cluster: gone, user: u}}]
                current-context: c
                """.formatted(closed));
        JarProcess process = JarProcess.start("unreachable-api", List.of("serve", "--kubeconfig=" + kubeconfig, "--port=" + freePort(),
                "--scorer-port=" + freePort(), "--utilization=prometheus"), Map.of());
        assertFailsFast(process, "cannot reach the API server at https://127.0.0.1:" + closed);
    }

    /**
     * Issue 16's defect itself: a jar that lacks a class the scorer needs at run time (vertx-web-client, once left at test
     * scope). The copy is the packaged jar without io/vertx/ext/web/client.
     */
    @Test
    void aClassMissingFromTheJar(@TempDir Path dir) throws Exception {
        Path damaged = dir.resolve("damaged.jar");
        Files.copy(Repo.jar(), damaged);
        try (FileSystem zip = FileSystems.newFileSystem(damaged)) {
            Path client = zip.getPath("/io/vertx/ext/web/client");
            List<Path> entries;
            try (Stream<Path> walk = Files.walk(client)) {
                entries = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
            }
            for (Path entry : entries) {
                Files.delete(entry);
            }
        }
        JarProcess process = JarProcess.start(damaged, "missing-class", List.of("serve", "--roles=scorer", "--utilization=prometheus",
                "--port=" + freePort(), "--scorer-port=" + freePort()), Map.of("PROM_URL", "http://127.0.0.1:" + freePort()));
        assertFailsFast(process, "NoClassDefFoundError: io/vertx/ext/web/client/");
    }

    @Test
    void theSameProcessStartsWhenNothingIsWrong() {
        // The counter-check: the commands above fail for their cause, not because serve cannot start here at all.
        int port = freePort();
        JarProcess process = JarProcess.start("starts", List.of("serve", "--port=" + port, "--scorer-port=" + freePort()), Map.of());
        try {
            process.awaitOk(URI.create("http://127.0.0.1:" + port + "/readyz"), Duration.ofSeconds(60));
        } finally {
            assertThat(process.stop()).as("exit status after SIGTERM").isIn(0, 143);
        }
    }
}
