package io.kubegpu.app.server;

import io.kubegpu.cluster.manifest.ManifestLoader;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.NodeMapper;
import io.kubegpu.cluster.model.PodMapper;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.extender.bind.BindGate;
import io.kubegpu.extender.bind.GpuAllocator;
import io.kubegpu.extender.bind.InMemoryBinder;
import io.kubegpu.extender.bind.PodCache;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.LiveLoad;
import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.WorkloadProfile;
import io.kubegpu.extender.http.ExtenderRoutes;
import io.kubegpu.extender.service.ExplainStore;
import io.kubegpu.extender.service.ExtenderMetrics;
import io.kubegpu.extender.service.ExtenderService;
import io.kubegpu.extender.service.NoFitReply;
import io.kubegpu.extender.wire.ExtenderCodec;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequestParser;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles the extender's request path before it reports ready. A JVM interprets a method until it has run some
 * thousands of times; measured on the scheduler harness, a fresh extender spent more CPU in the JIT compiler than in
 * answering during its first 1,000 pods, and kube-scheduler waited on it. Every failover of a two-replica scheduler
 * would start that way. So the extender first answers {@code calls} synthetic filter, prioritize and bind requests —
 * the same Vert.x listener, routes, codec, decisions and allocator as the real ones, on a private loopback port of a
 * Vert.x and a metrics registry of its own, over a synthetic cluster of its own — and only then says ready. The real
 * cluster state and metrics are never touched: the synthetic pods are placed on, and removed from, the synthetic state.
 * Around the calls it plays the API server's pod watch ({@link WarmUpWatch}) and opens TLS records as the watch's
 * connection does ({@link TlsRecordWarmUp}).
 *
 * <p>kube-scheduler is not made to wait: the real verbs answer from the start (they wait only for the cluster state
 * to sync), and the warm-up runs on its own thread; it only holds back {@code /readyz}.
 */
