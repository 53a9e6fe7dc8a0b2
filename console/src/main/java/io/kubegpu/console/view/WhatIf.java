package io.kubegpu.console.view;

import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.NodeVerdict;
import io.kubegpu.extender.decision.PodDemand;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.decision.ScoreParts;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequest;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.InvalidGpuRequestException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What-if: where a request would land right now. The request string is read by the extender's own parser, the demand by
 * its {@code DemandReader}, every node judged by its {@code GpuFit} and the fitting ones ranked by its {@code NodeScorer}
 * (the configured policy, the learned task mix and live load), exactly as the filter decides — on the snapshot given,
 * with nothing reserved or recorded.
 */
public final class WhatIf {
    /** The annotations that change a placement, and so the only ones a question may carry. */
    public static final List<String> ANNOTATIONS = List.of(MemoryGuard.MIN_MEMORY_ANNOTATION, Policy.ANNOTATION);
    public static final int RUNNERS_UP = 5;
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final GpuRequestParser parser;
    private final DemandReader demands;
    private final GpuFit fit;
    private final NodeScorer scorer;
    private final ViewConfig config;
    private final Policy defaultPolicy;

    /** @param defaultPolicy the policy {@code scorer} ranks by for pods without an override */
    public WhatIf(GpuRequestParser parser, DemandReader demands, GpuFit fit, NodeScorer scorer, Policy defaultPolicy, ViewConfig config) {
        this.defaultPolicy = defaultPolicy;
        this.parser = parser;
        this.demands = demands;
        this.fit = fit;
        this.scorer = scorer;
        this.config = config;
    }

    /** The question: a request string, the namespace it would run in, and placement annotations. */
    public record Question(String request, String namespace, Map<String, String> annotations) {
        public Question {
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        }
    }

    /** A node the request fits, with its score (0..10, as the filter ranks) and the parts of it. */
    public record Ranked(String node, String model, double score, double policyPart, Double packingPart, Double livePart,
                         double allocatedAfter, int freeGpus) {
    }

    /**
     * Where it would go.
     *
     * @param cards where on the chosen node: a share's GPU index, or for whole GPUs how many of its free cards (the device
     *              plugin picks which)
     */
    public record Placement(Ranked node, String cards, Integer gpuIndex, Boolean freshGpu) {
    }

    /**
     * The answer.
     *
     * @param canonical       the request as the parser writes it
     * @param demand          what the extender reads from it
     * @param policy          the policy it was ranked by
     * @param nodes           nodes judged
     * @param fitting         nodes it fits now
     * @param placement       where it would go now, or null when it fits nowhere
     * @param runnersUp       the next best nodes
     * @param rejected        the other nodes' reasons, grouped
     * @param counterfactuals what would let it fit, when it fits nowhere
     */
    public record Answer(Instant at, String canonical, String demand, String policy, int nodes, int fitting, Placement placement,
                         List<Ranked> runnersUp, List<ReasonGroups.Group> rejected, List<Counterfactuals.Counterfactual> counterfactuals) {
    }

