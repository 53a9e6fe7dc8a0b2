package io.kubegpu.scorer.analysis;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * Per-node live load for the extender's prioritize, read from the latest analysis: the mean score of the
 * node's GPUs over 100. Nothing for a node without scored GPUs, and nothing at all when the analysis is
 * older than the staleness bound, so the extender falls back to allocation alone rather than steer by
 * old numbers. Lookups are a map read: they sit on the scheduling path.
 */
public final class LiveUtilization {
    private record Loads(AnalysisSnapshot snapshot, Map<String, Double> byNode) {
    }

    private final Supplier<AnalysisSnapshot> snapshots;
    private final Duration staleAfter;
    private final Clock clock;
    private volatile Loads loads = new Loads(null, Map.of());

    public LiveUtilization(Supplier<AnalysisSnapshot> snapshots, Duration staleAfter, Clock clock) {
        this.snapshots = snapshots;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    public OptionalDouble nodeLoad(String node) {
        AnalysisSnapshot snapshot = snapshots.get();
        if (snapshot.analyzedAt() == null || Duration.between(snapshot.analyzedAt(), clock.instant()).compareTo(staleAfter) > 0) {
            return OptionalDouble.empty();
        }
        Loads current = loads;
        if (current.snapshot() != snapshot) {
            current = new Loads(snapshot, snapshot.nodeLoads());
            loads = current;
        }
        Double load = current.byNode().get(node);
        return load == null ? OptionalDouble.empty() : OptionalDouble.of(load);
    }
}