final class ExtenderWarmUp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExtenderWarmUp.class);
    /** Nodes of the synthetic cluster, and candidates per call: kube-scheduler sends about 230 at 500 nodes. */
    private static final int NODES = 256;
    private static final int CANDIDATES = 230;
    /** Distinct candidate lists (kube-scheduler sends the nodes in a different order each time). */
    private static final int CANDIDATE_SETS = 32;
    /**
     * Synthetic pods alive at once: a pod is deleted this many pods after it was created. About 480 GPUs of the 2,048,
     * so nodes are in every state from empty to full-ish, as a real cluster's are.
     */
    private static final int LIVE = 400;
    /** TLS records the watch's decryption is warmed with: C2 compiled it after about 5,000 (0.3 s). */
    private static final int TLS_RECORDS = 10_000;
    private static final String BOUND = "{\"Error\":\"\"}";
    private static final Pattern CHOSEN = Pattern.compile("\"NodeNames\":\\[\"([^\"]+)\"");

    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile String outcome = "";

    private ExtenderWarmUp() {
    }

    /** A warm-up that has nothing to do: ready at once. */
    static ExtenderWarmUp none() {
        ExtenderWarmUp warmUp = new ExtenderWarmUp();
        warmUp.done.set(true);
        return warmUp;
    }

    /** Whether the warm-up has finished (or given up: a failed warm-up costs speed, never availability). */
    boolean done() {
        return done.get();
    }

    /** Stops a warm-up still running (the server is stopping, or its start failed). */
    @Override
    public void close() {
        stopped.set(true);
    }

    /** What the warm-up did, for the log and tests; empty until it is done. */
    String outcome() {
        return outcome;
    }

    /**
     * Starts the warm-up on its own thread: {@code calls} synthetic calls, or fewer if {@code budget} runs out first.
     * The stack under test mirrors the real one's settings (policy, filter mode, grammar, catalog, and the no-fit reply
     * as resolved for the cluster's kube-scheduler: a warm-up on another reply compiled the filter for the branch the real
     * calls never take, and the first real call threw that code away, JFR's deoptimization at the reply's check).
     */
    static ExtenderWarmUp start(ServerSettings.ExtenderRole role, ClusterConfig cluster, GpuRequestParser parser,
                                NoFitReply noFit, int calls, Duration budget) {
        if (calls <= 0) {
            return none();
        }
        ExtenderWarmUp warmUp = new ExtenderWarmUp();
        Thread thread = new Thread(() -> warmUp.run(role, cluster, parser, noFit, calls, budget), "extender-warm-up");
        thread.setDaemon(true);
        // Below the request threads: on a small node the real calls and the informers come first.
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
        return warmUp;
    }

    private void run(ServerSettings.ExtenderRole role, ClusterConfig cluster, GpuRequestParser parser, NoFitReply noFit,
                     int calls, Duration budget) {
        long started = System.nanoTime();
        // A registry of its own (never the served one: synthetic calls and decisions must not show in /metrics), of the
        // served one's kind, and a Vert.x of its own reporting to it: on the served Vert.x the synthetic calls were counted
        // in the served vertx_http_server_requests_total. Same classes, so the same code is compiled.
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Vertx vertx = null;
        // Counted as the calls are answered, so that a warm-up failing partway says how far it got.
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger binds = new AtomicInteger();
        try {
            vertx = Server.vertxReportingTo(registry, "extender-warm-up");
            Clock clock = Clock.systemUTC();
            ClusterState state = new ClusterState(clock);
            new ManifestLoader(cluster).load(new StringReader(manifest()), "the warm-up's synthetic cluster", state);
            DemandReader demands = new DemandReader(parser, cluster);
            WorkloadProfile profile = new WorkloadProfile(cluster.vendors().all());
            GpuFit fit = new GpuFit(new MemoryGuard(cluster.catalog()), cluster.vendors().all(), role.policy(), profile,
                    cluster.gpushare().memoryUnitMiB());
            profile.refresh(state.snapshot());
            ExtenderMetrics metrics = new ExtenderMetrics(registry);
            ExplainStore explanations = new ExplainStore();
            NodeScorer scorer = new NodeScorer(role.policy(), LiveLoad.NONE, role.liveWeight(), cluster.vendors().all(), profile);
            ExtenderService service = new ExtenderService(state, new NodeMapper(cluster), demands, fit, scorer, explanations, metrics,
                    role.filterMode(), clock, noFit);
            PodCache pods = new PodCache();
            GpuAllocator allocator = new GpuAllocator(state, fit, ExtenderService.ASSUMED_FOR, clock);
            InMemoryBinder binder = new InMemoryBinder(state, allocator, demands, pods, new BindGate(java.util.Set.of("default-scheduler")));
            Router router = Router.router(vertx);
            new ExtenderRoutes(vertx, service, new ExtenderCodec(), binder, pods, explanations, metrics)
                    .mount(router, "", role.bodyLimitBytes(), () -> true);
            AtomicInteger accepted = new AtomicInteger();
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)).requestHandler(router)
                    .connectionHandler(connection -> accepted.incrementAndGet()).listen()
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            HttpClientAgent bindClient = vertx.createHttpClient();
            drive(server.actualPort(), bindClient, state, new WarmUpWatch(state, new PodMapper(cluster)), calls,
                    started + budget.toNanos(), stopped, answered, binds);
            long opened = TlsRecordWarmUp.open(TLS_RECORDS);
            outcome = String.format(Locale.ROOT, "%d synthetic calls (%d binds) on %d connections and %d TLS records (%d MiB) in %.1f s",
                    answered.get(), binds.get(), accepted.get(), TLS_RECORDS, opened >> 20, (System.nanoTime() - started) / 1e9);
            LOG.info("extender warmed up: {}", outcome);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "interrupted after " + answered.get() + " calls";
        } catch (Exception | LinkageError e) {
            // Only speed is lost: the real verbs never depended on this.
            outcome = "failed after " + answered.get() + " calls: " + e;
            LOG.warn("extender warm-up {}; serving anyway", outcome, e);
        } finally {
            if (vertx != null) {
                // Its listener, event loops and bind pool with it.
                vertx.close();
            }
            done.set(true);
        }
    }

    /**
     * Sends the calls, as kube-scheduler does, until {@code calls} or the deadline, and plays the API server's part around
     * them: each synthetic pod is created (a watch event), filtered, bound (by us for a share), shown bound by the watch,
     * and deleted {@link #LIVE} pods later, so the synthetic cluster is partly full, as a real one is, and never fills.
     * Filters and prioritizes share one HTTP/1.1 connection (kube-scheduler sends them one at a time); each bind opens a
     * connection of its own, which the client closes after the reply (see {@link #bindShare}). {@code answered} and
     * {@code binds} count the calls answered and the binds among them as they go.
     */
    private static void drive(int port, HttpClientAgent bindClient, ClusterState state, WarmUpWatch watch, int calls, long deadline,
                              AtomicBoolean stopped, AtomicInteger answered, AtomicInteger binds) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI filter = URI.create("http://127.0.0.1:" + port + "/filter");
        URI prioritize = URI.create("http://127.0.0.1:" + port + "/prioritize");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            names.add(nodeName(i));
        }
        Random random = new Random(1);
        List<String> candidates = new ArrayList<>();
        for (int i = 0; i < CANDIDATE_SETS; i++) {
            Collections.shuffle(names, random);
            candidates.add(jsonList(names.subList(0, CANDIDATES)));
        }
        String[] placed = new String[LIVE];
        int index = 0;
        while (answered.get() < calls && System.nanoTime() < deadline && !stopped.get()) {
            if (index >= LIVE) {
                watch.deleted(index - LIVE, placed[index % LIVE]);
            }
            String pending = watch.added(index);
            String body = "{\"Pod\":" + pending + ",\"Nodes\":null,\"NodeNames\":" + candidates.get(index % CANDIDATE_SETS) + "}";
            String reply = post(http, filter, body);
            answered.incrementAndGet();
            if (index % 8 == 0) {
                post(http, prioritize, body);
                answered.incrementAndGet();
            }
            Matcher chosen = CHOSEN.matcher(reply);
            String node = chosen.find() ? chosen.group(1) : null;
            if ((node == null) != WarmUpWatch.fitsNowhere(index)) {
                // The synthetic cluster always has room for the others: otherwise the warm-up is not exercising the path it should.
                throw new IllegalStateException("the synthetic filter answered " + abbreviated(reply) + " for " + WarmUpWatch.name(index));
            }
            if (node != null) {
                List<GpuSlice> slices = List.of();
                if (WarmUpWatch.isShare(index)) {
                    slices = bindShare(bindClient, port, state, index, node);
                    answered.incrementAndGet();
                    binds.incrementAndGet();
                }
                watch.bound(index, node, slices);
            }
            // A pod that fits nowhere stays pending, as in a real queue, until it is deleted.
            placed[index % LIVE] = node;
            index++;
        }
    }

    /**
     * Binds a share through the route, on a connection of its own that the client closes after the reply, as
     * kube-scheduler's Go client does with every bind beyond the two idle connections it keeps per extender: binds are
     * many at once, so nearly every share cost the extender an accepted, set-up and torn-down connection (about 1,355
     * connections for 2,000 shares, counted with {@code ss}). Over one kept-alive connection the warm-up never ran that
     * code, and the JIT compiler was still compiling it after 6,000 real shares. Returns the card the bind chose, as
     * the assignment annotations the watch then shows carry it.
     */
    private static List<GpuSlice> bindShare(HttpClientAgent client, int port, ClusterState state, int index, String node) throws Exception {
        String body = "{\"PodName\":\"" + WarmUpWatch.name(index) + "\",\"PodNamespace\":\"warm-up\",\"PodUID\":\""
                + WarmUpWatch.uid(index) + "\",\"Node\":\"" + node + "\"}";
        String bound = client.connect(new HttpConnectOptions().setHost("127.0.0.1").setPort(port)).compose(connection -> connection
                        .request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/bind").putHeader("Content-Type", "application/json"))
                        .compose(request -> request.send(body))
                        // As post() says of the other calls: the status and what the route answered.
                        .compose(response -> response.body().compose(reply -> response.statusCode() == 200
                                ? Future.succeededFuture(reply.toString())
                                : Future.failedFuture("/bind answered " + response.statusCode() + ": " + reply)))
                        .eventually(connection::close))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (!bound.equals(BOUND)) {
            throw new IllegalStateException("the synthetic bind failed: " + bound);
        }
        // The embedded binder records the pod bound at once.
        GpuPod recorded = state.pod(WarmUpWatch.uid(index));
        if (recorded == null) {
            throw new IllegalStateException("the synthetic bind recorded no pod");
        }
        return recorded.slices();
    }

    private static String post(HttpClient http, URI uri, String body) throws Exception {
        HttpResponse<String> reply = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() != 200) {
            throw new IllegalStateException(uri.getPath() + " answered " + reply.statusCode() + ": " + reply.body());
        }
        return reply.body();
    }

    /** A reply cut to its first 500 characters: a filter's reply names every candidate, and the outcome is logged. */
    private static String abbreviated(String reply) {
        return reply.length() <= 500 ? reply : reply.substring(0, 500) + "… (" + reply.length() + " characters)";
    }

    private static String nodeName(int index) {
        return String.format(Locale.ROOT, "warm-up-%03d", index);
    }

    /** Half A100 80GB, half V100 32GB, eight GPUs each, with gpushare's memory resource. */
    private static String manifest() {
        StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: List\nitems:\n");
        for (int i = 0; i < NODES; i++) {
            boolean a100 = i % 2 == 0;
            yaml.append(String.format(Locale.ROOT, """
                - apiVersion: v1
                  kind: Node
                  metadata:
                    name: %s
                    labels: {nvidia.com/gpu.product: %s}
                  status:
                    allocatable: {cpu: "96", memory: 1Ti, pods: "110", nvidia.com/gpu: "8", aliyun.com/gpu-mem: "%d", aliyun.com/gpu-count: "8"}
                    conditions: [{type: Ready, status: "True"}]
                """, nodeName(i), a100 ? "NVIDIA-A100-SXM4-80GB" : "Tesla-V100-SXM2-32GB", a100 ? 640 : 256));
        }
        return yaml.toString();
    }

    private static String jsonList(List<String> values) {
        StringBuilder out = new StringBuilder("[");
        for (String value : values) {
            out.append(out.length() == 1 ? "" : ",").append('"').append(value).append('"');
        }
        return out.append(']').toString();
    }
}
