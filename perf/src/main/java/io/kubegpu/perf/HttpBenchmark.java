package io.kubegpu.perf;

import io.kubegpu.app.server.Server;
import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.it.SelfSignedTls;
import io.kubegpu.cluster.model.ModelLabelSource;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.service.FilterMode;
import io.kubegpu.perf.http.FloorServer;
import io.kubegpu.perf.http.LoadGenerator;
import io.kubegpu.request.GrammarConfig;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import io.kubegpu.webhook.mutation.MutationConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * HTTP load against the running server — filter and prioritize (names only, 230 of N nodes as kube-scheduler
 * sends at 500 nodes) and the webhook's mutate over HTTPS — and, in the same run, against a floor server that
 * answers a constant reply of the same size. Writes {@code perf/results/http.json} and {@code http.md}.
 *
 * <p>Usage: {@code java -cp perf/target/benchmarks.jar io.kubegpu.perf.HttpBenchmark [--quick] [--nodes N]}.
 * Generator and servers share the JVM and the machine's cores: figures are comparable with each other, not
 * with a separate load host.
 */
public final class HttpBenchmark {
    private record Row(String verb, String target, String shape, double offered, double throughput, double p50, double p99, double p999,
                       long errors, double allocatedKiBPerRequest) {
    }

    /** Bytes allocated so far by every live thread of this JVM (server, floor and generator alike). */
    private static long allocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, bytes);
        }
        return total;
    }

    private static Row measured(String verb, String target, java.util.concurrent.Callable<LoadGenerator.Result> run) throws Exception {
        long before = allocatedBytes();
        LoadGenerator.Result result = run.call();
        double perRequest = (allocatedBytes() - before) / 1024.0 / Math.max(1, result.requests());
        return new Row(verb.substring(1), target, result.shape(), result.offered(), result.throughput(), result.percentileMicros(50),
                result.percentileMicros(99), result.percentileMicros(99.9), result.errors(), perRequest);
    }

    private HttpBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int nodes = intArg(args, "--nodes", 500);
        int candidates = Math.min(nodes, intArg(args, "--candidates", 230));
        double seconds = quick ? 5 : 15;
        Path dir = Files.createTempDirectory("http-bench");
        Path manifests = dir.resolve("cluster.yaml");
        StringJoiner docs = new StringJoiner("\n---\n");
        for (int i = 0; i < nodes; i++) {
            docs.add(SyntheticCluster.node(i));
        }
        for (int i = 0; i < nodes * 4; i++) {
            docs.add(SyntheticCluster.pod(i, nodes));
        }
        Files.writeString(manifests, docs.toString());
        SelfSignedTls.certificate(dir, "webhook");

        var webhook = new ServerSettings.WebhookRole(ServerSettings.Endpoint.loopback(0), dir.resolve("cert.pem"), dir.resolve("key.pem"),
                MutationConfig.defaults());
        var scorer = new ServerSettings.ScorerRole(ServerSettings.Endpoint.loopback(0), ScorerConfigLoader.load(Map.of()), true);
        List<Row> rows = new ArrayList<>();
        Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try (Server server = Server.start(ServerSettings.embedded().withSource(new ServerSettings.ClusterSource.Manifests(manifests))
                .withExtender(ServerSettings.ExtenderRole.defaults().withBodyLimitBytes(64L << 20)).withWebhook(webhook).withScorer(scorer))) {
            Buffer filter = Buffer.buffer(extenderArgs(nodes, candidates));
            Buffer review = Buffer.buffer(admissionReview());
            URI ours = URI.create("http://127.0.0.1:" + server.port());
            URI oursTls = URI.create("https://127.0.0.1:" + server.webhookPort());
            try (LoadGenerator plain = new LoadGenerator(clientVertx, 32, false); LoadGenerator tls = new LoadGenerator(clientVertx, 32, true)) {
                Map<String, Buffer> replies = new LinkedHashMap<>();
                replies.put("/filter", await(plain.once(ours.resolve("/filter"), filter)));
                replies.put("/prioritize", await(plain.once(ours.resolve("/prioritize"), filter)));
                replies.put("/mutate", await(tls.once(oursTls.resolve("/mutate"), review)));
                Vertx floorVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
                try (FloorServer floor = FloorServer.start(floorVertx, replies, null);
                     FloorServer floorTls = FloorServer.start(floorVertx, replies, new Path[] {dir.resolve("cert.pem"), dir.resolve("key.pem")})) {
                    URI floorUri = URI.create("http://127.0.0.1:" + floor.port());
                    URI floorTlsUri = URI.create("https://127.0.0.1:" + floorTls.port());
                    for (String verb : List.of("/filter", "/prioritize", "/mutate")) {
                        boolean https = verb.equals("/mutate");
                        LoadGenerator gen = https ? tls : plain;
                        URI target = (https ? oursTls : ours).resolve(verb);
                        Buffer body = https ? review : filter;
                        URI floorTarget = (https ? floorTlsUri : floorUri).resolve(verb);
                        String protocol = https ? " (https)" : " (http)";
                        warmUp(gen, target, body, quick);
                        warmUp(gen, floorTarget, body, quick);
                        for (int concurrency : quick ? new int[] {1, 8} : new int[] {1, 4, 16}) {
                            rows.add(measured(verb, "ours" + protocol, () -> await(gen.closedLoop(target, body, concurrency, seconds))));
                            rows.add(measured(verb, "floor" + protocol, () -> await(gen.closedLoop(floorTarget, body, concurrency, seconds))));
                        }
                        for (double rate : quick ? new double[] {500} : new double[] {200, 1000}) {
                            rows.add(measured(verb, "ours" + protocol, () -> await(gen.openLoop(target, body, rate, seconds))));
                            rows.add(measured(verb, "floor" + protocol, () -> await(gen.openLoop(floorTarget, body, rate, seconds))));
                        }
                        System.out.println("done " + verb);
                    }
                }
            }
        } finally {
            clientVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        write(rows, nodes, candidates, seconds, String.join(" ", args));
        System.exit(0);
    }

    /**
     * Calls before the measured runs, so both servers are measured compiled, as long-running ones are: the JVM
     * compiles a method with its optimizing compiler after some thousands of calls, and 3 s (about 7,000 calls) left
     * the extender still compiling in the scheduler end to end. 20 s in the full set, 3 in the quick one.
     */
    private static void warmUp(LoadGenerator generator, URI target, Buffer body, boolean quick) throws Exception {
        await(generator.closedLoop(target, body, 4, quick ? 3 : 20));
    }

    private static void write(List<Row> rows, int nodes, int candidates, double seconds, String args) throws Exception {
        Map<String, Object> json = Results.header();
        json.put("nodes", nodes);
        json.put("candidates", candidates);
        json.put("secondsPerRun", seconds);
        json.put("rows", rows);
        StringBuilder md = new StringBuilder("# HTTP load: our server against the floor server\n\n");
        md.append("- date: ").append(Instant.now()).append('\n');
        md.append("- machine: ").append(Machine.describe()).append('\n');
        md.append("- command: java -cp perf/target/benchmarks.jar io.kubegpu.perf.HttpBenchmark ").append(args).append('\n');
        md.append("- cluster: ").append(nodes).append(" nodes, ").append(4 * nodes).append(" pods; ").append(candidates)
                .append(" candidate names per filter/prioritize call; ").append(seconds).append(" s per run\n");
        md.append("- closed: N callers back to back (throughput ceiling); open: fixed rate, latency from the due time (no coordinated omission)\n\n");
        md.append("| verb | target | shape | offered | req/s | p50 µs | p99 µs | p99.9 µs | p99 vs floor | KiB allocated per request (whole JVM) | errors |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < rows.size(); i += 2) {
            Row ours = rows.get(i);
            Row floor = rows.get(i + 1);
            for (Row r : List.of(ours, floor)) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.0f | %.0f | %.0f | %.0f | %s | %.1f | %d |%n", r.verb(), r.target(), r.shape(),
                        r.shape().equals("open") ? String.format(Locale.ROOT, "%.0f/s", r.offered()) : (int) r.offered() + " callers",
                        r.throughput(), r.p50(), r.p99(), r.p999(), r == ours ? String.format(Locale.ROOT, "%.2f×", ours.p99() / floor.p99()) : "",
                        r.allocatedKiBPerRequest(), r.errors()));
            }
        }
        Results.write(nodes == 500 ? "http" : "http-" + nodes, json, md.toString());
    }

    /** A pending pod asking for one A100 and the names of {@code candidates} of the nodes, as kube-scheduler sends them. */
    static String extenderArgs(int nodes, int candidates) {
        StringJoiner names = new StringJoiner(",");
        for (int i = 0; i < candidates; i++) {
            names.add("\"" + SyntheticCluster.nodeName((int) ((long) i * nodes / candidates)) + "\"");
        }
        return """
            {"Pod":{"metadata":{"name":"bench","namespace":"team-bench","uid":"uid-bench","annotations":{"kubegpu.io/gpu":"1(A100)"}},
             "spec":{"containers":[{"name":"main","image":"registry.example.com/ml/job:1",
               "resources":{"limits":{"nvidia.com/gpu":"1"}}}]}},
             "Nodes":null,"NodeNames":[%s]}""".formatted(names);
    }

    static String admissionReview() {
        return """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"bench-uid","operation":"CREATE",
             "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
             "namespace":"team-a","name":"train","userInfo":{"username":"alice"},
             "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"train","namespace":"team-a",
               "labels":{"kubegpu.io/gpu-pod":"true"},"annotations":{"kubegpu.io/gpu":"2(V100)"}},
               "spec":{"containers":[{"name":"train","image":"registry.example.com/ml/train:1"},
                 {"name":"sidecar","image":"registry.example.com/log:1"}]}},"dryRun":false}}""";
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    }

    static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }

}
