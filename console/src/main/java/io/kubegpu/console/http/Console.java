package io.kubegpu.console.http;

import io.kubegpu.console.view.ClusterView;
import io.kubegpu.console.view.ConsoleInputs;
import io.kubegpu.console.view.PendingView;
import io.kubegpu.console.view.TeamsView;
import io.kubegpu.console.view.TrendHistory;
import io.kubegpu.console.view.TrendSample;
import io.kubegpu.console.view.UtilizationIndex;
import io.kubegpu.console.view.WhatIf;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import io.kubegpu.scorer.prometheus.PrometheusClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console assembled: its views over the process's own cluster state, pending pods, utilization and decisions;
 * the trend source (Prometheus, or the in-process ring it samples every minute); its metrics; and its routes. Read-only:
 * nothing it does changes the cluster state or reserves anything. Its HTTP listener belongs to the caller.
 */
public final class Console implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Console.class);
    /** How often the namespace metrics are rewritten. */
    static final Duration METRICS_EVERY = Duration.ofSeconds(15);

    private final Vertx vertx;
    private final ConsoleSources sources;
    private final ConsoleSettings settings;
    private final Clock clock;
    private final TrendHistory history;
    private final TrendSource trends;
    private final ConsoleMetrics metrics;
    private final ConsoleRoutes routes;
    private final AutoCloseable prometheus;
    /** An analysis and its index. */
    private record Indexed(AnalysisSnapshot analysis, UtilizationIndex index) {
    }

    /** The last analysis indexed, reused while the scorer's snapshot is the same object. */
    private final AtomicReference<Indexed> index = new AtomicReference<>(new Indexed(null, UtilizationIndex.NONE));
    private long sampleTimer = -1;
    private long metricsTimer = -1;

    public Console(Vertx vertx, ConsoleSources sources, ConsoleSettings settings, MeterRegistry registry, Clock clock) {
        this.vertx = vertx;
        this.sources = sources;
        this.settings = settings;
        this.clock = clock;
        this.history = new TrendHistory(settings.historySamples());
        if (settings.trends() == ConsoleSettings.TrendSourceKind.PROMETHEUS) {
            PrometheusClient client = new PrometheusClient(vertx, settings.prometheusUrl(), settings.prometheusTimeout());
            this.trends = new PrometheusTrends(client);
            this.prometheus = client;
        } else {
            this.trends = new MemoryTrends(history, settings.sampleEvery());
            this.prometheus = () -> { };
        }
        this.metrics = registry == null ? null : new ConsoleMetrics(registry, sources.config().teams().groups().keySet());
        var config = sources.config();
        this.routes = new ConsoleRoutes(vertx, this, new ClusterView(config), new TeamsView(config),
                new PendingView(config, sources.demands(), sources.fit(), sources.decisions()),
                new WhatIf(sources.parser(), sources.demands(), sources.fit(), sources.scorer(), sources.defaultPolicy(), config), trends,
                settings.token());
    }

    /** Everything one view reads, taken now. */
    ConsoleInputs inputs() {
        return new ConsoleInputs(sources.cluster().get(), sources.pending().get(), sources.utilization().get(), clock.instant());
    }

    /** The utilization index of an analysis, built once per analysis. */
    UtilizationIndex index(AnalysisSnapshot analysis) {
        Indexed cached = index.get();
        if (cached.analysis() == analysis) {
            return cached.index();
        }
        UtilizationIndex built = UtilizationIndex.of(analysis);
        index.set(new Indexed(analysis, built));
        return built;
    }

    ConsoleSources sources() {
        return sources;
    }

    TrendHistory history() {
        return history;
    }

    /** Takes one trend sample now (and refreshes the metrics from it). */
    TrendSample sample() {
        ConsoleInputs in = inputs();
        TrendSample sample = TrendSample.of(in, index(in.utilization()), sources.config());
        if (trends instanceof MemoryTrends) {
            history.record(sample);
        }
        if (metrics != null) {
            metrics.refresh(sample);
        }
        return sample;
    }

    /** The API and the pages on {@code router}. */
    public void mount(Router router) {
        routes.mount(router);
    }

    /** Samples now (so the history and the metrics have a first point as soon as it serves), then periodically off the event loop. */
    public Console start() {
        sample();
        Duration every = trends instanceof MemoryTrends ? settings.sampleEvery() : METRICS_EVERY;
        if (metrics != null && trends instanceof MemoryTrends && every.compareTo(METRICS_EVERY) > 0) {
            // The in-process ring wants a sample a minute; the metrics are rewritten more often, from their own samples.
            metricsTimer = vertx.setPeriodic(METRICS_EVERY.toMillis(), id -> vertx.executeBlocking(() -> {
                metrics.refresh(TrendSample.of(inputs(), index(sources.utilization().get()), sources.config()));
                return null;
            }, false));
        }
        sampleTimer = vertx.setPeriodic(every.toMillis(), id -> sampleInBackground());
        LOG.info("console: trends from {}", trends.name());
        return this;
    }

    private void sampleInBackground() {
        vertx.executeBlocking(this::sample, false).onFailure(e -> LOG.warn("console: trend sample failed", e));
    }

    @Override
    public void close() {
        if (sampleTimer >= 0) {
            vertx.cancelTimer(sampleTimer);
        }
        if (metricsTimer >= 0) {
            vertx.cancelTimer(metricsTimer);
        }
        try {
            prometheus.close();
        } catch (Exception e) {
            // Closing a web client does not fail in a way anyone could act on.
        }
    }
}
