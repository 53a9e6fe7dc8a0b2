package io.kubegpu.console.view;

import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.cluster.state.PendingPod;
import io.kubegpu.cluster.state.Taint;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.NodeVerdict;
import io.kubegpu.extender.decision.PodDemand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The Pending page: every GPU pod waiting for a node, how long it has waited, and why. The reasons are the extender's
 * last filter decision for the pod when this process made one (source {@code filter}); otherwise — kube-scheduler has not
 * asked yet, its own checks rejected every node first, or this process started after — the same fit judged now on the
 * current state (source {@code console}). The detail adds the current judgement and what would let the pod fit.
 */
public final class PendingView {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    private final ViewConfig config;
    private final DemandReader demands;
    private final GpuFit fit;
    private final DecisionLookup decisions;

    public PendingView(ViewConfig config, DemandReader demands, GpuFit fit, DecisionLookup decisions) {
        this.config = config;
        this.demands = demands;
        this.fit = fit;
        this.decisions = decisions;
    }

    /**
     * One waiting pod, as the list shows it.
     *
     * @param request   what it asks for ({@code 4(A100-80G)}), or the annotation as written when it is invalid
     * @param source    where the reasons come from: filter (the extender's last decision) or console (judged now)
     * @param decidedAt when the filter decided, for source filter
     * @param summary   the largest group of reasons, or where it fits now
     * @param fitsNow   nodes where it fits by GPU now (the first ten; {@code fitsNowCount} counts them all)
     */
    public record Item(String pod, String namespace, String name, String team, String request, String scheduler, Instant since,
                       long waitedSeconds, String source, Instant decidedAt, String chosen, String summary, int nodesRejected,
                       int fitsNowCount, List<String> fitsNow) {
    }

    public record ListPage(Instant at, int total, int offset, int limit, List<Item> pods, List<String> teams) {
    }

    /** A node the pod fits by GPU now, with what else kube-scheduler checks there (its taints). */
    public record FitNote(String node, String note) {
    }

    /** A judgement: when, each group of reasons, and (for the filter's) the node it kept. */
    public record Judgement(String source, Instant at, String chosen, int nodes, List<ReasonGroups.Group> groups, List<FitNote> fits) {
    }

    /**
     * The detail of one waiting pod.
     *
     * @param problem         why its annotations cannot be used, for an invalid request
     * @param lastDecision    the extender's last filter decision, or null when this process made none
     * @param now             the fit judged now on the current state
     * @param counterfactuals what would let it fit
     * @param explanation     the answer in one sentence
     */
    public record Detail(Instant at, Item pod, String problem, Judgement lastDecision, Judgement now,
                         List<Counterfactuals.Counterfactual> counterfactuals, String explanation) {
    }

