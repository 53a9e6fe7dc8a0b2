package io.kubegpu.app.server;

import io.kubegpu.app.server.ServerSettings.ClusterSource;
import io.kubegpu.app.server.ServerSettings.Endpoint;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.watch.KubeClients;
import io.kubegpu.cluster.watch.KubeClusterWatcher;
import io.kubegpu.cluster.model.NodeMapper;
import io.kubegpu.cluster.manifest.ManifestLoader;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.PendingPods;
import io.kubegpu.console.http.Console;
import io.kubegpu.console.http.ConsoleSources;
import io.kubegpu.console.view.DecisionLookup;
import io.kubegpu.console.view.QuotaSource;
import io.kubegpu.console.view.ViewConfig;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.bind.ApiBinder;
import io.kubegpu.extender.bind.BindGate;
import io.kubegpu.extender.bind.Binder;
import io.kubegpu.extender.bind.GpuAllocator;
import io.kubegpu.extender.bind.InMemoryBinder;
import io.kubegpu.extender.bind.PodCache;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.LiveLoad;
import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.WorkloadProfile;
import io.kubegpu.extender.service.ClusterGpuMetrics;
import io.kubegpu.extender.service.ExplainStore;
import io.kubegpu.extender.service.ExtenderMetrics;
import io.kubegpu.extender.http.ExtenderRoutes;
import io.kubegpu.extender.service.ExtenderService;
import io.kubegpu.extender.service.NoFitReply;
import io.kubegpu.extender.wire.ExtenderCodec;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.scorer.Scorer;
import io.kubegpu.scorer.run.SyntheticSource;
import io.kubernetes.client.openapi.ApiClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.TimeoutHandler;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code serve} process: the cluster state (informers, manifests or the built-in sample), and the roles its
 * settings turn on — the scheduler extender, the admission webhook, the utilization scorer — each on its listener,
 * with health, readiness and Prometheus metrics. Everything it starts is recorded in {@link Resources}: a start that
 * fails closes what it had started and throws, and {@link #close()} stops the same things in reverse order.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);
    /** How long a start waits for the API server to answer before giving up: a pod that cannot start should crash. */
    static final Duration API_CHECK_TIMEOUT = Duration.ofSeconds(10);
    /** A request not answered by then gets a 503 (kube-scheduler gives up after its httpTimeout, 5 s by default, anyway). */
    static final long REQUEST_TIMEOUT_MS = 30_000;
    /** A connection with no bytes either way for this long is closed: slow or stuck clients cannot pile up. */
    static final int IDLE_TIMEOUT_SECONDS = 60;
    /** HTTP/2 streams one client may have open on the verbs' HTTPS listener: above kube-scheduler's binds in flight. */
    static final long MAX_STREAMS = 1_000;
    /** The webhook's largest AdmissionReview: a Pod is at most ~1.5 MiB in etcd. */
    static final long WEBHOOK_BODY_LIMIT = 4L << 20;
    /** The scorer's largest body: POST /config/update takes a few numbers. */
    static final long SCORER_BODY_LIMIT = 64L << 10;
    /** Reservations of pods still unbound after this are released by the reconciler. */
    static final Duration BIND_GRACE = Duration.ofSeconds(15);
    /** The longest the extender's warm-up may hold back readiness, however many calls it was asked for. */
    static final Duration WARM_UP_BUDGET = Duration.ofSeconds(60);

    private final Resources resources;
    private final ClusterState state;
    private final HttpServer main;
    private final HttpServer health;
    private final WebhookListener webhook;
    private final HttpServer scorerHttp;
    private final Scorer scorer;
    private final HttpServer consoleHttp;
    private final PendingPods pending;
    private final HttpServer customMetrics;

    private Server(Resources resources, ClusterState state, HttpServer main, HttpServer health, WebhookListener webhook, HttpServer scorerHttp,
                   Scorer scorer, HttpServer consoleHttp, PendingPods pending, HttpServer customMetrics) {
        this.consoleHttp = consoleHttp;
        this.pending = pending;
        this.customMetrics = customMetrics;
        this.resources = resources;
        this.state = state;
        this.main = main;
        this.health = health;
        this.webhook = webhook;
        this.scorerHttp = scorerHttp;
        this.scorer = scorer;
    }

    /** Starts everything {@code settings} asks for; on any failure, stops what had started and throws. */
    public static Server start(ServerSettings settings) throws IOException {
        return start(settings, new Resources());
    }

    /** As {@link #start(ServerSettings)}, recording what it starts in {@code resources} (tests look at them after a failure). */
    static Server start(ServerSettings settings, Resources resources) throws IOException {
        try {
            return assemble(settings, resources);
        } catch (IOException | RuntimeException e) {
            resources.close();
            throw e;
        } catch (Exception e) {
            resources.close();
            throw new IOException(e.getMessage(), e);
        }
    }

    private static Server assemble(ServerSettings settings, Resources resources) throws Exception {
        Clock clock = Clock.systemUTC();
        var common = settings.common();
        ClusterConfig cluster = common.clusterConfig();
        ClusterState state = new ClusterState(clock);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Vertx vertx = vertxReportingTo(registry, "kube-gpu-extender");
        resources.add("Vert.x", () -> vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS));
        // JVM heap, GC, threads and CPU next to ours: what an operator sizes the pod's memory limit by.
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);

        GpuRequestParser parser = new GpuRequestParser(common.grammar());
        DemandReader demands = new DemandReader(parser, cluster);
        WorkloadProfile profile = new WorkloadProfile(cluster.vendors().all());
        var policy = settings.extender() == null ? io.kubegpu.extender.decision.Policy.FRAGMENTATION : settings.extender().policy();
        GpuFit fit = new GpuFit(new MemoryGuard(common.catalog()), cluster.vendors().all(), policy, profile,
                cluster.gpushare().memoryUnitMiB());
        ClusterFeasibility feasibility = new ClusterFeasibility(state, demands, fit);

        // Quotas and group pools read the live cluster: their ledger and namespace watch are made before the watch starts.
        WebhookEdges edges = WebhookEdges.create(settings, state, cluster, feasibility, clock, registry);
        boolean needsPods = settings.extender() != null || settings.scorer() != null && settings.scorer().synthetic() || settings.console() != null
                || edges.quotas() != null;
        // The GPU pods waiting for a node: only the console reads them, so only it makes the source keep them.
        PendingPods pending = settings.console() == null ? null : new PendingPods();
        Feed feed = startSource(settings.source(), state, cluster, needsPods, pending, clock, edges.podListeners(), resources);
        KubeClusterWatcher watcher = feed.watcher();
        edges.start(feed.client(), resources);
        Periodic periodic = resources.add("timers", new Periodic(vertx));

        RequestLimits limits = RequestLimits.forHeap(settings.extender() == null ? WEBHOOK_BODY_LIMIT * 8 : settings.extender().bodyLimitBytes() * 8);
        BooleanSupplier synced = () -> state.snapshot().synced();
        Router healthRouter = Router.router(vertx);
        // Ready once the cluster state is synced and, for the extender, its request path is compiled (ExtenderWarmUp).
        // One answer for the served filter and the warm-up's, so the warm-up compiles the branch the real calls take.
        NoFitReply noFit = settings.extender() == null ? null : NoFitReplies.resolve(settings.extender().noFitReply(), feed.client());
        ExtenderWarmUp warmUp = settings.extender() == null ? ExtenderWarmUp.none()
                : ExtenderWarmUp.start(settings.extender(), cluster, new GpuRequestParser(common.grammar()), noFit,
                        settings.extender().warmUpCalls(), WARM_UP_BUDGET);
        resources.add("extender warm-up", warmUp);
        boolean nothingToSync = settings.source() instanceof ClusterSource.None;
        ExtenderRoutes.mountHealth(healthRouter, () -> !nothingToSync && !(synced.getAsBoolean() && edges.synced()) ? "cluster state not synced yet"
                : !warmUp.done() ? "the extender is warming up (--warm-up-calls)" : "");
        healthRouter.get("/metrics").handler(PrometheusScrapingHandler.create(registry));

        Scorer utilization = null;
        LiveLoad live = LiveLoad.NONE;
        if (settings.scorer() != null) {
            var role = settings.scorer();
            utilization = role.synthetic()
                    ? Scorer.create(vertx, role.config(), new SyntheticSource(ScorerListener.syntheticGpus(state.snapshot())), common.catalog(),
                            registry, clock)
                    : Scorer.overPrometheus(vertx, role.config(), common.catalog(), registry, clock);
            resources.add("scorer", utilization);
            live = utilization.liveUtilization()::nodeLoad;
        }

        Router mainRouter = Router.router(vertx);
        JsonErrors.install(mainRouter, settings.extender() != null ? Server::extenderError : Server::plainError);
        mainRouter.route().order(-100).handler(TimeoutHandler.create(REQUEST_TIMEOUT_MS, 503));
        ExplainStore explanations = null;
        NodeScorer nodeScorer = null;
        if (settings.extender() != null) {
            var role = settings.extender();
            mainRouter.route().order(-99).handler(limits.handler(role.bodyLimitBytes(), Server::extenderError));
            explanations = new ExplainStore(clock);
            ExtenderMetrics metrics = new ExtenderMetrics(registry);
            ClusterGpuMetrics gpuMetrics = new ClusterGpuMetrics(registry, cluster.vendors().all().stream().map(io.kubegpu.request.Vendor::resource).toList());
            gpuMetrics.refresh(state.snapshot());
            profile.refresh(state.snapshot());
            periodic.every(Duration.ofSeconds(15), () -> {
                gpuMetrics.refresh(state.snapshot());
                // O(pods): on a worker thread, never on the event loop that answers kube-scheduler.
                vertx.executeBlocking(() -> {
                    profile.refresh(state.snapshot());
                    return null;
                }, false);
            });
            if (watcher != null && watcher.watchesPods()) {
                AllocationReconciliation reconciliation = new AllocationReconciliation(state, watcher, BIND_GRACE, clock, registry);
                periodic.every(Duration.ofSeconds(1), () -> vertx.executeBlocking(() -> {
                    reconciliation.run();
                    return null;
                }, false));
            }
            if (utilization != null && !settings.scorer().synthetic()) {
                // GPUs DCGM reports broken leave placement, and come back once healthy (the scorer polls every 30 s).
                Scorer health = utilization;
                periodic.every(Duration.ofSeconds(5), () -> state.setLiveUnhealthy(health.unhealthyGpus()));
            }
            nodeScorer = new NodeScorer(role.policy(), live, role.liveWeight(), cluster.vendors().all(), profile);
            ExtenderService service = new ExtenderService(state, new NodeMapper(cluster), demands, fit, nodeScorer, explanations, metrics,
                    role.filterMode(), clock, noFit);
            PodCache podCache = new PodCache();
            GpuAllocator allocator = new GpuAllocator(state, fit, ExtenderService.ASSUMED_FOR, clock);
            BindGate gate = new BindGate(role.schedulers());
            Binder binder = watcher != null
                    ? new ApiBinder(feed.client(), state, allocator, demands, podCache, cluster, gate, clock)
                    : new InMemoryBinder(state, allocator, demands, podCache, gate);
            ExtenderRoutes routes = new ExtenderRoutes(vertx, service, new ExtenderCodec(), binder, podCache, explanations, metrics);
            routes.mountExplain(healthRouter);
            if (settings.health() == null) {
                mainRouter.route().subRouter(healthRouter);
            }
            routes.mount(mainRouter, role.prefix(), role.bodyLimitBytes(), synced);
        } else if (settings.health() == null) {
            mainRouter.route().subRouter(healthRouter);
        }

        WebhookListener hook = null;
        if (settings.webhook() != null) {
            var role = settings.webhook();
            var mutator = new io.kubegpu.webhook.mutation.PodMutator(role.mutation(), feasibility, edges.quotas(), edges.groups());
            edges.mount(healthRouter, periodic);
            try {
                hook = WebhookListener.start(vertx, role.listen(), role.cert(), role.key(), mutator, registry, healthRouter,
                        limits.handler(WEBHOOK_BODY_LIMIT, WebhookListener::error), periodic);
            } catch (Exception e) {
                throw new IOException("cannot start the webhook on " + describe(role.listen()) + ": " + rootMessage(e), e);
            }
            resources.add("webhook listener", shutdown(hook.server()));
        }

        HttpServer scorerHttp = null;
        HttpServer customMetrics = null;
        if (utilization != null) {
            try {
                scorerHttp = ScorerListener.start(vertx, settings.scorer().listen(), utilization, healthRouter,
                        limits.handler(SCORER_BODY_LIMIT, Server::plainError));
            } catch (Exception e) {
                throw new IOException("cannot start the scorer on " + describe(settings.scorer().listen()) + ": " + rootMessage(e), e);
            }
            resources.add("scorer listener", shutdown(scorerHttp));
            utilization.start();
            if (settings.scorer().customMetrics() != null) {
                customMetrics = startCustomMetrics(vertx, settings.scorer(), feed.client(), cluster, registry, periodic, clock, resources);
            }
        }

        if (settings.controllers() != null) {
            if (feed.client() == null) {
                throw new IOException("the controllers role needs a live cluster: give --kubeconfig or --in-cluster");
            }
            var role = settings.controllers();
            resources.add("controllers", io.kubegpu.controllers.ControllerHost.start(feed.client(), role.election(), role.controllers(), registry,
                    clock));
            // What the controllers decided and why (e.g. /balance), on the health listener of every replica.
            for (var controller : role.controllers()) {
                controller.views().forEach((path, view) -> healthRouter.get(path).handler(ctx -> ctx.response()
                        .putHeader("Content-Type", "application/json").end(view.get())));
            }
        }

        HttpServer consoleHttp = null;
        if (settings.console() != null) {
            var role = settings.console();
            var consoleSettings = role.settings();
            if (role.trendsFromScorer() && settings.scorer() != null && !settings.scorer().synthetic()) {
                // Production: the scorer reads Prometheus, and so do the console's trends (the chart's recording rules).
                consoleSettings = consoleSettings.withPrometheus(settings.scorer().config().promUrl());
            }
            Policy consolePolicy = settings.extender() == null ? Policy.FRAGMENTATION : settings.extender().policy();
            NodeScorer ranking = nodeScorer != null ? nodeScorer
                    : new NodeScorer(consolePolicy, live, ServerSettings.ExtenderRole.defaults().liveWeight(), cluster.vendors().all(), profile);
            Scorer analyses = utilization;
            ExplainStore decisions = explanations;
            var sources = new ConsoleSources(state::snapshot, pending::list, analyses == null ? () -> null : () -> analyses.analyzer().latest(),
                    decisions == null ? DecisionLookup.NONE : key -> decisions.lastFilter(key).map(last -> new DecisionLookup.LastDecision(last.at(),
                            last.candidates().stream().map(NodeScorer.Candidate::verdict).toList(), last.chosen())),
                    parser, demands, fit, ranking, consolePolicy, new ViewConfig(cluster.vendors().all().stream().map(io.kubegpu.request.Vendor::resource)
                            .toList(), cluster.gpushare().memoryResource(), cluster.gpushare().memoryUnitMiB(), role.teams(), QuotaSource.NONE));
            Console console = new Console(vertx, sources, consoleSettings, registry, clock);
            resources.add("console", console);
            try {
                consoleHttp = ConsoleListener.start(vertx, role.listen(), console);
            } catch (Exception e) {
                throw new IOException("cannot start the console on " + describe(role.listen()) + ": " + rootMessage(e), e);
            }
            resources.add("console listener", shutdown(consoleHttp));
            console.start();
        }

        HttpServer healthHttp = null;
        if (settings.health() != null) {
            // Error handlers on the listener's own router: on a router mounted as a sub-router they would answer 404 before
            // the parent's routes were tried.
            Router healthTop = Router.router(vertx);
            JsonErrors.install(healthTop, Server::plainError);
            healthTop.route().subRouter(healthRouter);
            healthHttp = listen(vertx, settings.health(), null, healthTop, "health and metrics");
            resources.add("health listener", shutdown(healthHttp));
        }
        HttpServer mainHttp = listen(vertx, settings.main(), settings.extender() == null ? null : settings.extender().tls(), mainRouter,
                settings.extender() != null ? "the extender" : "health and metrics");
        resources.add("main listener", shutdown(mainHttp));
        LOG.info("{} listening on {}://{}:{}{}{}", settings.extender() != null ? "extender" : "health endpoints",
                settings.extender() != null && settings.extender().tls() != null ? "https" : "http", settings.main().host(), mainHttp.actualPort(),
                settings.extender() != null ? settings.extender().prefix() + " (filter, prioritize, bind)" : " (/healthz, /readyz, /metrics)",
                healthHttp == null ? "" : "; health, metrics and /explain on http://" + settings.health().host() + ":" + healthHttp.actualPort());
        return new Server(resources, state, mainHttp, healthHttp, hook, scorerHttp, utilization, consoleHttp, pending, customMetrics);
    }

    /** The scorer's custom.metrics.k8s.io listener: needs the cluster (front-proxy settings, access reviews, pods). */
    private static HttpServer startCustomMetrics(Vertx vertx, ServerSettings.ScorerRole role, ApiClient client, ClusterConfig cluster,
                                                 PrometheusMeterRegistry registry, Periodic periodic, Clock clock, Resources resources)
            throws IOException {
        var settings = role.customMetrics();
        if (client == null) {
            throw new IOException("the custom metrics API needs a live cluster (the front proxy's CA, access reviews, pods): give --kubeconfig "
                    + "or --in-cluster");
        }
        CustomMetricsCluster backend = new CustomMetricsCluster(vertx, client, cluster.gpushare().memoryUnitMiB(), clock);
        try {
            backend.refresh();
        } catch (Exception e) {
            throw new IOException("cannot read " + CustomMetricsCluster.NAMESPACE + "/" + CustomMetricsCluster.CONFIG_MAP
                    + " for the custom metrics API (bind the extension-apiserver-authentication-reader Role): " + rootMessage(e), e);
        }
        periodic.every(CustomMetricsCluster.REFRESH, backend::refreshLater);
        var prometheus = new io.kubegpu.scorer.prometheus.PrometheusClient(vertx, role.config().promUrl(), role.config().queryTimeout());
        resources.add("custom metrics Prometheus client", prometheus);
        var routes = new io.kubegpu.scorer.metricsapi.CustomMetricsRoutes(backend,
                new io.kubegpu.scorer.metricsapi.PodGpuQuery(prometheus, settings.window(), settings.cacheFor(), clock), clock, registry);
        HttpServer server;
        try {
            server = CustomMetricsListener.start(vertx, settings, routes);
        } catch (Exception e) {
            throw new IOException("cannot start the custom metrics API on " + describe(settings.listen()) + ": " + rootMessage(e), e);
        }
        resources.add("custom metrics listener", shutdown(server));
        return server;
    }

    /** A live cluster's watcher and the client it uses; both null for an embedded cluster. */
    private record Feed(KubeClusterWatcher watcher, ApiClient client) {
    }

    /** Loads or starts watching the cluster; a live cluster is first checked to answer, so a bad kubeconfig fails the start. */
    private static Feed startSource(ClusterSource source, ClusterState state, ClusterConfig cluster, boolean watchPods, PendingPods pending,
                                    Clock clock, java.util.List<KubeClusterWatcher.PodListener> podListeners, Resources resources) throws IOException {
        if (source instanceof ClusterSource.Kubernetes live) {
            ApiClient client = KubeClients.forWatching(live.kubeconfig());
            KubeClients.checkAccess(client, "nodes", API_CHECK_TIMEOUT, live.describe());
            KubeClusterWatcher watcher = resources.add("cluster watcher", new KubeClusterWatcher(client, state, cluster, watchPods, pending, clock,
                    podListeners));
            watcher.start();
            LOG.info("watching the cluster of {} ({})", live.describe(), watchPods ? "nodes and pods" : "nodes");
            return new Feed(watcher, client);
        }
        if (source instanceof ClusterSource.Manifests manifests) {
            var summary = new ManifestLoader(cluster).load(manifests.file(), state, pending, clock.instant());
            LOG.info("embedded cluster from {}: {} nodes, {} pods (binds are recorded in memory only)", manifests.file(), summary.nodes(),
                    summary.pods());
        } else if (source instanceof ClusterSource.Sample) {
            var summary = new ManifestLoader(cluster).loadSample(state, pending, clock.instant());
            LOG.info("embedded cluster from the built-in sample: {} nodes, {} pods (binds are recorded in memory only)", summary.nodes(),
                    summary.pods());
        } else {
            state.markSynced(true); // No cluster: nothing to wait for.
        }
        return new Feed(null, null);
    }

    /**
     * A Vert.x whose HTTP servers, clients and worker pools report to {@code registry}. vertx-micrometer keeps its
     * registries in a static map by name: a second Vert.x under the same name would report to the first one's.
     */
    static Vertx vertxReportingTo(MeterRegistry registry, String registryName) {
        return Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setRegistryName(registryName)))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    private static HttpServer listen(Vertx vertx, Endpoint endpoint, ServerSettings.Tls tls, Router router, String what) throws IOException {
        // No response compression: kube-scheduler's Go client asks for gzip on every call, and on the loopback
        // between a scheduler and its sidecar deflating and inflating each reply is CPU both sides need for
        // scheduling (on a 2-core machine the control plane already uses every core). Compressed requests are accepted.
        HttpServerOptions options = new HttpServerOptions().setHost(endpoint.host()).setPort(endpoint.port())
                .setDecompressionSupported(true).setIdleTimeout(IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS);
        if (tls != null) {
            options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert().toString()).setKeyPath(tls.key().toString()));
            // HTTP/2 offered: kube-scheduler's client (Go, HTTP/2 over TLS when the server offers it) then sends every call
            // on one connection. Over HTTP/1.1 it keeps only two idle connections per extender, so each bind beyond two
            // in flight opened a connection, and a TLS handshake, of its own. Enough streams for all its binds at once.
            options.setUseAlpn(true).setInitialSettings(new Http2Settings().setMaxConcurrentStreams(MAX_STREAMS));
            if (tls.clientCa() != null) {
                options.setClientAuth(ClientAuth.REQUIRED).setTrustOptions(new PemTrustOptions().addCertPath(tls.clientCa().toString()));
            }
        }
        try {
            return vertx.createHttpServer(options).requestHandler(router).listen().toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("cannot listen on " + describe(endpoint) + " for " + what + ": " + rootMessage(e), e);
        }
    }

    /** Stops accepting, then lets in-flight requests finish for a few seconds. */
    private static AutoCloseable shutdown(HttpServer server) {
        return () -> server.shutdown(10, TimeUnit.SECONDS).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    /** The error shape of the scorer, the webhook and health endpoints: {@code {"error":"…"}}. */
    static void plainError(io.vertx.ext.web.RoutingContext ctx, int status, String message) {
        com.google.gson.JsonObject body = new com.google.gson.JsonObject();
        body.addProperty("error", message);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
    }

    private static void extenderError(io.vertx.ext.web.RoutingContext ctx, int status, String message) {
        com.google.gson.JsonObject body = new com.google.gson.JsonObject();
        body.addProperty("Error", message);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
    }

    static String describe(Endpoint endpoint) {
        return endpoint.host() + ":" + endpoint.port();
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    /** The port the extender's verbs (or, without the extender, health and metrics) listen on. */
    public int port() {
        return main.actualPort();
    }

    /** The port of health, metrics and /explain when they have their own listener, else {@link #port()}. */
    public int healthPort() {
        return health == null ? main.actualPort() : health.actualPort();
    }

    /** The scorer's port, or -1 when the scorer role is off. */
    public int scorerPort() {
        return scorerHttp == null ? -1 : scorerHttp.actualPort();
    }

    /** The console's port, or -1 when the console role is off. */
    public int consolePort() {
        return consoleHttp == null ? -1 : consoleHttp.actualPort();
    }

    /** The GPU pods waiting for a node, or null when the console (their only reader) is off. */
    public PendingPods pending() {
        return pending;
    }

    /** The custom.metrics.k8s.io HTTPS port, or -1 when it is not served. */
    public int customMetricsPort() {
        return customMetrics == null ? -1 : customMetrics.actualPort();
    }

    /** The webhook's HTTPS port, or -1 when the webhook role is off. */
    public int webhookPort() {
        return webhook == null ? -1 : webhook.port();
    }

    /** For tests: the webhook listener, or null. */
    WebhookListener webhookListener() {
        return webhook;
    }

    /** The utilization scorer, or null when its role is off. */
    public Scorer scorer() {
        return scorer;
    }

    public ClusterState state() {
        return state;
    }

    /** Stops accepting requests, lets in-flight ones finish (bounded), then stops everything, last started first. */
    @Override
    public void close() {
        resources.close();
    }
}
