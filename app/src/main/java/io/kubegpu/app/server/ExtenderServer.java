package io.kubegpu.app.server;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.kube.ClusterConfig;
import io.kubegpu.cluster.kube.KubeClients;
import io.kubegpu.cluster.kube.KubeClusterWatcher;
import io.kubegpu.cluster.kube.NodeMapper;
import io.kubegpu.cluster.manifest.ManifestLoader;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.extender.bind.ApiBinder;
import io.kubegpu.extender.bind.Binder;
import io.kubegpu.extender.bind.GpuAllocator;
import io.kubegpu.extender.bind.InMemoryBinder;
import io.kubegpu.extender.bind.PodCache;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.LiveLoad;
import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.WorkloadProfile;
import io.kubegpu.extender.http.ClusterGpuMetrics;
import io.kubegpu.extender.http.ExplainStore;
import io.kubegpu.extender.http.ExtenderMetrics;
import io.kubegpu.extender.http.ExtenderRoutes;
import io.kubegpu.extender.http.ExtenderService;
import io.kubegpu.extender.wire.ExtenderCodec;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.scorer.Scorer;
import io.kubegpu.scorer.analysis.SyntheticSource;
import io.kubernetes.client.openapi.ApiClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles and runs the extender: the cluster state (informers, manifests or the built-in sample),
 * the decisions, the binder and the Vert.x HTTP server with Prometheus metrics.
 */