    public Answer answer(ConsoleInputs in, Question question) {
        String text = question.request();
        if (text == null || text.isBlank()) {
            throw new BadInput("request", text == null ? "" : text, "no request given", "a request such as 2(V100), 0.5 or 8G,0.5(T4)");
        }
        String namespace = question.namespace() == null || question.namespace().isBlank() ? "default" : question.namespace().trim();
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new BadInput("namespace", namespace, "'" + namespace + "' is not a namespace name",
                    "lower-case letters, digits and '-', at most 63 characters");
        }
        Map<String, String> annotations = new HashMap<>();
        for (Map.Entry<String, String> e : question.annotations().entrySet()) {
            if (!ANNOTATIONS.contains(e.getKey())) {
                throw new BadInput("annotation", e.getKey() + "=" + e.getValue(), "annotation " + e.getKey() + " does not change a placement",
                        "only " + String.join(" and ", ANNOTATIONS) + (e.getKey().equals(DemandReader.GPU_ANNOTATION) ? "; the request goes in 'request'" : ""));
            }
            annotations.put(e.getKey(), e.getValue());
        }
        GpuRequest request;
        try {
            request = parser.parse(text);
        } catch (InvalidGpuRequestException e) {
            throw new BadInput("request", text, e.error().message(), "see the request grammar: N, 0.X, MEM or MEM,SHARE with an optional (MODEL)",
                    e.error().column(), e.error().code().name());
        }
        annotations.put(DemandReader.GPU_ANNOTATION, text);
        PodDemand demand = demands.read(namespace + "/what-if", null, annotations, Map.of());
        if (demand.kind() == PodDemand.Kind.INVALID) {
            String key = demand.problem().startsWith(Policy.ANNOTATION) ? Policy.ANNOTATION : MemoryGuard.MIN_MEMORY_ANNOTATION;
            throw new BadInput("annotation", key + "=" + annotations.get(key), demand.problem(),
                    key.equals(Policy.ANNOTATION) ? "fragmentation, binpack, spread or balanced" : "an amount of memory such as 40G");
        }
        GpuFit.Prepared prepared = fit.prepare(demand);
        List<NodeVerdict> verdicts = Evaluation.judgeAll(prepared, in.cluster());
        List<NodeScorer.Candidate> candidates = new ArrayList<>();
        for (NodeVerdict verdict : verdicts) {
            if (verdict.fits()) {
                NodeState usage = in.cluster().nodeOrNull(verdict.node());
                candidates.add(new NodeScorer.Candidate(verdict.node(), usage.node(), usage, verdict));
            }
        }
        ScoreParts[] parts = scorer.score(demand, candidates);
        int best = NodeScorer.best(candidates, parts);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (i != best) {
                order.add(i);
            }
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> -parts[i].exact()).thenComparing(i -> candidates.get(i).name()));
        List<Ranked> runnersUp = new ArrayList<>();
        for (int k = 0; k < order.size() && k < RUNNERS_UP; k++) {
            runnersUp.add(ranked(candidates.get(order.get(k)), parts[order.get(k)]));
        }
        Placement placement = null;
        if (best >= 0) {
            NodeScorer.Candidate chosen = candidates.get(best);
            Ranked node = ranked(chosen, parts[best]);
            if (demand.kind() == PodDemand.Kind.SHARED && !chosen.verdict().slices().isEmpty()) {
                var slice = chosen.verdict().slices().get(0);
                placement = new Placement(node, "GPU " + slice.index() + (chosen.verdict().freshGpu() ? " (a GPU no pod shares yet)" : " (shared with the pods on it)"),
                        slice.index(), chosen.verdict().freshGpu());
            } else {
                placement = new Placement(node, demand.count() + " of its " + node.freeGpus() + " free GPUs (the device plugin picks which)", null, null);
            }
        }
        Policy policy = demand.policy() != null ? demand.policy() : defaultPolicy;
        return new Answer(in.now(), request.canonical(), demand.describe(), policy.label(), verdicts.size(),
                candidates.size(), placement, runnersUp, ReasonGroups.of(verdicts),
                placement == null ? Counterfactuals.find(prepared, in.cluster(), verdicts) : List.of());
    }

    private Ranked ranked(NodeScorer.Candidate c, ScoreParts parts) {
        NodeLayout layout = NodeLayout.of(c.usage(), config);
        return new Ranked(c.name(), NodeLayout.modelName(c.node()), Num.round2(parts.exact()), Num.round2(parts.policy()),
                parts.fragmentation() < 0 ? null : Num.round2(parts.fragmentation()), parts.live() < 0 ? null : Num.round2(parts.live()),
                Num.round3(parts.allocatedAfter()), layout == null ? 0 : layout.free);
    }
}
