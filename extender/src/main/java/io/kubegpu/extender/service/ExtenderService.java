package io.kubegpu.extender.service;

import io.kubegpu.cluster.model.NodeMapper;
import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.cluster.state.Reservation;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.NodeVerdict;
import io.kubegpu.extender.decision.PodDemand;
import io.kubegpu.extender.decision.ScoreParts;
import io.kubegpu.extender.decision.VictimSelection;
import io.kubegpu.extender.wire.PreemptArgs;
import io.kubegpu.extender.wire.ExtenderArgs;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private final FilterMode mode;
    private final Clock clock;
    private final NoFitReply noFit;
    private final VictimSelection victims;
    /** GpuNode per decoded node object: the codec returns the same object for an unchanged node. */
    private final com.github.benmanes.caffeine.cache.Cache<io.kubegpu.cluster.model.KubeNode, GpuNode> mapped =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().weakKeys().maximumSize(50_000).build();

    /** How long the filter holds the chosen node's GPUs for a pod when the watch does not show it bound. */
    public static final Duration ASSUMED_FOR = Duration.ofSeconds(60);

    public ExtenderService(ClusterState state, NodeMapper nodes, DemandReader demands, GpuFit fit, NodeScorer scorer,
                           ExplainStore explanations, ExtenderMetrics metrics, FilterMode mode, Clock clock) {
        this(state, nodes, demands, fit, scorer, explanations, metrics, mode, clock, NoFitReply.FAILED_NODES);
    }

    /** With {@code noFit}: how the filter answers when a GPU pod fits none of the nodes sent (see {@link NoFitReply}). */
    public ExtenderService(ClusterState state, NodeMapper nodes, DemandReader demands, GpuFit fit, NodeScorer scorer,
                           ExplainStore explanations, ExtenderMetrics metrics, FilterMode mode, Clock clock, NoFitReply noFit) {
        this.noFit = java.util.Objects.requireNonNull(noFit, "noFit");
        this.state = state;
        this.nodes = nodes;
        this.demands = demands;
        this.fit = fit;
        this.scorer = scorer;
        this.explanations = explanations;
        this.metrics = metrics;
        this.mode = mode;
        this.clock = clock;
        this.victims = new VictimSelection(fit);
    }

    /**
     * The filter's answer: the verdict per candidate, in the order sent, and the one node the reply keeps
     * ({@code chosen}, under {@link FilterMode#BEST}) or -1 to keep every node that fits. The reply's lists and
     * reason maps are written straight from these by the codec. {@code error} is empty, or under
     * {@link NoFitReply#ERROR} the reply's {@code Error} when the pod fits no node.
     */
    public record FilterResult(PodDemand demand, List<NodeVerdict> verdicts, int chosen, String error) {
        public FilterResult(PodDemand demand, List<NodeVerdict> verdicts, int chosen) {
            this(demand, verdicts, chosen, "");
        }
    }

    /** At most this many distinct reasons in a no-fit error (kube-scheduler puts the text in an Event). */
    private static final int NO_FIT_REASONS = 4;

    /**
     * {@code 0/3 nodes fit 8G,0.5(T4): 2 nodes: no GPU has …; 1 node: …}: the reasons grouped, most frequent first, as
     * kube-scheduler words its own fit errors.
     */
    static String noFitError(PodDemand demand, List<NodeVerdict> verdicts) {
        java.util.Map<String, Integer> byReason = new java.util.LinkedHashMap<>();
        for (NodeVerdict verdict : verdicts) {
            byReason.merge(verdict.reason(), 1, Integer::sum);
        }
        List<java.util.Map.Entry<String, Integer>> reasons = new ArrayList<>(byReason.entrySet());
        reasons.sort(java.util.Map.Entry.<String, Integer>comparingByValue().reversed());
        StringBuilder out = new StringBuilder().append("0/").append(verdicts.size()).append(" nodes fit ").append(demand.describe()).append(": ");
        for (int i = 0; i < Math.min(NO_FIT_REASONS, reasons.size()); i++) {
            int count = reasons.get(i).getValue();
            out.append(i == 0 ? "" : "; ").append(count).append(count == 1 ? " node: " : " nodes: ").append(reasons.get(i).getKey());
        }
        if (reasons.size() > NO_FIT_REASONS) {
            out.append("; ").append(reasons.size() - NO_FIT_REASONS).append(" other reasons");
        }
        return out.append(" (answered as an error, not a fit failure, so that this kube-scheduler does not preempt for it: "
                + "see the extender's --no-fit-reply)").toString();
    }

    public FilterResult filter(ExtenderArgs args) {
        PodDemand demand = demands.read(args.pod());
        // A pod with soft preferences (preferred affinity, ScheduleAnyway spread) gets every fitting node: kube-scheduler
        // scores only when a filter leaves more than one, and only its scoring honours those preferences.
        boolean choosing = mode == FilterMode.BEST && demand.isGpuPod() && !args.pod().hasSoftPreferences();
        if (choosing && demand.podUid() != null) {
            // A pod filtered again (its earlier cycle failed after our choice) must not find its own hold in the way.
            state.release(demand.podUid());
        }
        List<NodeScorer.Candidate> candidates = candidates(args, demand);
        List<NodeVerdict> verdicts = new ArrayList<>(candidates.size());
        int passed = 0;
        int unresolvable = 0;
        boolean debug = LOG.isDebugEnabled();
        for (NodeScorer.Candidate c : candidates) {
            NodeVerdict verdict = c.verdict();
            verdicts.add(verdict);
            if (verdict.fits()) {
                passed++;
            } else if (verdict.outcome() == NodeVerdict.Outcome.UNRESOLVABLE) {
                unresolvable++;
            }
            if (debug) {
                LOG.debug("filter {} on {}: {} {}", demand.podKey(), c.name(), verdict.outcome(), verdict.reason());
            }
        }
        metrics.filtered(demand, candidates.size(), passed, candidates.size() - passed - unresolvable, unresolvable);
        int chosen = -1;
        ScoreParts[] parts = null;
        if (choosing && passed > 0) {
            parts = scorer.score(demand, candidates);
            chosen = holdBest(demand, candidates, parts, verdicts);
        }
        if (demand.kind() != PodDemand.Kind.NONE) {
            explanations.filtered(demand, candidates, chosen < 0 ? null : candidates.get(chosen).name());
            if (parts != null) {
                explanations.scored("filter", demand, candidates, parts);
            }
        }
        if (noFit == NoFitReply.ERROR && passed == 0 && !verdicts.isEmpty() && demand.kind() != PodDemand.Kind.NONE) {
            metrics.noFitError();
            return new FilterResult(demand, verdicts, chosen, noFitError(demand, verdicts));
        }
        return new FilterResult(demand, verdicts, chosen);
    }

    public NoFitReply noFitReply() {
        return noFit;
    }

    /**
     * The best-ranked candidate, with what the pod takes there held for it, as kube-scheduler's own cache assumes it
     * there: its whole GPUs, or for a share the card's memory and compute. The binding (kube-scheduler's for whole GPUs,
     * ours for shares) and the watch that shows it come tens of milliseconds later, while the next pods are already being
     * placed: without the hold the next share was sent to the same full card, its bind refused, and kube-scheduler's
     * backoff brought shares down to 11 pods/s at 500 nodes. The hold is decided again on the node as it is at that
     * instant, in one step with the reservation ({@link ClusterState#reserve}): the ranking judged a snapshot, and a
     * share's bind on a worker thread may have taken a GPU since (the two once both took a node's last free GPU). A
     * candidate that no longer fits is marked so in the reply and the next best is tried. Released when the watch shows
     * the pod bound or gone, when it is filtered again, or after {@link #ASSUMED_FOR}; a share's bind replaces it with
     * its own reservation, keeping the held card when it still fits.
     *
     * @return the index of the chosen candidate, or -1 when none is left
     */
    private int holdBest(PodDemand demand, List<NodeScorer.Candidate> candidates, ScoreParts[] parts, List<NodeVerdict> verdicts) {
        java.util.BitSet gone = new java.util.BitSet();
        GpuFit.Prepared prepared = null;
        while (true) {
            int best = NodeScorer.best(candidates, parts, gone);
            // Only GPU pods get here (the filter chooses for no other), whole or shared: both are held.
            if (best < 0 || demand.podUid() == null) {
                return best;
            }
            NodeScorer.Candidate chosen = candidates.get(best);
            GpuFit.Prepared judge = prepared == null ? (prepared = fit.prepare(demand)) : prepared;
            NodeVerdict[] now = new NodeVerdict[1];
            boolean held = state.reserve(chosen.name(), demand.podUid(), usage -> {
                now[0] = judge.judge(chosen.name(), chosen.node() != null ? chosen.node() : usage.node(), usage);
                if (!now[0].fits()) {
                    return Optional.empty();
                }
                boolean whole = demand.kind() == PodDemand.Kind.WHOLE;
                return Optional.of(new Reservation(demand.podUid(), demand.podKey(), chosen.name(),
                        whole ? Map.of(demand.resource(), (long) demand.count()) : Map.of(), whole ? List.of() : now[0].slices(),
                        clock.instant(), clock.instant().plus(ASSUMED_FOR)));
            }).isPresent();
            if (held) {
                return best;
            }
            verdicts.set(best, now[0]);
            gone.set(best);
        }
    }

    /**
     * The preempt verb: for each node kube-scheduler would preempt on, whether the pod fits once the proposed victims
     * are gone (the filter's fit, per card for shares) and which of them it needs (see {@link VictimSelection}). Nodes
     * where it does not fit are dropped. A pod that asks for no GPU gets the proposal back unchanged: its fit is not ours
     * to judge.
     */
    public List<VictimSelection.NodeResult> preempt(PreemptArgs args) {
        PodDemand demand = demands.read(args.pod());
        int priority = args.pod().priority();
        List<VictimSelection.NodeResult> results = new ArrayList<>(args.proposals().size());
        if (demand.kind() == PodDemand.Kind.NONE) {
            for (VictimSelection.Proposal proposal : args.proposals()) {
                List<VictimSelection.Victim> victims = proposal.uids().stream()
                        .map(uid -> new VictimSelection.Victim(uid, null, VictimSelection.Role.PASSED_THROUGH, "the pod asks for no GPU")).toList();
                results.add(new VictimSelection.NodeResult(proposal.node(), !victims.isEmpty(), victims.isEmpty() ? "no victims proposed" : "", -1,
                        victims, proposal.pdbViolations()));
            }
            metrics.decision("preempt", "not_gpu_pod");
            return results;
        }
        if (demand.kind() == PodDemand.Kind.INVALID) {
            for (VictimSelection.Proposal proposal : args.proposals()) {
                results.add(new VictimSelection.NodeResult(proposal.node(), false, demand.problem(), -1, List.of(), 0));
            }
            metrics.decision("preempt", "invalid_request");
            explanations.preempted(demand, priority, results);
            return results;
        }
        ClusterSnapshot snapshot = state.snapshot();
        metrics.snapshotAge(snapshot);
        boolean any = false;
        for (VictimSelection.Proposal proposal : args.proposals()) {
            VictimSelection.NodeResult result = victims.judge(demand, priority, proposal, snapshot.nodeOrNull(proposal.node()));
            results.add(result);
            any |= result.kept();
            LOG.debug("preempt {} on {}: kept {} victims {} {}", demand.podKey(), proposal.node(), result.kept(), result.victimUids(), result.reason());
        }
        metrics.decision("preempt", any ? "victims" : "no_fit");
        metrics.nodesConsideredPublic("preempt", args.proposals().size());
        explanations.preempted(demand, priority, results);
        return results;
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
            explanations.scored("prioritize", demand, candidates, parts);
        }
        return scores;
    }

    private List<NodeScorer.Candidate> candidates(ExtenderArgs args, PodDemand demand) {
        ClusterSnapshot snapshot = state.snapshot();
        metrics.snapshotAge(snapshot);
        GpuFit.Prepared prepared = fit.prepare(demand);
        List<NodeScorer.Candidate> out = new ArrayList<>(args.names().size());
        if (args.fullNodes()) {
            for (ExtenderArgs.RawNode raw : args.nodes()) {
                NodeState usage = snapshot.nodeOrNull(raw.name());
                GpuNode node = demand.isGpuPod() ? mapped.get(raw.node(), nodes::map) : null;
                out.add(new NodeScorer.Candidate(raw.name(), node, usage, prepared.judge(raw.name(), node, usage)));
            }
        } else {
            for (String name : args.nodeNames()) {
                NodeState usage = snapshot.nodeOrNull(name);
                GpuNode node = usage == null ? null : usage.node();
                out.add(new NodeScorer.Candidate(name, node, usage, prepared.judge(name, node, usage)));
            }
        }
        return out;
    }
}
