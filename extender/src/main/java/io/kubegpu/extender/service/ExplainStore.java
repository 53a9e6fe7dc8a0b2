package io.kubegpu.extender.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.PodDemand;
import io.kubegpu.extender.decision.ScoreParts;
import io.kubegpu.extender.decision.VictimSelection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The last decision per pod, for {@code GET /explain/{namespace}/{pod}}. Bounded in size and age. The
 * hot path only stores references to verdicts it computed anyway; JSON is built when someone asks.
 */
public final class ExplainStore {
    /** @param chosen the one node the reply kept ({@link FilterMode#BEST}), or null when it kept every fitting node */
    private record Filtered(Instant at, PodDemand demand, List<NodeScorer.Candidate> candidates, String chosen) {
    }

    /** @param verb the call that scored: prioritize, or filter choosing the best node */
    private record Scored(Instant at, String verb, List<NodeScorer.Candidate> candidates, ScoreParts[] parts) {
    }

    /** The preempt verb's answer for a preemptor: per node, kept or dropped, and what became of each proposed victim. */
    private record Preempted(Instant at, PodDemand demand, int priority, List<VictimSelection.NodeResult> nodes) {
    }

    private record Decision(Filtered filter, Scored prioritize, Preempted preempt) {
        /** Per-node entries held, for the store's bound. */
        int weight() {
            long nodes = 1;
            if (filter != null) {
                nodes += filter.candidates().size();
            }
            if (prioritize != null) {
                nodes += prioritize.candidates().size();
            }
            if (preempt != null) {
                for (VictimSelection.NodeResult result : preempt.nodes()) {
                    nodes += 1 + result.victims().size();
                }
            }
            return (int) Math.min(Integer.MAX_VALUE, nodes);
        }
    }

    /**
     * The last filter decision for a pod, as the filter made it: when, the pod's demand, each candidate with its verdict,
     * and the node the reply kept (null when it kept every fitting node, or none fitted).
     */
    public record LastFilter(Instant at, PodDemand demand, List<NodeScorer.Candidate> candidates, String chosen) {
    }

    /**
     * What the store may hold, counted in per-node entries (a candidate's verdict and score, a preemption node's victims):
     * about 200 bytes each, so some 40 MB. Bounded by pods alone (10,000) it held 5 million at 5,000 nodes (500 candidates
     * per call) after a burst of 10,000 pods, filled the extender's 1 GiB heap and spent 5 ms of GC per pod
     * (SchedulerThroughput, 2026-12-07). 200,000 is the last ~870 pods at 230 candidates, ~400 at 500.
     */
    static final long MAX_NODE_ENTRIES = 200_000;

    private final Cache<String, Decision> decisions = Caffeine.newBuilder()
            .maximumWeight(MAX_NODE_ENTRIES)
            .weigher((String pod, Decision decision) -> decision.weight())
            .expireAfterWrite(Duration.ofHours(1))
            // Evict on the writing thread: a burst of filters is never ahead of the eviction that bounds it.
            .executor(Runnable::run)
            .build();
    private final Clock clock;

    public ExplainStore() {
        this(Clock.systemUTC());
    }

    /** @param clock when decisions are recorded as made */
    public ExplainStore(Clock clock) {
        this.clock = clock;
    }

    /**
     * A new filter replaces the pod's last filter and prioritize, but keeps its last preemption: after the victims are
     * gone the preemptor is filtered again and lands, and why those victims were evicted is still what its owner asks.
     */
    void filtered(PodDemand demand, List<NodeScorer.Candidate> candidates, String chosen) {
        Filtered filtered = new Filtered(clock.instant(), demand, candidates, chosen);
        decisions.asMap().compute(demand.podKey(), (key, previous) -> new Decision(filtered, null,
                previous == null ? null : previous.preempt()));
    }

    void scored(String verb, PodDemand demand, List<NodeScorer.Candidate> candidates, ScoreParts[] parts) {
        Scored scored = new Scored(clock.instant(), verb, candidates, parts);
        decisions.asMap().compute(demand.podKey(), (key, previous) -> new Decision(previous == null ? null : previous.filter(), scored,
                previous == null ? null : previous.preempt()));
    }

    /** Kept beside the pod's last filter: the filter that failed is what made kube-scheduler try preemption. */
    void preempted(PodDemand demand, int priority, List<VictimSelection.NodeResult> nodes) {
        Preempted preempted = new Preempted(clock.instant(), demand, priority, nodes);
        decisions.asMap().compute(demand.podKey(), (key, previous) -> previous == null ? new Decision(null, null, preempted)
                : new Decision(previous.filter(), previous.prioritize(), preempted));
    }

