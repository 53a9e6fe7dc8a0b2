package io.kubegpu.perf;

import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.TestCluster;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.custom.Quantity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kube-scheduler's own throughput on the real control plane of the integration tier, in one run: N GPU nodes
 * created through the API, then M one-GPU pods scheduled once per mode — with no extender (first and last), with
 * a do-nothing extender ({@code floor}: what any HTTP extender costs), with ours as shipped (names only), with ours
 * receiving full Node objects, and with the earlier single-entry configuration ({@code names-all}). Pods are created while the scheduler is
 * stopped; the rate is read from kube-scheduler's {@code scheduler_schedule_attempts_total{result="scheduled"}}
 * between the first and the last scheduled pod. Writes {@code perf/results/scheduler-e2e.{json,md}}.
 *
 * <p>Usage: {@code java [-Dperf.jfr=DIR] -cp perf/target/benchmarks.jar io.kubegpu.perf.SchedulerThroughput [--nodes 500]
 * [--pods 1000] [--modes none,names,...]}; {@code -Dperf.jfr} records a Flight Recorder profile of each extender process.
 */
public final class SchedulerThroughput {
    private static final Pattern SCHEDULED = Pattern.compile("(?m)^scheduler_schedule_attempts_total\\{[^}]*result=\"scheduled\"[^}]*} ([0-9.e+]+)");
    private static final String METRICS = "127.0.0.1:10355";

    /**
     * @param algorithmMs       kube-scheduler's scheduling algorithm time per pod (filter, extenders, scoring): the
     *                          sequential part, whose inverse bounds the throughput
     * @param extenderMsPerCall per verb, the extender's own time per call during this run (its histogram's delta)
     */
    private record Run(String mode, int pods, double seconds, double podsPerSecond, double msPerPod, double algorithmMs,
                       Map<String, Double> extenderMsPerCall) {
    }