public final class ExtenderServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExtenderServer.class);

    private final Vertx vertx;
    private final HttpServer http;
    private final WebhookListener webhook;
    private final KubeClusterWatcher watcher;
    private final ClusterState state;
    private final Scorer scorer;
    private final HttpServer scorerHttp;

    private ExtenderServer(Vertx vertx, HttpServer http, WebhookListener webhook, KubeClusterWatcher watcher, ClusterState state,
                           Scorer scorer, HttpServer scorerHttp) {
        this.vertx = vertx;
        this.http = http;
        this.webhook = webhook;
        this.watcher = watcher;
        this.state = state;
        this.scorer = scorer;
        this.scorerHttp = scorerHttp;
    }

    public static ExtenderServer start(ServerConfig config) throws IOException {
        Clock clock = Clock.systemUTC();
        ClusterConfig cluster = new ClusterConfig(config.grammar().vendors(), config.labelSources(), config.catalog(),
                ClusterConfig.GpushareResources.DEFAULT);
        ClusterState state = new ClusterState(clock);
        PodCache podCache = new PodCache();
        DemandReader demands = new DemandReader(new GpuRequestParser(config.grammar()), cluster);
        WorkloadProfile profile = new WorkloadProfile(cluster.vendors().all());
        GpuFit fit = new GpuFit(new MemoryGuard(config.catalog()), cluster.vendors().all(), config.policy(), profile);
        GpuAllocator allocator = new GpuAllocator(state, fit, ExtenderService.ASSUMED_FOR, clock);

        KubeClusterWatcher watcher = null;
        Binder binder;
        if (config.source() == ServerConfig.Source.KUBERNETES) {
            ApiClient client = KubeClients.forWatching(config.kubeconfig());
            watcher = new KubeClusterWatcher(client, state, cluster);
            watcher.start();
            binder = new ApiBinder(client, state, allocator, demands, podCache, cluster, clock);
            LOG.info("watching the cluster of {}", config.kubeconfig() == null ? "the in-cluster service account" : config.kubeconfig());
        } else {
            ManifestLoader loader = new ManifestLoader(cluster);
            var summary = config.manifests() == null ? loader.loadSample(state) : loader.load(config.manifests(), state);
            binder = new InMemoryBinder(state, allocator, demands, podCache);
            LOG.info("embedded cluster from {}: {} nodes, {} pods (binds are recorded in memory only)",
                    config.manifests() == null ? "the built-in sample" : config.manifests(), summary.nodes(), summary.pods());
        }

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Vertx vertx = Vertx.builder()
                .with(new io.vertx.core.VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
        // JVM heap, GC, threads and CPU next to ours: what an operator sizes the pod's memory limit by.
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
        ExtenderMetrics metrics = new ExtenderMetrics(registry);
        ClusterGpuMetrics gpuMetrics = new ClusterGpuMetrics(registry,
                cluster.vendors().all().stream().map(io.kubegpu.request.Vendor::resource).toList());
        gpuMetrics.refresh(state.snapshot());
        profile.refresh(state.snapshot());
        vertx.setPeriodic(15_000, id -> {
            gpuMetrics.refresh(state.snapshot());
            // O(pods): on a worker thread, never on the event loop that answers kube-scheduler.
            vertx.executeBlocking(() -> {
                profile.refresh(state.snapshot());
                return null;
            }, false);
        });
        ExplainStore explanations = new ExplainStore();
        Scorer utilization = null;
        LiveLoad live = LiveLoad.NONE;
        if (config.scorer() != null) {
            ServerConfig.ScorerRole role = config.scorer();
            utilization = role.synthetic()
                    ? Scorer.create(vertx, role.config(), new SyntheticSource(ScorerListener.syntheticGpus(state.snapshot())), config.catalog(),
                            registry, clock)
                    : Scorer.overPrometheus(vertx, role.config(), config.catalog(), registry, clock);
            live = utilization.liveUtilization()::nodeLoad;
        }
        NodeScorer scorer = new NodeScorer(config.policy(), live, config.liveWeight(), cluster.vendors().all(), profile);
        ExtenderService service = new ExtenderService(state, new NodeMapper(cluster), demands, fit, scorer, explanations, metrics,
                config.filterMode(), clock);

        Router health = Router.router(vertx);
        ExtenderRoutes.mountHealth(health, state);
        health.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
        Router router = Router.router(vertx);
        router.route().subRouter(health);
        if (config.extenderRole()) {
            new ExtenderRoutes(vertx, service, new ExtenderCodec(), binder, podCache, explanations, metrics)
                    .mount(router, config.prefix(), config.bodyLimitBytes());
        }
        WebhookListener webhook = null;
        if (config.webhook() != null) {
            ServerConfig.Webhook hook = config.webhook();
            try {
                var mutator = new io.kubegpu.webhook.mutation.PodMutator(hook.mutation(), new ClusterFeasibility(state, demands, fit));
                webhook = WebhookListener.start(vertx, config.host(), hook.port(), hook.cert(), hook.key(), mutator, registry, health);
            } catch (Exception e) {
                throw abort(vertx, watcher, "cannot start the webhook on port " + hook.port() + ": " + rootMessage(e), e);
            }
        }

        HttpServer scorerHttp = null;
        if (utilization != null) {
            try {
                scorerHttp = ScorerListener.start(vertx, config.host(), config.scorer().port(), utilization, health);
                utilization.start();
            } catch (Exception e) {
                utilization.close();
                throw abort(vertx, watcher, "cannot start the scorer on port " + config.scorer().port() + ": " + rootMessage(e), e);
            }
        }

        // No response compression: kube-scheduler's Go client asks for gzip on every call, and on the loopback
        // between a scheduler and its sidecar deflating and inflating each reply is CPU both sides need for
        // scheduling (on a 2-core machine the control plane already uses every core). Compressed requests are accepted.
        HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port())
                .setDecompressionSupported(true);
        if (config.tlsCert() != null) {
            options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.tlsCert().toString())
                    .setKeyPath(config.tlsKey().toString()));
        }
        HttpServer http;
        try {
            http = vertx.createHttpServer(options).requestHandler(router).listen().toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw abort(vertx, watcher, "cannot listen on " + config.host() + ":" + config.port() + ": " + rootMessage(e), e);
        }
        LOG.info("{} listening on {}://{}:{}{}, /healthz, /readyz, /metrics{}", config.extenderRole() ? "extender" : "health endpoints",
                config.tlsCert() == null ? "http" : "https", config.host(), http.actualPort(), config.prefix(),
                config.extenderRole() ? ", /explain (filter, prioritize, bind)" : "");
        return new ExtenderServer(vertx, http, webhook, watcher, state, utilization, scorerHttp);
    }

    public int port() {
        return http.actualPort();
    }

    /** For tests: the webhook listener, or null. */
    WebhookListener webhookListener() {
        return webhook;
    }

    /** The scorer's port, or -1 when the scorer role is off. */
    public int scorerPort() {
        return scorerHttp == null ? -1 : scorerHttp.actualPort();
    }

    /** The utilization scorer, or null when its role is off. */
    public Scorer scorer() {
        return scorer;
    }

    /** The webhook's HTTPS port, or -1 when the webhook role is off. */
    public int webhookPort() {
        return webhook == null ? -1 : webhook.port();
    }

    public ClusterState state() {
        return state;
    }

    /** Stops accepting requests, lets in-flight ones finish (bounded), then stops everything. */
    @Override
    public void close() {
        try {
            if (webhook != null) {
                webhook.server().shutdown(10, TimeUnit.SECONDS).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
            }
            http.shutdown(10, TimeUnit.SECONDS).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
            if (scorerHttp != null) {
                scorerHttp.shutdown(5, TimeUnit.SECONDS).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warn("HTTP shutdown did not complete cleanly: {}", rootMessage(e));
        }
        if (scorer != null) {
            scorer.close();
        }
        if (watcher != null) {
            watcher.close();
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Vert.x did not stop cleanly: {}", rootMessage(e));
        }
    }

    /** Stops what a failed start had begun; returns the exception for the caller to throw. */
    private static IOException abort(Vertx vertx, KubeClusterWatcher watcher, String message, Exception cause) {
        vertx.close();
        if (watcher != null) {
            watcher.close();
        }
        return new IOException(message, cause);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    /** Everything the server is started with. */
    public record ServerConfig(String host, int port, String prefix, long bodyLimitBytes, java.nio.file.Path tlsCert,
                               java.nio.file.Path tlsKey, Source source, java.nio.file.Path kubeconfig, java.nio.file.Path manifests,
                               io.kubegpu.request.GrammarConfig grammar, GpuCatalog catalog,
                               java.util.List<io.kubegpu.cluster.kube.ModelLabelSource> labelSources,
                               io.kubegpu.extender.decision.Policy policy, io.kubegpu.extender.http.FilterMode filterMode,
                               double liveWeight, boolean extenderRole, Webhook webhook,
                               ScorerRole scorer) {
        public enum Source { EMBEDDED, KUBERNETES }

        /** The utilization scorer role: its HTTP port, its configuration, and whether it reads synthetic data (the demo). */
        public record ScorerRole(int port, io.kubegpu.scorer.config.ScorerConfig config, boolean synthetic) {
        }

        /** The webhook role: its HTTPS port, PEM certificate and key, and what it writes into pods. */
        public record Webhook(int port, java.nio.file.Path cert, java.nio.file.Path key, io.kubegpu.webhook.mutation.MutationConfig mutation) {
        }
    }
}