    /** The last filter decision for {@code namespace/name}, if one is kept. */
    public Optional<LastFilter> lastFilter(String podKey) {
        Decision decision = decisions.getIfPresent(podKey);
        if (decision == null || decision.filter() == null) {
            return Optional.empty();
        }
        Filtered filtered = decision.filter();
        return Optional.of(new LastFilter(filtered.at(), filtered.demand(), filtered.candidates(), filtered.chosen()));
    }

    public Optional<JsonObject> get(String podKey) {
        Decision decision = decisions.getIfPresent(podKey);
        if (decision == null) {
            return Optional.empty();
        }
        JsonObject out = new JsonObject();
        out.addProperty("pod", podKey);
        if (decision.filter() != null) {
            out.add("filter", filterJson(decision.filter()));
        }
        if (decision.prioritize() != null) {
            out.add("prioritize", scoresJson(decision.prioritize()));
        }
        if (decision.preempt() != null) {
            out.add("preempt", preemptJson(decision.preempt()));
        }
        return Optional.of(out);
    }

    private static JsonObject filterJson(Filtered filtered) {
        JsonObject out = new JsonObject();
        out.addProperty("at", filtered.at().toString());
        PodDemand demand = filtered.demand();
        out.addProperty("demand", demand.kind() == PodDemand.Kind.INVALID ? "invalid" : demand.describe());
        if (demand.problem() != null) {
            out.addProperty("problem", demand.problem());
        }
        if (filtered.chosen() != null) {
            out.addProperty("chosen", filtered.chosen());
        }
        JsonArray verdicts = new JsonArray();
        for (NodeScorer.Candidate c : filtered.candidates()) {
            JsonObject node = new JsonObject();
            node.addProperty("node", c.name());
            node.addProperty("outcome", c.verdict().outcome().name().toLowerCase(Locale.ROOT));
            if (!c.verdict().reason().isEmpty()) {
                node.addProperty("reason", c.verdict().reason());
            }
            if (!c.verdict().slices().isEmpty()) {
                GpuSlice slice = c.verdict().slices().get(0);
                node.addProperty("gpu", slice.index());
                node.addProperty("freshGpu", c.verdict().freshGpu());
            }
            verdicts.add(node);
        }
        out.add("nodes", verdicts);
        return out;
    }

    private static JsonObject preemptJson(Preempted preempted) {
        JsonObject out = new JsonObject();
        out.addProperty("at", preempted.at().toString());
        out.addProperty("demand", preempted.demand().kind() == PodDemand.Kind.INVALID ? "invalid" : preempted.demand().describe());
        out.addProperty("priority", preempted.priority());
        JsonArray nodes = new JsonArray();
        for (VictimSelection.NodeResult result : preempted.nodes()) {
            JsonObject node = new JsonObject();
            node.addProperty("node", result.node());
            node.addProperty("outcome", result.kept() ? "preempt" : "dropped");
            if (!result.reason().isEmpty()) {
                node.addProperty("reason", result.reason());
            }
            if (result.gpu() >= 0) {
                node.addProperty("gpu", result.gpu());
            }
            JsonArray victims = new JsonArray();
            for (VictimSelection.Victim victim : result.victims()) {
                JsonObject v = new JsonObject();
                v.addProperty("pod", victim.describe());
                v.addProperty("uid", victim.uid());
                v.addProperty("decision", victim.role() == VictimSelection.Role.EVICT ? "evict"
                        : victim.role() == VictimSelection.Role.KEPT ? "keep" : "pass-through");
                if (victim.pod() != null) {
                    v.addProperty("priority", victim.pod().priority());
                    JsonArray gpus = new JsonArray();
                    victim.pod().slices().forEach(slice -> gpus.add(slice.index()));
                    if (!gpus.isEmpty()) {
                        v.add("gpus", gpus);
                    }
                }
                v.addProperty("why", victim.why());
                victims.add(v);
            }
            node.add("victims", victims);
            nodes.add(node);
        }
        out.add("nodes", nodes);
        return out;
    }

    private static JsonObject scoresJson(Scored scored) {
        JsonObject out = new JsonObject();
        out.addProperty("at", scored.at().toString());
        out.addProperty("by", scored.verb());
        JsonArray scores = new JsonArray();
        for (int i = 0; i < scored.parts().length; i++) {
            ScoreParts parts = scored.parts()[i];
            JsonObject node = new JsonObject();
            node.addProperty("node", scored.candidates().get(i).name());
            node.addProperty("score", parts.total());
            node.addProperty("allocatedAfter", round(parts.allocatedAfter()));
            node.addProperty("policy", round(parts.policy()));
            if (parts.fragmentation() >= 0) {
                node.addProperty("packing", round(parts.fragmentation()));
            }
            if (parts.live() >= 0) {
                node.addProperty("live", round(parts.live()));
            }
            scores.add(node);
        }
        out.add("nodes", scores);
        return out;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
