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
 * [--pods 1000] [--modes none,names,...] [--warm-up-runs 4]}; {@code -Dperf.jfr} records a Flight Recorder profile of each
 * extender process, {@code -Dperf.extenderJvm="OPTIONS"} passes JVM options to it.
 */
public final class SchedulerThroughput {
    private static final Pattern SCHEDULED = Pattern.compile("(?m)^scheduler_schedule_attempts_total\\{[^}]*result=\"scheduled\"[^}]*} ([0-9.e+]+)");
    private static final String METRICS = "127.0.0.1:10355";
    private static final String RUN_LABEL = "kubegpu.io/perf-run";
    /**
     * The harness's client for metrics and replayed calls: HTTP/1.1, as kube-scheduler calls (the JDK client's default
     * h2c upgrade once left a metrics request unanswered for minutes), and every request bounded in time.
     */
    private static final HttpClient HTTP = harnessClient();
    private static final java.time.Duration REQUEST_TIMEOUT = java.time.Duration.ofSeconds(30);

    /** With -Dperf.extenderTls=true it accepts the extender's self-signed certificate. */
    private static HttpClient harnessClient() {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(5));
        if (ExtenderProcess.TLS) {
            try {
                builder.sslContext(io.kubegpu.cluster.it.SelfSignedTls.trustAll());
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return builder.build();
    }

    /**
     * @param algorithmMs       kube-scheduler's scheduling algorithm time per pod (filter, extenders, scoring): the
     *                          sequential part, whose inverse bounds the throughput
     * @param extenderMsPerCall per verb, the extender's own time per call during this run (its histogram's delta)
     * @param cpuMsPerPod       per process (kube-apiserver, etcd, kube-scheduler, extender), CPU time per pod while
     *                          the scheduler ran: where the machine's two cores went
     * @param extenderThreadCpuMsPerPod the extender's CPU time per pod by thread group (request path, compiler,
     *                          collector, watches)
     * @param bindMs            bind latency percentiles, ms: our {@code bind} verb's (for the pods it binds) and
     *                          kube-scheduler's binding phase for every pod, and the API server's own handling of the
     *                          Binding writes (every binder's floor), each from its histogram's buckets
     */
    private record Run(String mode, int pods, double seconds, double podsPerSecond, double msPerPod, double algorithmMs,
                       Map<String, Double> extenderMsPerCall, Map<String, Double> cpuMsPerPod, Map<String, Double> extenderThreadCpuMsPerPod,
                       Map<String, Double> bindMs) {
    }

    private SchedulerThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = HttpBenchmark.intArg(args, "--nodes", 500);
        int pods = HttpBenchmark.intArg(args, "--pods", 1000);
        int warmUpRuns = HttpBenchmark.intArg(args, "--warm-up-runs", 4);
        Path kubeconfig = ControlPlane.kubeconfig();
        List<Run> runs = new ArrayList<>();
        try (TestCluster cluster = new TestCluster(ControlPlane.client())) {
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
                            Map.of(RUN_LABEL, cluster.suffix, "nvidia.com/gpu.product", index % 2 == 0 ? "NVIDIA-A100-SXM4-80GB" : "Tesla-V100-SXM2-32GB"),
                            Map.of("nvidia.com/gpu", "8", "cpu", "96", "memory", "1Ti",
                                    // gpushare's device plugin: GPU memory in GiB and the card count, for the share modes.
                                    "aliyun.com/gpu-mem", index % 2 == 0 ? "640" : "256", "aliyun.com/gpu-count", "8"))));
                }
                for (Future<String> f : created) {
                    f.get(10, TimeUnit.MINUTES);
                }
                // The extender runs as it does in production: its own JVM (the executable jar), not inside this harness,
                // whose pod creation and JIT would otherwise compete with it. One process at a time, started with the
                // mode's options. A JVM compiles its hot paths during its first thousands of requests and watch events, and
                // a long-running extender is past that; measured here (per-thread CPU from /proc), a fresh extender spent
                // 2.3 ms of compiler CPU per pod over its first 1,000 pods, 0.7 over its fourth, 0.1 or less from its
                // fifth on, when its whole cost fell to 0.55 ms per pod. So each extender mode first answers replayed
                // filter calls and schedules --warm-up-runs rounds of pods unmeasured, and its run then reports the
                // compiler's share, which says whether that was enough.
                ExtenderProcess extender = null;
                String running = null;
                // The modes the running extender has scheduled already (its warm-up rounds included).
                java.util.Set<String> seen = new java.util.HashSet<>();
                try {
                    for (String mode : modes(args)) {
                        String kind = extenderKind(mode);
                        boolean cold = isCold(mode);
                        boolean fresh = cold || !java.util.Objects.equals(kind, running);
                        if (fresh) {
                            if (extender != null) {
                                extender.close();
                                extender = null;
                            }
                            if (kind != null) {
                                // A cold mode measures the process as a restart or failover leaves it: started, ready, nothing
                                // replayed; "-nowarm" also turns its own warm-up off (the behaviour before --warm-up-calls).
                                extender = kind.equals("floor") ? ExtenderProcess.floor()
                                        : mode.endsWith("-nowarm") ? ExtenderProcess.start(kubeconfig, "--filter-returns", kind, "--warm-up-calls", "0")
                                        : ExtenderProcess.start(kubeconfig, "--filter-returns", kind);
                            }
                            running = cold ? null : kind;
                            seen.clear();
                        }
                        // Without an extender, one unmeasured round the first time: the first run after 500 nodes were
                        // created was measured up to 30 % slower than the later ones (kube-apiserver and etcd settling).
                        // A fresh extender gets --warm-up-runs rounds, and so does a warm one the first time it meets a mode
                        // (a share's bind path runs once per pod, not once per candidate node as the filter's per-node code
                        // does, so the JVM compiles it only after thousands of shares: with one round, the compiler took
                        // 1.4 ms of CPU per pod in the measured share runs); a mode it has run, one round; a cold mode none.
                        int rounds = cold ? 0 : extender == null ? (runs.isEmpty() ? 1 : 0) : seen.contains(mode) ? 1 : warmUpRuns;
                        seen.add(mode);
                        for (int round = 0; round < rounds; round++) {
                            run(mode, cluster, pool, pods, kubeconfig, extender, extender != null && fresh && round == 0);
                        }
                        runs.add(run(mode, cluster, pool, pods, kubeconfig, extender, false));
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
                cluster.api.deleteCollectionNode().labelSelector(RUN_LABEL + "=" + cluster.suffix).execute();
            }
        }
        write(runs, nodes, pods, args);
        System.exit(0);
    }

    /**
     * One mode's pods scheduled once. {@code replay}: first answer {@value #JIT_WARM_UP_CALLS} filter calls like
     * kube-scheduler's (the first unmeasured run of an extender), so the extender is measured as it runs in a
     * long-lived process, with its request path compiled.
     */
    private static Run run(String mode, TestCluster cluster, ExecutorService pool, int count, Path kubeconfig, ExtenderProcess extender,
                           boolean replay) throws Exception {
        int extenderPort = extender == null ? -1 : extender.port();
        ControlPlane.stopScheduler();
        List<Future<V1Pod>> created = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = String.format(Locale.ROOT, "%s-%04d", mode, i);
            V1Pod pod = podFor(mode, i, cluster, name);
            created.add(pool.submit(() -> cluster.api.createNamespacedPod(cluster.namespace, pod).execute()));
        }
        List<V1Pod> all = new ArrayList<>();
        for (Future<V1Pod> f : created) {
            all.add(f.get(10, TimeUnit.MINUTES));
        }
        if (replay) {
            replayFilters(extender.base(), cluster.api.getApiClient().getJSON().serialize(all.get(0)), nodeNames(cluster));
        }
        Path config = Files.createTempFile("scheduler-" + mode, ".yaml");
        Files.writeString(config, schedulerConfig(mode, kubeconfig, extenderPort));
        System.out.println(Instant.now() + " scheduling " + mode);
        String extenderBase = extender == null ? null : extender.base();
        Map<String, double[]> before = extenderTotals(extenderBase);
        java.util.NavigableMap<Double, Double> bindBefore = buckets(extenderBase, "kubegpu_extender_request_duration_seconds", "verb=\"bind\"");
        java.util.NavigableMap<Double, Double> apiServerBindBefore = apiServerBindings(cluster.api.getApiClient());
        long extenderPid = extender == null ? -1 : extender.pid();
        Map<String, java.time.Duration> cpuBefore = ProcessCpu.sample(extenderPid);
        Map<String, java.time.Duration> threadsBefore = ProcessCpu.threads(extenderPid);
        ControlPlane.startScheduler(config);
        long first = 0;
        long last = 0;
        double scheduled = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (scheduled < count && System.nanoTime() < deadline) {
            double now = scheduledSoFar(HTTP);
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
        Map<String, Double> cpu = ProcessCpu.msPerPod(cpuBefore, ProcessCpu.sample(extenderPid), count);
        Map<String, Double> extenderThreads = extender == null ? Map.of()
                : ProcessCpu.msPerPod(threadsBefore, ProcessCpu.threads(extenderPid), count);
        Map<String, Double> phases = schedulerPhases(HTTP);
        Map<String, Double> bindMs = new java.util.LinkedHashMap<>();
        var ourBinds = minus(buckets(extenderBase, "kubegpu_extender_request_duration_seconds", "verb=\"bind\""), bindBefore);
        var schedulerBinds = buckets("http://" + METRICS, "scheduler_binding_duration_seconds", "");
        var apiServerBinds = minus(apiServerBindings(cluster.api.getApiClient()), apiServerBindBefore);
        for (double q : new double[] {0.5, 0.99}) {
            String name = q == 0.5 ? "p50" : "p99";
            quantileMs(ourBinds, q).ifPresent(ms -> bindMs.put("extender bind " + name, ms));
            quantileMs(schedulerBinds, q).ifPresent(ms -> bindMs.put("kube-scheduler binding " + name, ms));
            quantileMs(apiServerBinds, q).ifPresent(ms -> bindMs.put("API server binding write " + name, ms));
        }
        Map<String, Double> extenderMs = new java.util.TreeMap<>();
        extenderTotals(extenderBase).forEach((verb, total) -> {
            double[] earlier = before.getOrDefault(verb, new double[2]);
            if (total[1] > earlier[1]) {
                extenderMs.put(verb, 1000 * (total[0] - earlier[0]) / (total[1] - earlier[1]));
            }
        });
        System.out.println(mode + " kube-scheduler ms per pod: " + phases + "; in the extender, ms per call: " + extenderMs
                + "; CPU ms per pod: " + cpu + "; extender threads, CPU ms per pod: " + extenderThreads + "; bind ms: " + bindMs);
        ControlPlane.stopScheduler();
        cluster.forceDeleteAll(all, pool);
        if (scheduled < count) {
            throw new IllegalStateException(mode + ": only " + scheduled + " of " + count + " pods were scheduled in 10 minutes");
        }
        // The first sample already counts pods scheduled before it: measure the rest against the time they took.
        double seconds = (last - first) / 1e9;
        double rate = (count - 1) / Math.max(seconds, 1e-3);
        return new Run(mode, count, seconds, rate, 1000 / rate, phases.getOrDefault("scheduling_algorithm_duration_seconds", Double.NaN),
                extenderMs, cpu, extenderThreads, bindMs);
    }

    /**
     * A Prometheus histogram's cumulative buckets (upper bound in seconds to count), summed over the series whose labels
     * contain {@code labels}; empty when {@code base} is null or unreachable.
     */
    static java.util.NavigableMap<Double, Double> buckets(String base, String histogram, String labels) {
        if (base == null) {
            return new java.util.TreeMap<>();
        }
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(REQUEST_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return parseBuckets(body, histogram, labels);
        } catch (Exception e) {
            System.out.println(histogram + " unavailable: " + e.getMessage());
            return new java.util.TreeMap<>();
        }
    }

    /**
     * The API server's own time to write a pod's Binding ({@code POST pods/binding}, from the call's arrival to its
     * reply): what any binder — kube-scheduler or our bind — waits for at least. Read through the harness's client,
     * which carries the admin token the API server's {@code /metrics} asks for.
     */
    static java.util.NavigableMap<Double, Double> apiServerBindings(io.kubernetes.client.openapi.ApiClient api) {
        try (okhttp3.Response reply = api.buildCall(api.getBasePath(), "/metrics", "GET", List.of(), List.of(), null,
                new java.util.HashMap<>(), new java.util.HashMap<>(), new java.util.HashMap<>(), new String[] {"BearerToken"}, null).execute()) {
            if (reply.code() != 200) {
                // An empty histogram would read as "no binds": say why there is none.
                System.out.println("apiserver_request_duration_seconds unavailable: GET /metrics answered HTTP " + reply.code()
                        + " (the harness's kubeconfig needs get on the nonResourceURL /metrics)");
                return new java.util.TreeMap<>();
            }
            return parseBuckets(reply.body().string(), "apiserver_request_duration_seconds",
                    "resource=\"pods\",scope=\"resource\",subresource=\"binding\",verb=\"POST\"");
        } catch (Exception e) {
            System.out.println("apiserver_request_duration_seconds unavailable: " + e.getMessage());
            return new java.util.TreeMap<>();
        }
    }

    /** The cumulative buckets of {@code histogram} in a Prometheus text exposition, over the series whose labels contain {@code labels}. */
    static java.util.NavigableMap<Double, Double> parseBuckets(String exposition, String histogram, String labels) {
        java.util.NavigableMap<Double, Double> out = new java.util.TreeMap<>();
        Matcher m = Pattern.compile("(?m)^" + histogram + "_bucket\\{([^}]*)} ([0-9.eE+-]+)").matcher(exposition);
        while (m.find()) {
            if (!m.group(1).contains(labels)) {
                continue;
            }
            Matcher le = LE.matcher(m.group(1));
            if (le.find()) {
                double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                out.merge(bound, Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return out;
    }

    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

    static java.util.NavigableMap<Double, Double> minus(java.util.NavigableMap<Double, Double> after, java.util.NavigableMap<Double, Double> before) {
        java.util.NavigableMap<Double, Double> out = new java.util.TreeMap<>();
        after.forEach((bound, count) -> out.put(bound, count - before.getOrDefault(bound, 0.0)));
        return out;
    }

    /**
     * The {@code q} quantile of cumulative buckets in ms, interpolated linearly inside its bucket as Prometheus's
     * {@code histogram_quantile} does; empty without observations, the highest finite bound when it falls in +Inf.
     */
    static java.util.OptionalDouble quantileMs(java.util.NavigableMap<Double, Double> cumulative, double q) {
        double total = cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
        if (total <= 0) {
            return java.util.OptionalDouble.empty();
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (var bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return java.util.OptionalDouble.of(1000 * lowerBound);
                }
                double width = bucket.getValue() - lowerCount;
                double fraction = width <= 0 ? 1 : (rank - lowerCount) / width;
                return java.util.OptionalDouble.of(Math.round(1e5 * (lowerBound + fraction * (bucket.getKey() - lowerBound))) / 100.0);
            }
            lowerBound = bucket.getKey();
            lowerCount = bucket.getValue();
        }
        return java.util.OptionalDouble.empty();
    }

    /**
     * Filter calls the extender answers before its unmeasured run. The JVM compiles a method with its optimizing
     * compiler after some thousands of calls (Tier4InvocationThreshold 5,000); measured with Flight Recorder, an
     * extender that had answered only one run's 1,000 calls still spent more CPU in the compiler than in requests.
     */
    private static final int JIT_WARM_UP_CALLS = 20_000;

    /**
     * Sends the extender {@value #JIT_WARM_UP_CALLS} names-only filter calls for {@code podJson} (a pod as the API
     * server stores it, which is what kube-scheduler sends), each with a random subset of the nodes of the size
     * kube-scheduler sends at this cluster size. Over HTTP/1.1, as kube-scheduler calls. Its hold on a node is
     * released when the pod is filtered for real.
     */
    private static void replayFilters(String base, String podJson, List<String> nodes) throws Exception {
        java.util.Random random = new java.util.Random(1);
        int candidates = Math.min(nodes.size(), Math.max(100, nodes.size() * Math.max(5, 50 - nodes.size() / 125) / 100));
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            List<String> shuffled = new ArrayList<>(nodes);
            java.util.Collections.shuffle(shuffled, random);
            StringBuilder names = new StringBuilder();
            for (String name : shuffled.subList(0, candidates)) {
                names.append(names.isEmpty() ? "" : ",").append('"').append(name).append('"');
            }
            bodies.add("{\"Pod\":" + podJson + ",\"Nodes\":null,\"NodeNames\":[" + names + "]}");
        }
        URI filter = URI.create(base + "/filter");
        for (int i = 0; i < JIT_WARM_UP_CALLS; i++) {
            HttpRequest request = HttpRequest.newBuilder(filter).timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i % bodies.size()))).build();
            HttpResponse<Void> reply;
            try {
                reply = HTTP.send(request, HttpResponse.BodyHandlers.discarding());
            } catch (java.io.IOException closed) {
                // The JDK client does not resend a POST when the pooled connection it picked turns out closed ("HTTP/1.1
                // header parser received no bytes", once in some thirty runs); a filter call is safe to send again.
                reply = HTTP.send(request, HttpResponse.BodyHandlers.discarding());
            }
            if (reply.statusCode() != 200) {
                throw new IllegalStateException("warm-up filter call answered " + reply.statusCode());
            }
        }
    }

    /** This run's nodes (label {@value #RUN_LABEL}). */
    private static List<String> nodeNames(TestCluster cluster) throws Exception {
        return cluster.api.listNode().labelSelector(RUN_LABEL + "=" + cluster.suffix).execute().getItems().stream()
                .map(node -> node.getMetadata().getName()).toList();
    }

    private static List<String> modes(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--modes")) {
                return List.of(args[i + 1].split(","));
            }
        }
        // No extender first, in the middle and last, and the shipped mode twice: this shared 2-core machine drifts by
        // 20-30 % within minutes, and each figure is the mean of its mode's runs.
        // The share modes and the cold starts (issue 24) between them; full and names-all are kept for --modes.
        return List.of("none", "floor", "names", "shares", "mix", "none", "names", "shares", "mix", "names-cold-nowarm", "names-cold", "none");
    }

    /** Which extender a mode runs: ours with this --filter-returns, {@code floor} (the do-nothing one), or null for none. */
    static String extenderKind(String mode) {
        return mode.equals("none") ? null : mode.equals("floor") ? "floor" : mode.contains("-all") ? "all" : "best";
    }

    /** A mode measured on a fresh extender with no unmeasured rounds: {@code names-cold}, {@code names-cold-nowarm}. */
    static boolean isCold(String mode) {
        return mode.contains("-cold");
    }

    /** Per verb, the extender's histogram sum (seconds) and count so far; empty without an extender ({@code base} null). */
    static Map<String, double[]> extenderTotals(String base) {
        Map<String, double[]> out = new java.util.TreeMap<>();
        if (base == null) {
            return out;
        }
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(REQUEST_TIMEOUT).build(),
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
            String body = http.send(HttpRequest.newBuilder(URI.create("http://" + METRICS + "/metrics")).timeout(REQUEST_TIMEOUT).build(),
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
            var lines = http.send(HttpRequest.newBuilder(URI.create("http://" + METRICS + "/metrics")).timeout(REQUEST_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofLines()).body();
            return lines.filter(l -> l.startsWith("scheduler_schedule_attempts_total{")).map(SCHEDULED::matcher).filter(Matcher::find)
                    .mapToDouble(m -> Double.parseDouble(m.group(1))).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    /** The shape a mode schedules: shares in {@code shares}, three in ten in {@code mix}, else one whole GPU. */
    static V1Pod podFor(String mode, int index, TestCluster cluster, String name) {
        String base = mode.replace("-nowarm", "").replace("-cold", "");
        boolean share = base.equals("shares") || base.equals("mix") && index % 10 % 3 == 2;
        return share ? SharePods.asTheWebhookLeavesIt(cluster.namespace, name, "8G,0.5") : gpuPod(cluster, name);
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
            if (ExtenderProcess.TLS && !mode.equals("floor")) {
                // No CA given: kube-scheduler then skips verifying the certificate (its makeTransport), fine on loopback.
                extender = extender.replace("http://127.0.0.1:", "https://127.0.0.1:").replace("enableHTTPS: false", "enableHTTPS: true");
            }
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

    private static void write(List<Run> runs, int nodes, int pods, String[] args) throws Exception {
        Map<String, Object> json = Results.header();
        json.put("nodes", nodes);
        json.put("pods", pods);
        json.put("runs", runs);
        // The baseline: the mean of the no-extender runs (the default order runs one first, one in the middle, one last).
        double base = runs.stream().filter(r -> r.mode().equals("none")).mapToDouble(Run::podsPerSecond).average().orElse(Double.NaN);
        json.put("baselinePodsPerSecond", Double.isNaN(base) ? null : base);
        StringBuilder md = new StringBuilder("# kube-scheduler throughput with and without the extender\n\n");
        md.append("- date: ").append(Instant.now()).append('\n');
        md.append("- machine: ").append(Machine.describe()).append('\n');
        md.append("- command: java -cp perf/target/benchmarks.jar io.kubegpu.perf.SchedulerThroughput ").append(String.join(" ", args))
                .append('\n');
        md.append("- control plane: kube-apiserver and kube-scheduler 1.20.2 (scripts/control-plane), etcd, all on this machine, qps 500 / burst 1000\n");
        md.append(String.format(Locale.ROOT, "- baseline: %.1f pods/s, the mean of the no-extender runs%n%n", base));
        md.append("| mode | pods/s | ms per pod | vs no extender | extender cost per pod | kube-scheduler algorithm, ms per pod "
                + "| in the extender, ms per call | bind latency, ms | CPU ms per pod |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Run run : runs) {
            StringBuilder calls = new StringBuilder();
            run.extenderMsPerCall().forEach((verb, ms) -> calls.append(calls.isEmpty() ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s %.2f", verb, ms)));
            StringBuilder cpu = new StringBuilder();
            run.cpuMsPerPod().forEach((process, ms) -> cpu.append(cpu.isEmpty() ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s %.2f", process, ms)));
            StringBuilder binds = new StringBuilder();
            run.bindMs().forEach((what, ms) -> binds.append(binds.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f", what, ms)));
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f | %.0f %% | %s | %.2f | %s | %s | %s |%n", run.mode(), run.podsPerSecond(),
                    run.msPerPod(), 100 * run.podsPerSecond() / base, run.mode().equals("none") ? "" : String.format(Locale.ROOT, "%.2f ms",
                            run.msPerPod() - 1000 / base), run.algorithmMs(), calls, binds, cpu));
        }
        md.append("\nPer mode, the mean of its runs:\n\n| mode | runs | pods/s | vs no extender |\n|---|---|---|---|\n");
        Map<String, List<Run>> byMode = new java.util.LinkedHashMap<>();
        runs.forEach(run -> byMode.computeIfAbsent(run.mode(), mode -> new ArrayList<>()).add(run));
        Map<String, Double> meanByMode = new java.util.LinkedHashMap<>();
        byMode.forEach((mode, list) -> {
            double mean = list.stream().mapToDouble(Run::podsPerSecond).average().orElse(Double.NaN);
            meanByMode.put(mode, mean);
            md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.0f %% |%n", mode, list.size(), mean, 100 * mean / base));
        });
        json.put("meanPodsPerSecondByMode", meanByMode);
        // The ratios the targets are stated in (issue 24), each against the same run's figures.
        md.append("\nAgainst the targets:\n\n| ratio | value | target |\n|---|---|---|\n");
        ratio(md, meanByMode, "names", "none", "names vs no extender", 0.80);
        ratio(md, meanByMode, "shares", "names", "shares (our bind) vs whole-GPU names", 0.80);
        ratio(md, meanByMode, "mix", "names", "70/30 mix vs whole-GPU names", 0.80);
        ratio(md, meanByMode, "names-cold", "names", "first pods after a start, with the warm-up, vs warmed", 0.70);
        ratio(md, meanByMode, "names-cold-nowarm", "names", "first pods after a start, no warm-up, vs warmed", 0.70);
        md.append("\nWhere the extender's own CPU went, ms per pod, by thread (from /proc while the scheduler ran):\n\n"
                + "| mode | requests (event loop) | JIT compiler | garbage collector | cluster watches | other |\n|---|---|---|---|---|---|\n");
        for (Run run : runs) {
            if (run.extenderThreadCpuMsPerPod().isEmpty()) {
                continue;
            }
            Map<String, Double> groups = threadGroups(run.extenderThreadCpuMsPerPod());
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f |%n", run.mode(), groups.get("requests"),
                    groups.get("compiler"), groups.get("gc"), groups.get("watches"), groups.get("other")));
        }
        // The 500-node run is the reference; other sizes (the 5,000-node run) get their own files.
        Results.write(nodes == 500 ? "scheduler-e2e" : "scheduler-e2e-" + nodes, json, md.toString());
    }

    private static void ratio(StringBuilder md, Map<String, Double> meanByMode, String mode, String against, String what, double target) {
        Double value = meanByMode.get(mode);
        Double base = meanByMode.get(against);
        if (value != null && base != null && base > 0) {
            md.append(String.format(Locale.ROOT, "| %s | %.0f %% | ≥ %.0f %%%s |%n", what, 100 * value / base, 100 * target,
                    value / base >= target ? "" : " (missed)"));
        }
    }

    /** Thread groups of a JVM, summed: request path, JIT compiler, collector, cluster watches (client-java, OkHttp), other. */
    static Map<String, Double> threadGroups(Map<String, Double> byThread) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (String group : List.of("requests", "compiler", "gc", "watches", "other")) {
            out.put(group, 0.0);
        }
        byThread.forEach((thread, ms) -> {
            if (thread.equals("total")) {
                return;
            }
            String group = thread.startsWith("vert.x-eventloo") || thread.startsWith("vert.x-worker") ? "requests"
                    : thread.startsWith("C1 Compiler") || thread.startsWith("C2 Compiler") ? "compiler"
                    : thread.startsWith("GC Thread") || thread.startsWith("G1 ") || thread.equals("VM Thread") ? "gc"
                    : thread.startsWith("OkHttp") || thread.startsWith("controller-refl") || thread.startsWith("informer-contro")
                    || thread.startsWith("pool-") ? "watches" : "other";
            out.merge(group, ms, Double::sum);
        });
        return out;
    }
}
