package io.kubegpu.perf;

import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.ControlPlaneAccess;
import io.kubegpu.cluster.it.TestCluster;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Pod creations per second through the real kube-apiserver of the integration tier with the shipped
 * MutatingWebhookConfiguration registered: pods outside its objectSelector (no call) against opted-in pods with a GPU
 * string, in alternating rounds after an unmeasured warm-up (20 s of AdmissionReviews replayed straight to the webhook,
 * then 6,500 pods through the API server). The webhook runs
 * as its own process ({@code serve --roles webhook}). Writes {@code perf/results/webhook-e2e.{json,md}}.
 *
 * <p>Usage: {@code java -cp perf/target/benchmarks.jar io.kubegpu.perf.WebhookThroughput [--pods 1000] [--threads 8]}.
 */
public final class WebhookThroughput {
    /** @param cpuMsPerPod CPU per created pod of kube-apiserver, etcd, the webhook and the harness, from /proc */
    private record Run(String mode, int pods, double seconds, double podsPerSecond, Map<String, Double> cpuMsPerPod) {
    }

    /** One round's creations: how long they took and the CPU each process spent meanwhile. */
    private record Round(double seconds, Map<String, Double> cpuMsPerPod) {
    }

    private static final String NO_WEBHOOK = "no webhook (pods outside its objectSelector)";
    private static final String WITH_WEBHOOK = "with webhook (opted-in GPU pods)";
    private static final int ROUNDS = 3;
    private static final double REPLAY_SECONDS = 20;

