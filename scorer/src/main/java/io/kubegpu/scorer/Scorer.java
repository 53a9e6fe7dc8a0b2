package io.kubegpu.scorer;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.scorer.action.ControlApiNotifier;
import io.kubegpu.scorer.action.LlmReviewer;
import io.kubegpu.scorer.run.AiReview;
import io.kubegpu.scorer.analysis.AnalysisListener;
import io.kubegpu.scorer.run.Analyzer;
import io.kubegpu.scorer.run.XidWatch;
import io.kubegpu.scorer.analysis.LiveUtilization;
import io.kubegpu.scorer.analysis.RunSummaryLog;
import io.kubegpu.scorer.analysis.ScoringSettings;
import io.kubegpu.scorer.run.UtilizationSource;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.http.ScorerRoutes;
import io.kubegpu.scorer.metrics.ScorerMetrics;
import io.kubegpu.scorer.notify.NotificationDispatcher;
import io.kubegpu.scorer.prometheus.PrometheusClient;
import io.kubegpu.scorer.prometheus.PrometheusSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The background utilization scorer assembled: a source (Prometheus, or synthetic for the demo), the
 * periodic analyzer, its metrics, the run log, the optional control API, notifications and AI review, and
 * the REST routes with their {@code /docs}. The HTTP listener and the extender's use of {@link #liveUtilization()} belong to the caller.
 */
public final class Scorer implements AutoCloseable {
    /** Wait before the first retry of a report or notification; doubled for each next one. */
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

    private final Analyzer analyzer;
    private final ScorerRoutes routes;
    private final LiveUtilization live;
    private final AutoCloseable source;
    /** GPUs DCGM reports broken, or null when there is no Prometheus to ask (the synthetic demo). */
    private final XidWatch health;

    private Scorer(Analyzer analyzer, ScorerRoutes routes, LiveUtilization live, AutoCloseable source, XidWatch health) {
        this.analyzer = analyzer;
        this.routes = routes;
        this.live = live;
        this.source = source;
        this.health = health;
    }

    /** How often the scorer asks Prometheus for XID errors: health reacts faster than the utilization analysis. */
    static final Duration HEALTH_PERIOD = Duration.ofSeconds(30);

    /** A scorer over Prometheus at {@code config.promUrl()}. */
    public static Scorer overPrometheus(Vertx vertx, ScorerConfig config, GpuCatalog catalog, MeterRegistry registry, Clock clock) {
        PrometheusClient client = new PrometheusClient(vertx, config.promUrl(), config.queryTimeout());
        Scorer scorer = create(vertx, config, new PrometheusSource(client, config.selector(), config.step(), config.maxWorkers()), client, catalog,
                registry, clock);
        return new Scorer(scorer.analyzer, scorer.routes, scorer.live, scorer.source, new XidWatch(vertx, client, config.timeWindow(), clock));
    }

    /** A scorer over any source, e.g. the synthetic one of the demo. */
    public static Scorer create(Vertx vertx, ScorerConfig config, UtilizationSource source, GpuCatalog catalog, MeterRegistry registry,
                                Clock clock) {
        return create(vertx, config, source, () -> { }, catalog, registry, clock);
    }

    private static Scorer create(Vertx vertx, ScorerConfig config, UtilizationSource source, AutoCloseable resource, GpuCatalog catalog,
                                 MeterRegistry registry, Clock clock) {
        List<AnalysisListener> listeners = new ArrayList<>();
        listeners.add(new ScorerMetrics(registry));
        listeners.add(new RunSummaryLog());
        double aiThreshold = config.ai().threshold();
        if (config.controlApi().enabled()) {
            listeners.add(new ControlApiNotifier(vertx, config.controlApi(), aiThreshold, clock, RETRY_BACKOFF, registry));
        }
        List<String> channels = List.of();
        if (config.notifications().any()) {
            NotificationDispatcher notifications = new NotificationDispatcher(vertx, config.notifications(), aiThreshold, clock, RETRY_BACKOFF,
                    registry);
            listeners.add(notifications);
            channels = notifications.channels();
        }
        AiReview ai = config.ai().configured()
                ? new AiReview(new LlmReviewer(vertx, config.ai(), registry), config.ai().enabled(), config.ai().review()) : null;
        Analyzer analyzer = new Analyzer(vertx, source, new ScoringSettings(config.thresholds(), config.interval(), config.weights()),
                catalog, clock, config.timeWindow(), config.analysisTimeout(), ai, listeners);
        return new Scorer(analyzer, new ScorerRoutes(analyzer, config, channels),
                new LiveUtilization(analyzer::latest, config.staleAfter(), clock), resource, null);
    }

    /** Runs the first analysis now and one every interval after. */
    public Scorer start() {
        analyzer.start();
        if (health != null) {
            health.start(HEALTH_PERIOD);
        }
        return this;
    }

    /** GPU indices DCGM reports broken (hardware XID errors), by node; always empty without Prometheus. */
    public java.util.Map<String, List<Integer>> unhealthyGpus() {
        return health == null ? java.util.Map.of() : health.unhealthy();
    }

    public void mount(Router router) {
        mount(router, List.of());
    }

    /** The REST API and {@code /docs}; the paths of {@code extraDocuments} (OpenAPI class-path resources) join its document. */
    public void mount(Router router, List<String> extraDocuments) {
        routes.mount(router, extraDocuments);
    }

    public Analyzer analyzer() {
        return analyzer;
    }

    /** Per-node load for the extender's prioritize; empty when the results are stale. */
    public LiveUtilization liveUtilization() {
        return live;
    }

    @Override
    public void close() {
        analyzer.close();
        if (health != null) {
            health.close();
        }
        try {
            source.close();
        } catch (Exception e) {
            // Closing a web client does not fail in a way anyone could act on.
        }
    }
}
