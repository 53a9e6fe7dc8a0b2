package io.kubegpu.extender.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kubegpu.cluster.kube.NodeMapper;
import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.NodeVerdict;
import io.kubegpu.extender.decision.PodDemand;
import io.kubegpu.extender.decision.ScoreParts;
import io.kubegpu.extender.wire.ExtenderArgs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Filter and prioritize over one cluster snapshot. In names-only mode a node's GPUs come from the
 * cluster state; with full Node objects, from the objects sent, with usage from the cluster state.
 */
public final class ExtenderService {
    private static final Logger LOG = LoggerFactory.getLogger(ExtenderService.class);

    private final ClusterState state;
    private final NodeMapper nodes;
    private final DemandReader demands;
    private final GpuFit fit;
    private final NodeScorer scorer;
    private final ExplainStore explanations;
    private final ExtenderMetrics metrics;

    public ExtenderService(ClusterState state, NodeMapper nodes, DemandReader demands, GpuFit fit, NodeScorer scorer,
                           ExplainStore explanations, ExtenderMetrics metrics) {
        this.state = state;
        this.nodes = nodes;
        this.demands = demands;
        this.fit = fit;
        this.scorer = scorer;
        this.explanations = explanations;
        this.metrics = metrics;
    }

    /** The filter's answer in protocol terms. */
    public record FilterResult(PodDemand demand, List<String> passing, Map<String, String> failed, Map<String, String> unresolvable) {
    }

    public FilterResult filter(ExtenderArgs args) {
        PodDemand demand = demands.read(args.pod());
        List<NodeScorer.Candidate> candidates = candidates(args, demand);
        List<String> passing = new ArrayList<>(candidates.size());
        Map<String, String> failed = new LinkedHashMap<>();
        Map<String, String> unresolvable = new LinkedHashMap<>();
        for (NodeScorer.Candidate c : candidates) {
            NodeVerdict verdict = c.verdict();
            switch (verdict.outcome()) {
                case FITS -> passing.add(c.name());
                case OCCUPIED -> failed.put(c.name(), verdict.reason());
                case UNRESOLVABLE -> {
                    // kube-scheduler 1.20 knows only FailedNodes; 1.21+ lets FailedAndUnresolvableNodes take precedence.
                    failed.put(c.name(), verdict.reason());
                    unresolvable.put(c.name(), verdict.reason());
                }
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("filter {} on {}: {} {}", demand.podKey(), c.name(), verdict.outcome(), verdict.reason());
            }
        }
        metrics.filtered(demand, candidates.size(), passing.size(), failed.size() - unresolvable.size(), unresolvable.size());
        if (demand.kind() != PodDemand.Kind.NONE) {
            explanations.record(demand.podKey(), "filter", explainFilter(demand, candidates));
        }
        return new FilterResult(demand, passing, failed, unresolvable);
    }

    public int[] prioritize(ExtenderArgs args) {
        PodDemand demand = demands.read(args.pod());
        List<NodeScorer.Candidate> candidates = candidates(args, demand);
        ScoreParts[] parts = scorer.score(demand, candidates);
        int[] scores = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            scores[i] = parts[i].total();
        }
        metrics.prioritized(demand, candidates.size());
        if (demand.kind() != PodDemand.Kind.NONE) {
            explanations.record(demand.podKey(), "prioritize", explainScores(candidates, parts));
        }
        return scores;
    }

    private List<NodeScorer.Candidate> candidates(ExtenderArgs args, PodDemand demand) {
        ClusterSnapshot snapshot = state.snapshot();
        metrics.snapshotAge(snapshot);
        List<NodeScorer.Candidate> out = new ArrayList<>(args.names().size());
        if (args.fullNodes()) {
            for (ExtenderArgs.RawNode raw : args.nodes()) {
                NodeState usage = snapshot.node(raw.name()).orElse(null);
                GpuNode node = demand.isGpuPod() ? nodes.map(raw.node()) : null;
                out.add(new NodeScorer.Candidate(raw.name(), node, usage, fit.judge(raw.name(), demand, node, usage)));
            }
        } else {
            for (String name : args.nodeNames()) {
                NodeState usage = snapshot.node(name).orElse(null);
                GpuNode node = usage == null ? null : usage.node();
                out.add(new NodeScorer.Candidate(name, node, usage, fit.judge(name, demand, node, usage)));
            }
        }
        return out;
    }

    private static JsonObject explainFilter(PodDemand demand, List<NodeScorer.Candidate> candidates) {
        JsonObject out = new JsonObject();
        out.addProperty("at", Instant.now().toString());
        out.addProperty("demand", demand.kind() == PodDemand.Kind.INVALID ? "invalid" : demand.describe());
        if (demand.problem() != null) {
            out.addProperty("problem", demand.problem());
        }
        JsonArray verdicts = new JsonArray();
        for (NodeScorer.Candidate c : candidates) {
            JsonObject node = new JsonObject();
            node.addProperty("node", c.name());
            node.addProperty("outcome", c.verdict().outcome().name().toLowerCase(java.util.Locale.ROOT));
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

    private static JsonObject explainScores(List<NodeScorer.Candidate> candidates, ScoreParts[] parts) {
        JsonObject out = new JsonObject();
        out.addProperty("at", Instant.now().toString());
        JsonArray scores = new JsonArray();
        for (int i = 0; i < parts.length; i++) {
            JsonObject node = new JsonObject();
            node.addProperty("node", candidates.get(i).name());
            node.addProperty("score", parts[i].total());
            node.addProperty("allocatedAfter", round(parts[i].allocatedAfter()));
            node.addProperty("policy", round(parts[i].policy()));
            if (parts[i].fragmentation() >= 0) {
                node.addProperty("packing", round(parts[i].fragmentation()));
            }
            if (parts[i].live() >= 0) {
                node.addProperty("live", round(parts[i].live()));
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
