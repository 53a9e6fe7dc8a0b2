package io.kubegpu.console.http;

import io.kubegpu.console.view.TrendHistory;
import io.kubegpu.console.view.TrendPoint;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Trends from the in-process ring of samples. */
final class MemoryTrends implements TrendSource {
    private final TrendHistory history;
    private final Duration every;

    MemoryTrends(TrendHistory history, Duration every) {
        this.history = history;
        this.every = every;
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public int maxHours() {
        return (int) Math.max(1, history.span(every).toHours());
    }

    @Override
    public Future<List<TrendPoint>> points(String team, List<String> namespaces, Instant from, Instant to, long stepSeconds) {
        return Future.succeededFuture(history.points(team, from));
    }

    @Override
    public long stepSeconds(Duration window) {
        // The ring's own interval, or the buckets it averages a long window into.
        long samples = Math.max(1, window.toSeconds() / Math.max(1, every.toSeconds()));
        return every.toSeconds() * Math.max(1, (samples + TrendHistory.MAX_POINTS - 1) / TrendHistory.MAX_POINTS);
    }

    @Override
    public String note(Instant from) {
        return "sampled in this process every " + every.toSeconds() + " s since it started (" + history.size() + " samples, at most "
                + history.capacity() + "); configure Prometheus for history that survives restarts";
    }
}