    public ListPage list(ConsoleInputs in, String team, int offset, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadInput("limit", Integer.toString(limit), "limit " + limit + " is out of range", "a whole number 1.." + MAX_LIMIT);
        }
        if (offset < 0) {
            throw new BadInput("offset", Integer.toString(offset), "offset " + offset + " is negative", "a whole number from 0");
        }
        List<PendingPod> matching = new ArrayList<>();
        TreeSet<String> teams = new TreeSet<>();
        for (PendingPod pod : in.pending()) {
            teams.add(NodeLayout.team(pod.namespace(), config.teams()));
            if (team == null || config.teams().belongs(pod.namespace(), team)) {
                matching.add(pod);
            }
        }
        List<Item> items = new ArrayList<>();
        List<io.kubegpu.cluster.state.NodeState> nodes = null;
        for (int i = offset; i < matching.size() && items.size() < limit; i++) {
            PendingPod pod = matching.get(i);
            if (nodes == null && decisions.lookup(pod.key()).isEmpty()) {
                nodes = Evaluation.sorted(in.cluster());
            }
            items.add(item(in, pod, null, nodes).item);
        }
        return new ListPage(in.now(), matching.size(), offset, limit, items, List.copyOf(teams));
    }

    public Optional<Detail> detail(ConsoleInputs in, String namespace, String name) {
        for (PendingPod pod : in.pending()) {
            if (pod.namespace().equals(namespace) && pod.name().equals(name)) {
                return Optional.of(detail(in, pod));
            }
        }
        return Optional.empty();
    }

    private record Built(Item item, PodDemand demand, GpuFit.Prepared prepared, List<NodeVerdict> now, DecisionLookup.LastDecision decision) {
    }

    private Built item(ConsoleInputs in, PendingPod pod, List<NodeVerdict> known, List<io.kubegpu.cluster.state.NodeState> sortedNodes) {
        PodDemand demand = demands.read(pod);
        GpuFit.Prepared prepared = fit.prepare(demand);
        Optional<DecisionLookup.LastDecision> decision = decisions.lookup(pod.key());
        List<NodeVerdict> now = known;
        if (now == null && demand.kind() != PodDemand.Kind.NONE && (decision.isEmpty() || demand.kind() == PodDemand.Kind.INVALID)) {
            now = Evaluation.judgeAll(prepared, sortedNodes != null ? sortedNodes : Evaluation.sorted(in.cluster()));
        }
        List<NodeVerdict> basis = decision.isPresent() ? decision.get().verdicts() : now == null ? List.of() : now;
        List<ReasonGroups.Group> groups = ReasonGroups.of(basis);
        List<String> fitting = new ArrayList<>();
        int rejected = 0;
        for (NodeVerdict verdict : now == null ? List.<NodeVerdict>of() : now) {
            if (verdict.fits()) {
                fitting.add(verdict.node());
            }
        }
        for (NodeVerdict verdict : basis) {
            rejected += verdict.fits() ? 0 : 1;
        }
        String request = demand.kind() == PodDemand.Kind.INVALID ? pod.annotations().getOrDefault(DemandReader.GPU_ANNOTATION, "invalid")
                : demand.kind() == PodDemand.Kind.NONE ? "none" : demand.describe();
        String summary;
        if (demand.kind() == PodDemand.Kind.NONE) {
            summary = "asks for no GPU the extender places";
        } else if (decision.isPresent() && decision.get().chosen() != null) {
            summary = "the filter chose " + decision.get().chosen() + "; not bound yet";
        } else if (!groups.isEmpty() && (decision.isPresent() || fitting.isEmpty())) {
            summary = summary(groups);
        } else if (!fitting.isEmpty()) {
            summary = "fits now on " + fitting.get(0) + (fitting.size() > 1 ? " and " + (fitting.size() - 1) + " more nodes" : "")
                    + "; kube-scheduler's own checks (taints, CPU, memory, affinity) hold it, or it has not asked the extender yet";
        } else {
            summary = "no node is known yet";
        }
        long waited = Math.max(0, Duration.between(pod.createdAt(), in.now()).toSeconds());
        Item item = new Item(pod.key(), pod.namespace(), pod.name(), NodeLayout.team(pod.namespace(), config.teams()), request,
                pod.schedulerName() == null ? "default-scheduler" : pod.schedulerName(), pod.createdAt(), waited,
                decision.isPresent() ? "filter" : "console", decision.map(DecisionLookup.LastDecision::at).orElse(null),
                decision.map(DecisionLookup.LastDecision::chosen).orElse(null), summary, rejected, fitting.size(),
                List.copyOf(fitting.subList(0, Math.min(10, fitting.size()))));
        return new Built(item, demand, prepared, now, decision.orElse(null));
    }

    /** The groups in a line: those busy now by name, then how many nodes can never take the pod and the commonest why. */
    static String summary(List<ReasonGroups.Group> groups) {
        List<String> parts = new ArrayList<>();
        int never = 0;
        ReasonGroups.Group firstNever = null;
        for (ReasonGroups.Group group : groups) {
            if (group.outcome().equals("occupied")) {
                if (parts.size() < 2) {
                    parts.add(group.text());
                }
            } else {
                never += group.count();
                firstNever = firstNever == null ? group : firstNever;
            }
        }
        if (firstNever != null) {
            parts.add(parts.isEmpty() ? "no node can ever take it as asked: " + firstNever.text()
                    + (never > firstNever.count() ? " (" + (never - firstNever.count()) + " more nodes for other reasons)" : "")
                    : never + (never == 1 ? " other node never can" : " other nodes never can") + " (" + firstNever.reason()
                    + (groups.size() > parts.size() + 1 ? ", …" : "") + ")");
        }
        return String.join("; ", parts);
    }

    private Detail detail(ConsoleInputs in, PendingPod pod) {
        PodDemand demand = demands.read(pod);
        List<NodeVerdict> now = demand.kind() == PodDemand.Kind.NONE ? List.of() : Evaluation.judgeAll(fit.prepare(demand), in.cluster());
        Built built = item(in, pod, now, null);
        Judgement last = null;
        if (built.decision() != null) {
            last = new Judgement("filter", built.decision().at(), built.decision().chosen(), built.decision().verdicts().size(),
                    ReasonGroups.of(built.decision().verdicts()), fitNotes(in, built.decision().verdicts()));
        }
        List<FitNote> fits = fitNotes(in, now);
        Judgement current = new Judgement("console", in.now(), null, now.size(), ReasonGroups.of(now), fits);
        List<Counterfactuals.Counterfactual> counterfactuals = demand.isGpuPod() && fits.isEmpty()
                ? Counterfactuals.find(built.prepared(), in.cluster(), now) : List.of();
        String explanation;
        if (demand.kind() == PodDemand.Kind.INVALID) {
            explanation = "its request cannot be used: " + demand.problem();
        } else if (!fits.isEmpty()) {
            explanation = "it fits by GPU now on " + fits.size() + (fits.size() == 1 ? " node" : " nodes")
                    + ": kube-scheduler places it on its next attempt unless its own checks (taints, CPU, memory, affinity) refuse those nodes";
        } else if (!counterfactuals.isEmpty()) {
            explanation = current.groups().isEmpty() ? counterfactuals.get(0).text()
                    : current.groups().get(0).text() + "; it " + counterfactuals.get(0).text();
        } else {
            boolean unresolvable = current.groups().stream().allMatch(g -> g.outcome().equals("unresolvable"));
            explanation = (current.groups().isEmpty() ? "no GPU node is known" : current.groups().get(0).text())
                    + (unresolvable && !current.groups().isEmpty() ? "; no node of this cluster can ever take it as asked" : "");
        }
        return new Detail(in.now(), built.item(), demand.problem(), last, current, counterfactuals, explanation);
    }

    private static List<FitNote> fitNotes(ConsoleInputs in, List<NodeVerdict> verdicts) {
        List<FitNote> out = new ArrayList<>();
        for (NodeVerdict verdict : verdicts) {
            if (!verdict.fits()) {
                continue;
            }
            NodeState state = in.cluster().nodeOrNull(verdict.node());
            List<String> taints = new ArrayList<>();
            if (state != null && state.node() != null) {
                for (Taint taint : state.node().taints()) {
                    if (!taint.effect().equals("PreferNoSchedule")) {
                        taints.add(taint.key() + (taint.value().isEmpty() ? "" : "=" + taint.value()) + ":" + taint.effect());
                    }
                }
            }
            out.add(new FitNote(verdict.node(), taints.isEmpty() ? null : "tainted " + String.join(", ", taints)
                    + ": the pod must tolerate " + (taints.size() == 1 ? "it" : "them")));
        }
        return out;
    }
}
