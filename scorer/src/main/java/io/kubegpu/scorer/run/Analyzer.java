package io.kubegpu.scorer.run;

import io.kubegpu.scorer.analysis.ScoringSettings;
import io.kubegpu.scorer.analysis.AnalysisListener;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.scorer.score.GpuKey;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuScorer;
import io.kubegpu.scorer.score.GpuWindow;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an analysis every interval: fetch the windows, score them, let the AI review the GPUs of the configured
 * statuses (low and idle by default) when asked, publish an immutable {@link AnalysisSnapshot}. One run at a time (a trigger during a run joins
 * it); a run that fails or passes the analysis timeout keeps the last good results, marked stale, and
 * the next try comes after {@value #RETRY_SECONDS} s rather than a whole interval, so a Prometheus that
 * comes back is noticed without a restart.
 */
public final class Analyzer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Analyzer.class);
    static final long RETRY_SECONDS = 30;

    private final Vertx vertx;
    private final UtilizationSource source;
    private final GpuCatalog catalog;
    private final Clock clock;
    private final Duration window;
    private final Duration timeout;
    private final AiReview ai;
    private final List<AnalysisListener> listeners;
    private final AtomicReference<ScoringSettings> settings;
    private final AtomicReference<AnalysisSnapshot> latest;
    private final AtomicReference<Future<AnalysisSnapshot>> inFlight = new AtomicReference<>();
    private final Promise<AnalysisSnapshot> first = Promise.promise();
    private volatile long timer = -1;
    private volatile boolean closed;

    /** @param ai null when AI analysis is not configured */
    public Analyzer(Vertx vertx, UtilizationSource source, ScoringSettings settings, GpuCatalog catalog, Clock clock, Duration window,
                    Duration timeout, AiReview ai, List<AnalysisListener> listeners) {
        this.vertx = vertx;
        this.source = source;
        this.catalog = catalog;
        this.clock = clock;
        this.window = window;
        this.timeout = timeout;
        this.ai = ai;
        this.listeners = List.copyOf(listeners);
        this.settings = new AtomicReference<>(settings);
        this.latest = new AtomicReference<>(AnalysisSnapshot.empty(settings.threshold()));
    }

    /** Runs the first analysis now and then one every interval until closed. */
    public void start() {
        vertx.runOnContext(v -> scheduled());
    }

    private void scheduled() {
        if (closed) {
            return;
        }
        run(ai != null && ai.everyRun()).onComplete(done -> {
            if (closed) {
                return;
            }
            long delay = done.succeeded() ? settings.get().interval().toMillis()
                    : Math.min(settings.get().interval().toMillis(), TimeUnit.SECONDS.toMillis(RETRY_SECONDS));
            timer = vertx.setTimer(delay, id -> scheduled());
        });
    }

    /** Starts a run now, or joins the one in flight. {@code useAi} asks the AI reviewer, if there is one. */
    public Future<AnalysisSnapshot> run(boolean useAi) {
        Promise<AnalysisSnapshot> promise = Promise.promise();
        if (!inFlight.compareAndSet(null, promise.future())) {
            Future<AnalysisSnapshot> running = inFlight.get();
            return running != null ? running : run(useAi);
        }
        long started = System.nanoTime();
        Instant end = clock.instant();
        ScoringSettings now = settings.get();
        source.fetch(end, window)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .compose(windows -> score(windows, end, now, useAi && ai != null))
                .onComplete(result -> {
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    if (result.succeeded()) {
                        latest.set(result.result());
                        listeners.forEach(l -> notify(() -> l.analyzed(result.result(), took)));
                        promise.complete(result.result());
                        first.tryComplete(result.result());
                    } else {
                        String why = describe(result.cause());
                        boolean byTimeout = timedOut(result.cause());
                        AnalysisSnapshot kept = latest.updateAndGet(s -> s.failed(clock.instant(), why, byTimeout));
                        LOG.warn("GPU analysis failed after {} ms, keeping the results of {} (stale): {}", took.toMillis(),
                                kept.analyzedAt() == null ? "no earlier run" : kept.analyzedAt(), why);
                        listeners.forEach(l -> notify(() -> l.failed(result.cause(), kept, took)));
                        promise.fail(result.cause());
                        first.tryComplete(kept);
                    }
                    inFlight.set(null);
                });
        return promise.future();
    }

    private Future<AnalysisSnapshot> score(List<GpuWindow> windows, Instant end, ScoringSettings with, boolean useAi) {
        List<GpuScore> scores = new GpuScorer(with.weights(), with.thresholds(), catalog).score(windows);
        AnalysisSnapshot snapshot = AnalysisSnapshot.of(end, scores, with.threshold(), clock.instant());
        List<GpuScore> asked = useAi ? scores.stream().filter(ai::reviews).toList() : List.of();
        if (asked.isEmpty()) {
            return Future.succeededFuture(snapshot);
        }
        Map<GpuKey, GpuWindow> byKey = new HashMap<>();
        windows.forEach(w -> byKey.putIfAbsent(w.key(), w));
        return ai.reviewer().review(asked, byKey)
                .map(snapshot::withAi)
                .recover(failure -> {
                    LOG.warn("AI analysis failed, scores are kept without it: {}", describe(failure));
                    return Future.succeededFuture(snapshot);
                });
    }

    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.error("an analysis listener failed", e);
        }
    }

    private static boolean timedOut(Throwable failure) {
        return failure instanceof java.util.concurrent.TimeoutException || failure.getClass().getSimpleName().contains("Timeout");
    }

    private String describe(Throwable failure) {
        if (timedOut(failure)) {
            return "the analysis took longer than " + timeout.toSeconds() + " s (analysis_timeout) reading " + source.describe();
        }
        return failure.getMessage() == null ? failure.toString() : failure.getMessage();
    }

    /** Completes when the first run has finished, good or not, with the snapshot it left. */
    public Future<AnalysisSnapshot> firstAnalysis() {
        return first.future();
    }

    public AnalysisSnapshot latest() {
        return latest.get();
    }

    public boolean running() {
        return inFlight.get() != null;
    }

    public ScoringSettings settings() {
        return settings.get();
    }

    public boolean aiAvailable() {
        return ai != null;
    }

    public UtilizationSource source() {
        return source;
    }

    /** Changes thresholds, interval or weights; they apply from the next run. */
    public void update(ScoringSettings next) {
        settings.set(next);
        LOG.info("scoring settings changed: thresholds {}, interval {} s, weights {}", next.thresholds(), next.interval().toSeconds(),
                next.weights());
    }

    @Override
    public void close() {
        closed = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
