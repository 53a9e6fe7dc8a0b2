package io.kubegpu.extender.service;

import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.extender.decision.PodDemand;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The extender's Prometheus metrics. Latency histograms use explicit buckets from 100 µs to 5 s (no
 * client-side quantiles: they would multiply every timer's series), with 15 and 20 ms so a bind p99 can be read
 * against its 20 ms target.
 *
 * <pre>
 * kubegpu_extender_request_duration_seconds{verb}            histogram
 * kubegpu_extender_decisions_total{verb,outcome}             counter
 * kubegpu_extender_nodes_considered{verb}                    histogram
 * kubegpu_extender_node_rejections_total{kind}               counter (occupied, unresolvable)
 * kubegpu_extender_bad_requests_total{verb}                  counter
 * kubegpu_cluster_snapshot_age_seconds                       gauge
 * kubegpu_cluster_nodes                                      gauge
 * </pre>
 */
public final class ExtenderMetrics {
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(15), Duration.ofMillis(20), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
    };

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DistributionSummary> nodeCounts = new ConcurrentHashMap<>();
    private final AtomicReference<ClusterSnapshot> lastSnapshot = new AtomicReference<>();

    public ExtenderMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("kubegpu.cluster.snapshot.age", lastSnapshot, ref -> {
            ClusterSnapshot snapshot = ref.get();
            return snapshot == null ? Double.NaN : Duration.between(snapshot.takenAt(), Instant.now()).toNanos() / 1e9;
        }).baseUnit("seconds").description("Age of the cluster snapshot the last decision used").register(registry);
        Gauge.builder("kubegpu.cluster.nodes", lastSnapshot, ref -> ref.get() == null ? Double.NaN : ref.get().nodeCount())
                .description("Nodes in the cluster state").register(registry);
    }

    public Timer latency(String verb) {
        return timers.computeIfAbsent(verb, v -> Timer.builder("kubegpu.extender.request.duration")
                .description("Time to answer an extender request, by verb")
                .tag("verb", v)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry));
    }

    void filtered(PodDemand demand, int considered, int passed, int occupied, int unresolvable) {
        String outcome = !demand.isGpuPod() && demand.kind() == PodDemand.Kind.NONE ? "not_gpu_pod"
                : demand.kind() == PodDemand.Kind.INVALID ? "invalid_request" : passed > 0 ? "fits" : "no_fit";
        decision("filter", outcome);
        nodesConsidered("filter", considered);
        if (occupied > 0) {
            counter("kubegpu.extender.node.rejections", "kind", "occupied").increment(occupied);
        }
        if (unresolvable > 0) {
            counter("kubegpu.extender.node.rejections", "kind", "unresolvable").increment(unresolvable);
        }
    }

    void prioritized(PodDemand demand, int considered) {
        decision("prioritize", demand.kind().name().toLowerCase(Locale.ROOT));
        nodesConsidered("prioritize", considered);
    }

    public void decision(String verb, String outcome) {
        counter("kubegpu.extender.decisions", "verb", verb, "outcome", outcome).increment();
    }

    /** A filter answered with an error because the pod fits no node ({@link NoFitReply#ERROR}). */
    void noFitError() {
        counter("kubegpu.extender.no.fit.errors").increment();
    }

    public void badRequest(String verb) {
        counter("kubegpu.extender.bad.requests", "verb", verb).increment();
    }

    void snapshotAge(ClusterSnapshot snapshot) {
        lastSnapshot.set(snapshot);
    }

    void nodesConsideredPublic(String verb, int count) {
        nodesConsidered(verb, count);
    }

    private void nodesConsidered(String verb, int count) {
        nodeCounts.computeIfAbsent(verb, v -> DistributionSummary.builder("kubegpu.extender.nodes.considered")
                .description("Candidate nodes per extender call")
                .tag("verb", v)
                .serviceLevelObjectives(1, 10, 50, 100, 250, 500, 1000, 2500, 5000)
                .register(registry)).record(count);
    }

    private Counter counter(String name, String... tags) {
        String key = name + String.join(",", tags);
        return counters.computeIfAbsent(key, k -> Counter.builder(name).tags(tags).register(registry));
    }
}
