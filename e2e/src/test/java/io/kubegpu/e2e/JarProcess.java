package io.kubegpu.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The packaged jar as its own process: {@code java -jar app/target/kube-gpu-extender.jar ARGS} with exactly the
 * environment given (plus PATH and LANG, which a container image also sets), nothing added to its class path, its
 * output in a log file. Stopped with SIGTERM as Kubernetes stops a pod, or killed with SIGKILL as a crash or an OOM kill
 * would.
 */
final class JarProcess implements AutoCloseable {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final List<String> command;
    private final Path log;
    private final Process process;

    private JarProcess(String name, List<String> command, Path log, Process process) {
        this.name = name;
        this.command = command;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code java -jar <jar> args} with {@code env} as its whole environment (beside PATH and LANG). */
    static JarProcess start(String name, List<String> args, Map<String, String> env) {
        return start(Repo.jar(), name, args, env);
    }

    /** As {@link #start(String, List, Map)} with another jar (a damaged copy, say). */
    static JarProcess start(Path jar, String name, List<String> args, Map<String, String> env) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString()));
        command.addAll(args);
        Path log = Repo.work("logs").resolve(name + "-" + COUNT.incrementAndGet() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // Nothing of the test's environment leaks in (a KUBECONFIG, say, would change what --in-cluster means).
        Map<String, String> environment = builder.environment();
        Map<String, String> keep = new HashMap<>();
        keep.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        keep.put("LANG", "C.UTF-8");
        environment.clear();
        environment.putAll(keep);
        environment.putAll(env);
        try {
            return new JarProcess(name, command, log, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code url} answers 200; fails at once, with the log's tail, if the process exits meanwhile. */
    JarProcess awaitOk(URI url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before " + url + " answered:\n" + tail(30));
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return this;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            waitFor(Duration.ofMillis(100));
        }
        throw new AssertionError(name + ": " + url + " did not answer 200 within " + timeout.toSeconds() + " s (last: " + last + "):\n"
                + tail(30));
    }

    /** Waits for the process to end, at most {@code timeout}; true when it did. */
    boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The exit status, waiting at most {@code timeout} for it (a bound on the wait, not a timing assertion). */
    int exitCode(Duration timeout) {
        if (!waitFor(timeout)) {
            throw new AssertionError(name + " still runs after " + timeout.toSeconds() + " s:\n" + tail(30));
        }
        return process.exitValue();
    }

    /** SIGTERM, as the kubelet stops a container; returns the exit status. */
    int stop() {
        process.destroy();
        if (!waitFor(Duration.ofSeconds(30))) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no draining, as a crash or the OOM killer ends it. */
    void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    String tail(int lines) {
        List<String> all = log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    List<String> command() {
        return command;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }
}