    private SchedulerThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = HttpBenchmark.intArg(args, "--nodes", 500);
        int pods = HttpBenchmark.intArg(args, "--pods", 1000);
        Path kubeconfig = ControlPlane.kubeconfig();
        List<Run> runs = new ArrayList<>();
        try (TestCluster cluster = new TestCluster(ControlPlane.client())) {
            String runLabel = "kubegpu.io/perf-run";
            ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
                Thread thread = new Thread(r, "perf-api");
                thread.setDaemon(true);
                return thread;
            });
            try {
                List<Future<String>> created = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    int index = i;
                    created.add(pool.submit(() -> cluster.createNode(String.format(Locale.ROOT, "perf-%04d", index),
                            Map.of(runLabel, cluster.suffix, "nvidia.com/gpu.product", index % 2 == 0 ? "NVIDIA-A100-SXM4-80GB" : "Tesla-V100-SXM2-32GB"),
                            Map.of("nvidia.com/gpu", "8", "cpu", "96", "memory", "1Ti"))));
                }
                for (Future<String> f : created) {
                    f.get(10, TimeUnit.MINUTES);
                }
                // The extender runs as it does in production: its own JVM (the executable jar), not inside this harness,
                // whose pod creation and JIT would otherwise compete with it. One process at a time, started with the
                // mode's options; a JVM compiles our hot paths during its first thousands of requests (measured: 300 calls
                // in, a filter still took three times its settled time), and a long-running extender is past that, so
                // each extender mode first schedules as many pods unmeasured.
                ExtenderProcess extender = null;
                String running = null;
                try {
                    for (String mode : modes(args)) {
                        String kind = extenderKind(mode);
                        if (!java.util.Objects.equals(kind, running)) {
                            if (extender != null) {
                                extender.close();
                                extender = null;
                            }
                            if (kind != null) {
                                extender = kind.equals("floor") ? ExtenderProcess.floor()
                                        : ExtenderProcess.start(kubeconfig, "--filter-returns", kind);
                            }
                            running = kind;
                        }
                        int port = extender == null ? -1 : extender.port();
                        if (extender != null) {
                            run(mode, cluster, pool, pods, kubeconfig, port);
                        }
                        runs.add(run(mode, cluster, pool, pods, kubeconfig, port));
                        System.out.printf(Locale.ROOT, "%s: %.1f pods/s%n", mode, runs.get(runs.size() - 1).podsPerSecond());
                    }
                } finally {
                    if (extender != null) {
                        extender.close();
                    }
                }
            } finally {
                ControlPlane.stopScheduler();
                pool.shutdown();
                cluster.api.deleteCollectionNode().labelSelector(runLabel + "=" + cluster.suffix).execute();
            }
        }
        write(runs, nodes, pods);
        System.exit(0);
    }

    private static Run run(String mode, TestCluster cluster, ExecutorService pool, int count, Path kubeconfig, int extenderPort)
            throws Exception {
        ControlPlane.stopScheduler();
        List<Future<V1Pod>> created = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = String.format(Locale.ROOT, "%s-%04d", mode, i);
            created.add(pool.submit(() -> cluster.api.createNamespacedPod(cluster.namespace, gpuPod(cluster, name)).execute()));
        }
        List<V1Pod> all = new ArrayList<>();
        for (Future<V1Pod> f : created) {
            all.add(f.get(10, TimeUnit.MINUTES));
        }
        Path config = Files.createTempFile("scheduler-" + mode, ".yaml");
        Files.writeString(config, schedulerConfig(mode, kubeconfig, extenderPort));
        System.out.println(Instant.now() + " scheduling " + mode);
        Map<String, double[]> before = extenderTotals(extenderPort);
        ControlPlane.startScheduler(config);
        HttpClient http = HttpClient.newHttpClient();
        long first = 0;
        long last = 0;
        double scheduled = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (scheduled < count && System.nanoTime() < deadline) {
            double now = scheduledSoFar(http);
            long at = System.nanoTime();
            if (now > 0 && first == 0) {
                first = at;
            }
            if (now > scheduled) {
                last = at;
                scheduled = now;
            }
            // Polling costs CPU on a 2-core machine that kube-scheduler needs: a few times a second is enough.
            Thread.sleep(100);
        }
        Map<String, Double> phases = schedulerPhases(http);
        Map<String, Double> extenderMs = new java.util.TreeMap<>();
        extenderTotals(extenderPort).forEach((verb, total) -> {
            double[] earlier = before.getOrDefault(verb, new double[2]);
            if (total[1] > earlier[1]) {
                extenderMs.put(verb, 1000 * (total[0] - earlier[0]) / (total[1] - earlier[1]));
            }
        });
        System.out.println(mode + " kube-scheduler ms per pod: " + phases + "; in the extender, ms per call: " + extenderMs);
        ControlPlane.stopScheduler();
        cluster.forceDeleteAll(all, pool);
        if (scheduled < count) {
            throw new IllegalStateException(mode + ": only " + scheduled + " of " + count + " pods were scheduled in 10 minutes");
        }
        // The first sample already counts pods scheduled before it: measure the rest against the time they took.
        double seconds = (last - first) / 1e9;
        double rate = (count - 1) / Math.max(seconds, 1e-3);
        return new Run(mode, count, seconds, rate, 1000 / rate, phases.getOrDefault("scheduling_algorithm_duration_seconds", Double.NaN),
                extenderMs);
    }

    private static List<String> modes(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--modes")) {
                return List.of(args[i + 1].split(","));
            }
        }
        // No extender first and last: this shared 2-core machine drifts, and the baseline is their mean.
        return List.of("none", "floor", "names", "full", "names-all", "none");
    }

    /** Which extender a mode runs: ours with this --filter-returns, {@code floor} (the do-nothing one), or null for none. */
    static String extenderKind(String mode) {
        return mode.equals("none") ? null : mode.equals("floor") ? "floor" : mode.contains("-all") ? "all" : "best";
    }

    /** Per verb, the extender's histogram sum (seconds) and count so far; empty without an extender. */
    static Map<String, double[]> extenderTotals(int port) {
        Map<String, double[]> out = new java.util.TreeMap<>();
        if (port < 0) {
            return out;
        }
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String verb : List.of("filter", "prioritize", "bind")) {
                Matcher sum = Pattern.compile("kubegpu_extender_request_duration_seconds_sum\\{verb=\"" + verb + "\"} ([0-9.eE+-]+)").matcher(body);
                Matcher count = Pattern.compile("kubegpu_extender_request_duration_seconds_count\\{verb=\"" + verb + "\"} ([0-9.eE+-]+)").matcher(body);
                if (sum.find() && count.find()) {
                    out.put(verb, new double[] {Double.parseDouble(sum.group(1)), Double.parseDouble(count.group(1))});
                }
            }
        } catch (Exception e) {
            System.out.println("extender metrics unavailable: " + e.getMessage());
        }
        return out;
    }

    /** Mean milliseconds per pod of kube-scheduler's own phase histograms (a fresh scheduler per run). */
    private static Map<String, Double> schedulerPhases(HttpClient http) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://" + METRICS + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String name : List.of("scheduler_scheduling_algorithm_duration_seconds", "scheduler_e2e_scheduling_duration_seconds",
                    "scheduler_binding_duration_seconds", "scheduler_scheduling_algorithm_predicate_evaluation_seconds",
                    "scheduler_scheduling_algorithm_priority_evaluation_seconds")) {
                double sum = 0;
                double count = 0;
                Matcher m = Pattern.compile("(?m)^" + name + "_(sum|count)(\\{[^}]*})? ([0-9.eE+-]+)").matcher(body);
                while (m.find()) {
                    if (m.group(1).equals("sum")) {
                        sum += Double.parseDouble(m.group(3));
                    } else {
                        count += Double.parseDouble(m.group(3));
                    }
                }
                if (count > 0) {
                    out.put(name.replace("scheduler_", ""), Math.round(1e5 * sum / count) / 100.0);
                }
            }
        } catch (Exception e) {
            System.out.println("kube-scheduler metrics unavailable: " + e.getMessage());
        }
        return out;
    }

    private static double scheduledSoFar(HttpClient http) {
        try {
            // Read the scheduler's metrics line by line and parse only the attempts counter.
            var lines = http.send(HttpRequest.newBuilder(URI.create("http://" + METRICS + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofLines()).body();
            return lines.filter(l -> l.startsWith("scheduler_schedule_attempts_total{")).map(SCHEDULED::matcher).filter(Matcher::find)
                    .mapToDouble(m -> Double.parseDouble(m.group(1))).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    private static V1Pod gpuPod(TestCluster cluster, String name) {
        return new V1Pod().metadata(new V1ObjectMeta().name(name).namespace(cluster.namespace).annotations(Map.of("kubegpu.io/gpu", "1")))
                .spec(new V1PodSpec().overhead(null).containers(List.of(new V1Container().name("main").image("registry.invalid/train:1")
                        .resources(new V1ResourceRequirements().limits(Map.of("nvidia.com/gpu", new Quantity("1"),
                                "cpu", new Quantity("1"), "memory", new Quantity("1Gi")))))));
    }

    /**
     * kube-scheduler's configuration per mode, for a process outside the cluster: {@code none} (no extender),
     * {@code names} (the shipped v1beta1 file's extenders as they are: whole GPUs filtered by the extender, which
     * returns the best node, and bound by kube-scheduler), {@code full} (the same with full Node objects), and
     * {@code names-all}: the configuration before 0.1.0's last change, one entry that filters, prioritizes and binds
     * every GPU pod, with the extender returning every fitting node; {@code floor}: the shipped entries answered by
     * {@link io.kubegpu.perf.http.FloorExtender}, which returns the first candidate without deciding anything.
     */
    static String schedulerConfig(String mode, Path kubeconfig, int extenderPort) throws java.io.IOException {
        String extender;
        if (mode.equals("none")) {
            extender = "";
        } else if (mode.equals("names-all")) {
            extender = """
                extenders:
                - urlPrefix: http://127.0.0.1:%d
                  filterVerb: filter
                  prioritizeVerb: prioritize
                  bindVerb: bind
                  weight: 5
                  enableHTTPS: false
                  nodeCacheCapable: true
                  ignorable: false
                  httpTimeout: 5s
                  managedResources:
                  - name: nvidia.com/gpu
                    ignoredByScheduler: false
                  - name: aliyun.com/gpu-mem
                    ignoredByScheduler: false
                """.formatted(extenderPort);
        } else {
            String shipped = Files.readString(ControlPlane.repoPath("scheduler-config/kube-scheduler-v1beta1.yaml"));
            extender = shipped.substring(shipped.indexOf("\nextenders:") + 1).replace("http://127.0.0.1:8888", "http://127.0.0.1:" + extenderPort);
            if (mode.startsWith("full")) {
                extender = extender.replace("nodeCacheCapable: true", "nodeCacheCapable: false");
            }
        }
        return """
            apiVersion: kubescheduler.config.k8s.io/v1beta1
            kind: KubeSchedulerConfiguration
            clientConnection:
              kubeconfig: %s
              qps: 500
              burst: 1000
            leaderElection:
              leaderElect: false
            healthzBindAddress: %s
            metricsBindAddress: %s
            profiles:
            - schedulerName: default-scheduler
            """.formatted(kubeconfig, METRICS, METRICS) + extender;
    }

    private static void write(List<Run> runs, int nodes, int pods) throws Exception {
        Map<String, Object> json = Results.header();
        json.put("nodes", nodes);
        json.put("pods", pods);
        json.put("runs", runs);
        // The baseline: the mean of the no-extender runs (the default order runs one first and one last).
        double base = runs.stream().filter(r -> r.mode().equals("none")).mapToDouble(Run::podsPerSecond).average().orElse(Double.NaN);
        json.put("baselinePodsPerSecond", base);
        StringBuilder md = new StringBuilder("# kube-scheduler throughput with and without the extender\n\n");
        md.append("- date: ").append(Instant.now()).append('\n');
        md.append("- machine: ").append(Machine.describe()).append('\n');
        md.append("- command: java -cp perf/target/benchmarks.jar io.kubegpu.perf.SchedulerThroughput --nodes ").append(nodes)
                .append(" --pods ").append(pods).append('\n');
        md.append("- control plane: kube-apiserver and kube-scheduler 1.20.2 (scripts/control-plane), etcd, all on this machine, qps 500 / burst 1000\n");
        md.append(String.format(Locale.ROOT, "- baseline: %.1f pods/s, the mean of the no-extender runs%n%n", base));
        md.append("| mode | pods/s | ms per pod | vs no extender | extender cost per pod | kube-scheduler algorithm, ms per pod "
                + "| in the extender, ms per call |\n|---|---|---|---|---|---|---|\n");
        for (Run run : runs) {
            StringBuilder calls = new StringBuilder();
            run.extenderMsPerCall().forEach((verb, ms) -> calls.append(calls.isEmpty() ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s %.2f", verb, ms)));
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f | %.0f %% | %s | %.2f | %s |%n", run.mode(), run.podsPerSecond(),
                    run.msPerPod(), 100 * run.podsPerSecond() / base, run.mode().equals("none") ? "" : String.format(Locale.ROOT, "%.2f ms",
                            run.msPerPod() - 1000 / base), run.algorithmMs(), calls));
        }
        Results.write("scheduler-e2e", json, md.toString());
    }
}