    private WebhookThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int pods = HttpBenchmark.intArg(args, "--pods", 1000);
        int threads = HttpBenchmark.intArg(args, "--threads", 8);
        ControlPlane.kubeconfig();
        ControlPlaneAccess access = new ControlPlaneAccess();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "perf-api");
            thread.setDaemon(true);
            return thread;
        });
        List<Run> runs = new ArrayList<>();
        Path dir = Files.createTempDirectory("webhook-e2e");
        access.signServingCertificate(dir);
        int port = ExtenderProcess.freePort();
        try (TestCluster cluster = new TestCluster(ControlPlane.client());
             ExtenderProcess webhook = ExtenderProcess.start(List.of("serve", "--roles", "webhook", "--host", "127.0.0.1", "--port", "0",
                     "--webhook-port", Integer.toString(port), "--webhook-tls-cert", dir.resolve("tls.crt").toString(),
                     "--webhook-tls-key", dir.resolve("tls.key").toString()), "https://127.0.0.1:" + port, true)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> config = new org.yaml.snakeyaml.Yaml().load(Files.readString(Path.of("webhook/deploy/mutating-webhook-v1.16-1.27.yaml")));
            String name = "perf-webhook-" + cluster.suffix;
            access.registerWebhook(config, name, port);
            try {
                // The API server picks a new configuration up within a second or so.
                Thread.sleep(3000);
                // A long-running webhook is past its JVM's compilation; a mutation runs once per pod, so it is compiled only
                // after many thousands (with 2,500 pods of warm-up alone, JIT-compiling code was most of what the webhook's
                // CPU per pod measured). Replayed reviews straight to it first, as the scheduler harness replays filters.
                replay(port);
                // One registration for both modes: the shipped objectSelector (kubegpu.io/gpu-pod=true) decides whether the
                // API server calls the webhook, so "no webhook" pods are the same pods without the opt-in label. Unmeasured
                // first: the webhook's JIT (as in production, a long-running process) and the API server's caches.
                create(cluster, pool, "warm-gpu", 6000, true, webhook.pid());
                create(cluster, pool, "warm", 500, false, webhook.pid());
                // Alternating runs, each mode's figure the mean: this shared 2-core machine drifts by 20-30 % in minutes.
                for (int round = 0; round < ROUNDS; round++) {
                    Round plain = create(cluster, pool, "plain-" + round, pods, false, webhook.pid());
                    runs.add(new Run(NO_WEBHOOK, pods, plain.seconds(), 0, plain.cpuMsPerPod()));
                    Round gpu = create(cluster, pool, "gpu-" + round, pods, true, webhook.pid());
                    runs.add(new Run(WITH_WEBHOOK, pods, gpu.seconds(), 0, gpu.cpuMsPerPod()));
                }
            } finally {
                access.unregisterWebhook(name);
            }
        }
        List<Run> rated = runs.stream().map(r -> new Run(r.mode(), r.pods(), r.seconds(), r.pods() / r.seconds(), r.cpuMsPerPod())).toList();
        write(rated, pods, threads);
        System.exit(0);
    }

    /** {@link #REPLAY_SECONDS} of AdmissionReviews sent straight to the webhook over HTTPS by 4 callers. */
    private static void replay(int port) throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (io.kubegpu.perf.http.LoadGenerator tls = new io.kubegpu.perf.http.LoadGenerator(vertx, 4, true)) {
            tls.closedLoop(java.net.URI.create("https://127.0.0.1:" + port + "/mutate"), io.vertx.core.buffer.Buffer.buffer(HttpBenchmark.admissionReview()),
                    4, REPLAY_SECONDS).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Creates {@code count} pods with {@code threads} callers and returns the seconds it took and the CPU spent by each
     * process meanwhile ({@code webhookPid} as the webhook); then removes them (there is no namespace controller to do
     * it, and GPU pods left pending would be scheduled by the next benchmark).
     */
    private static Round create(TestCluster cluster, ExecutorService pool, String prefix, int count, boolean optIn, long webhookPid)
            throws Exception {
        Map<String, java.time.Duration> cpuBefore = ProcessCpu.sample(webhookPid);
        long start = System.nanoTime();
        List<Future<V1Pod>> created = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = String.format(Locale.ROOT, "%s-%05d", prefix, i);
            V1Pod pod = new V1Pod().metadata(new V1ObjectMeta().name(name).namespace(cluster.namespace)
                            .labels(optIn ? Map.of("kubegpu.io/gpu-pod", "true") : Map.of()).annotations(Map.of("kubegpu.io/gpu", "1")))
                    .spec(new V1PodSpec().overhead(null).containers(List.of(new V1Container().name("main").image("registry.invalid/job:1"))));
            created.add(pool.submit(() -> cluster.api.createNamespacedPod(cluster.namespace, pod).execute()));
        }
        List<V1Pod> pods = new ArrayList<>();
        for (Future<V1Pod> f : created) {
            pods.add(f.get(10, TimeUnit.MINUTES));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> cpu = new java.util.LinkedHashMap<>();
        ProcessCpu.msPerPod(cpuBefore, ProcessCpu.sample(webhookPid), count)
                .forEach((process, ms) -> cpu.put(process.equals("extender") ? "webhook" : process, ms));
        cluster.forceDeleteAll(pods, pool);
        return new Round(seconds, cpu);
    }

    private static void write(List<Run> runs, int pods, int threads) throws Exception {
        Map<String, Object> json = Results.header();
        json.put("threads", threads);
        json.put("runs", runs);
        StringBuilder md = new StringBuilder("# Pod creation through the API server with and without the webhook\n\n");
        md.append("- date: ").append(Instant.now()).append('\n');
        md.append("- machine: ").append(Machine.describe()).append('\n');
        md.append("- command: java -cp perf/target/benchmarks.jar io.kubegpu.perf.WebhookThroughput --pods ").append(pods)
                .append(" --threads ").append(threads).append('\n');
        md.append("- kube-apiserver 1.20.2 and etcd on this machine; the webhook in its own JVM over HTTPS\n\n");
        double base = runs.stream().filter(r -> r.mode().equals(NO_WEBHOOK)).mapToDouble(Run::podsPerSecond).average().orElse(Double.NaN);
        double with = runs.stream().filter(r -> r.mode().equals(WITH_WEBHOOK)).mapToDouble(Run::podsPerSecond).average().orElse(Double.NaN);
        json.put("meanPodsPerSecondWithout", base);
        json.put("meanPodsPerSecondWith", with);
        md.append("| mode | pods | seconds | pods/s | vs no webhook (mean) | CPU ms per pod |\n|---|---|---|---|---|---|\n");
        for (Run run : runs) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.1f | %.0f %% | %s |%n", run.mode(), run.pods(), run.seconds(),
                    run.podsPerSecond(), 100 * run.podsPerSecond() / base, cpuText(run.cpuMsPerPod())));
        }
        md.append(String.format(Locale.ROOT, "%nMeans of %d alternating runs: %.1f pods/s without, %.1f with: **%.0f %%** (target ≥ 85 %%).%n",
                ROUNDS, base, with, 100 * with / base));
        Results.write("webhook-e2e", json, md.toString());
    }

    private static String cpuText(Map<String, Double> cpu) {
        StringBuilder out = new StringBuilder();
        cpu.forEach((process, ms) -> out.append(out.length() == 0 ? "" : ", ").append(process).append(' ')
                .append(String.format(Locale.ROOT, "%.2f", ms)));
        return out.toString();
    }
}
