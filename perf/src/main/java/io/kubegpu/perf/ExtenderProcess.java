package io.kubegpu.perf;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The extender as a separate process, {@code java -jar app/target/kube-gpu-extender.jar serve --kubeconfig …}, ready when /readyz says so. */
final class ExtenderProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    /** Where it answers: http://127.0.0.1:PORT, or https for our extender with -Dperf.extenderTls=true. */
    private final String base;

    private ExtenderProcess(Process process, int port, String base) {
        this.process = process;
        this.port = port;
        this.base = base;
    }

    /**
     * -Dperf.extenderTls=true: our extender serves its verbs over HTTPS (a fresh self-signed certificate, HTTP/2 offered),
     * as a standalone extender does, and kube-scheduler calls it with enableHTTPS; the do-nothing extender stays on HTTP.
     */
    static final boolean TLS = Boolean.getBoolean("perf.extenderTls");

    /** The extender role watching the cluster of {@code kubeconfig}, on a free port, with these extra serve options. */
    static ExtenderProcess start(Path kubeconfig, String... options) throws IOException, InterruptedException {
        int port = freePort();
        List<String> args = new java.util.ArrayList<>(List.of("serve", "--roles", "extender", "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--kubeconfig", kubeconfig.toString()));
        args.addAll(List.of(options));
        if (TLS) {
            Path dir = Files.createTempDirectory("extender-tls");
            io.kubegpu.cluster.it.SelfSignedTls.certificate(dir, "127.0.0.1");
            args.addAll(List.of("--tls-cert", dir.resolve("cert.pem").toString(), "--tls-key", dir.resolve("key.pem").toString()));
        }
        String base = (TLS ? "https" : "http") + "://127.0.0.1:" + port;
        ExtenderProcess extender = start(args, base, TLS);
        return new ExtenderProcess(extender.process, port, base);
    }

    /**
     * {@code java -jar kube-gpu-extender.jar ARGS}; ready when {@code base/readyz} answers 200 ({@code tls}: any
     * certificate accepted, for the webhook's own).
     */
    static ExtenderProcess start(List<String> args, String base, boolean tls) throws IOException, InterruptedException {
        Path jar = Path.of("app", "target", "kube-gpu-extender.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (mvn -B -q -DskipTests package)");
        }
        List<String> launch = new java.util.ArrayList<>(List.of("-jar", jar.toString()));
        launch.addAll(args);
        // -Dperf.extenderArgs="OPTIONS": more `serve` options for our extender, e.g. --warm-up-calls to compare warm-ups.
        String extra = System.getProperty("perf.extenderArgs", "").trim();
        if (!extra.isEmpty()) {
            launch.addAll(List.of(extra.split("\\s+")));
        }
        return launch(launch, base, tls);
    }

    /** The do-nothing extender ({@link io.kubegpu.perf.http.FloorExtender}) in its own JVM, on a free port. */
    static ExtenderProcess floor() throws IOException, InterruptedException {
        int port = freePort();
        ExtenderProcess floor = launch(List.of("-cp", System.getProperty("java.class.path"), "io.kubegpu.perf.http.FloorExtender",
                Integer.toString(port)), "http://127.0.0.1:" + port, false);
        return new ExtenderProcess(floor.process, port, "http://127.0.0.1:" + port);
    }

    private static ExtenderProcess launch(List<String> launch, String base, boolean tls) throws IOException, InterruptedException {
        Path log = Files.createTempFile("extender", ".log");
        List<String> command = new java.util.ArrayList<>(List.of("java", "-Xmx1g"));
        // -Dperf.extenderJvm="OPTIONS": JVM options for the extender (and the floor), e.g. to compare collectors.
        String jvm = System.getProperty("perf.extenderJvm", "").trim();
        if (!jvm.isEmpty()) {
            command.addAll(List.of(jvm.split("\\s+")));
        }
        // -Dperf.jfr=DIR: a Flight Recorder profile of each extender process, to say where its time goes.
        String jfr = System.getProperty("perf.jfr");
        if (jfr != null) {
            Files.createDirectories(Path.of(jfr));
            command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + Path.of(jfr, "extender-" + System.nanoTime() + ".jfr"));
        }
        command.addAll(launch);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ExtenderProcess extender = new ExtenderProcess(process, -1, base);
        HttpClient http;
        try {
            http = tls ? HttpClient.newBuilder().sslContext(io.kubegpu.cluster.it.SelfSignedTls.trustAll()).build() : HttpClient.newHttpClient();
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
        for (int i = 0; i < 600; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the extender exited: " + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return extender;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        extender.close();
        throw new IllegalStateException("the extender was not ready in 60 s: " + Files.readString(log));
    }

    int port() {
        return port;
    }

    /** Where it answers, scheme included. */
    String base() {
        return base;
    }

    /** A port nothing listens on right now, for a server the harness starts. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
