package io.kubegpu.perf;

import java.io.BufferedWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The whole server's memory holding a large cluster: the executable jar started as an operator would
 * ({@code serve --manifests}, extender and scorer roles) on N nodes and M pods; its heap after a full GC (from its
 * own {@code jvm_memory_used_bytes}) and its resident set from /proc. Writes {@code perf/results/server-memory.{json,md}}.
 *
 * <p>Usage: {@code java -cp perf/target/benchmarks.jar io.kubegpu.perf.ServerMemory [--nodes 5000] [--pods 100000]}.
 */
public final class ServerMemory {
    private ServerMemory() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = HttpBenchmark.intArg(args, "--nodes", 5000);
        int pods = HttpBenchmark.intArg(args, "--pods", 100_000);
        Path manifests = Files.createTempFile("cluster", ".yaml");
        try (BufferedWriter out = Files.newBufferedWriter(manifests, StandardCharsets.UTF_8)) {
            for (int i = 0; i < nodes; i++) {
                out.write(SyntheticCluster.node(i));
                out.write("\n---\n");
            }
            for (int i = 0; i < pods; i++) {
                out.write(SyntheticCluster.pod(i, nodes));
                out.write(i + 1 < pods ? "\n---\n" : "\n");
            }
        }
        int port = ExtenderProcess.freePort();
        int scorerPort = ExtenderProcess.freePort();
        int consolePort = ExtenderProcess.freePort();
        long started = System.nanoTime();
        try (ExtenderProcess server = ExtenderProcess.start(List.of("serve", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--scorer-port", Integer.toString(scorerPort), "--console-port", Integer.toString(consolePort), "--manifests",
                manifests.toString()), "http://127.0.0.1:" + port, false)) {
            double startSeconds = (System.nanoTime() - started) / 1e9;
            // A full GC (jcmd, part of the JDK) first, so the heap figure is what is retained, not garbage.
            long pid = server.pid();
            runQuietly(List.of("jcmd", Long.toString(pid), "GC.run"));
            Thread.sleep(2000);
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double heap = metrics.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            long rssKb = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
            write(nodes, pods, heap, rssKb, startSeconds, Files.size(manifests));
        } finally {
            Files.deleteIfExists(manifests);
        }
        System.exit(0);
    }

    private static void runQuietly(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor();
        } catch (Exception e) {
            // jcmd is part of a JDK; without it the heap figure includes some garbage
        }
    }

    private static void write(int nodes, int pods, double heapBytes, long rssKb, double startSeconds, long manifestBytes) throws Exception {
        Map<String, Object> json = Results.header();
        json.put("nodes", nodes);
        json.put("pods", pods);
        json.put("heapUsedAfterGcBytes", heapBytes);
        json.put("rssKiB", rssKb);
        json.put("startSeconds", startSeconds);
        String md = """
            # Server memory with a large cluster

            - date: %s
            - machine: %s
            - command: java -cp perf/target/benchmarks.jar io.kubegpu.perf.ServerMemory --nodes %d --pods %d
            - server: `java -Xmx1g -jar app/target/kube-gpu-extender.jar serve --manifests …` (extender and scorer roles), %d MB of manifests

            | measure | value |
            |---|---|
            | heap used after a full GC | %.0f MiB |
            | resident set (RSS) | %.0f MiB |
            | start to ready (loading the manifests) | %.1f s |
            """.formatted(Instant.now(), Machine.describe(), nodes, pods, manifestBytes >> 20, heapBytes / (1 << 20), rssKb / 1024.0, startSeconds);
        Results.write("server-memory", json, md);
    }

}
