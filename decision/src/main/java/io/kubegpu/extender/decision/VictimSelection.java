package io.kubegpu.extender.decision;

import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.NodeState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The preempt verb's decision for one candidate node: whether the preemptor fits once kube-scheduler's proposed victims
 * are gone — judged by the filter's own {@link GpuFit}, per GPU for shares and per free GPU for whole pods — and the
 * smallest part of that proposal it needs. kube-scheduler proposes victims from node totals (all of a node's
 * {@code aliyun.com/gpu-mem}, all of its {@code nvidia.com/gpu}); a share needs its memory and compute on one card, so
 * the proposal may free enough in total and nothing on any one card (the node is dropped), or more than one card needs
 * (the rest are kept).
 *
 * <p>Victims are only ever taken from the proposal, never added. Pods of equal or higher priority and pods of elastic
 * workloads are never evicted (the elastic-shrink controller scales those down instead). Proposed UIDs that are not GPU
 * pods of the node in the extender's state (pods without GPUs that kube-scheduler chose for its own resources, CPU or
 * memory) are passed through as proposed: dropping them could leave the preemptor short of CPU for good.
 *
 * <p>The minimal set is found as kube-scheduler finds its own: every eligible victim out, then each one put back, most
 * important first (highest priority, then most GPUs held, then oldest), and kept when the pod still fits. So the victims
 * are the lowest priority first, then those holding the fewest GPUs, then the youngest, and no single victim could be
 * spared.
 */
public final class VictimSelection {
    private final GpuFit fit;

    public VictimSelection(GpuFit fit) {
        this.fit = fit;
    }

    /** kube-scheduler's proposal for one node: victim UIDs and the PodDisruptionBudget violations it counted. */
    public record Proposal(String node, List<String> uids, long pdbViolations) {
        public Proposal {
            uids = List.copyOf(uids);
        }
    }

    public enum Role {
        /** Evicted: the pod does not fit without it. */
        EVICT,
        /** Proposed but kept: not needed, of equal or higher priority, or elastic. */
        KEPT,
        /** Not a GPU pod of the node in our state: returned as kube-scheduler proposed it. */
        PASSED_THROUGH
    }

    /** What became of one proposed victim, and why; {@code pod} is null for a UID not in our state. */
    public record Victim(String uid, GpuPod pod, Role role, String why) {
        public String describe() {
            return pod == null ? uid : pod.key();
        }
    }

    /**
     * The answer for one node.
     *
     * @param kept          whether the node stays a candidate (with {@link #victimUids()}, never empty)
     * @param reason        why it was dropped; empty when kept
     * @param gpu           for a share that fits, the GPU it would take; -1 otherwise
     * @param victims       every proposed victim with its role and reason, in the order proposed
     * @param pdbViolations the violations to report: kube-scheduler's count, at most one per victim left
     */
    public record NodeResult(String node, boolean kept, String reason, int gpu, List<Victim> victims, long pdbViolations) {
        public NodeResult {
            victims = List.copyOf(victims);
        }

        /** The UIDs to answer with: those evicted and those passed through. */
        public List<String> victimUids() {
            List<String> out = new ArrayList<>();
            for (Victim victim : victims) {
                if (kept && victim.role() != Role.KEPT) {
                    out.add(victim.uid());
                }
            }
            return out;
        }
    }

    /** Eviction order: lowest priority, then fewest GPUs held, then youngest (unknown age counts as youngest), then UID. */
    static final Comparator<GpuPod> EVICT_FIRST = Comparator.comparingInt(GpuPod::priority)
            .thenComparingLong(VictimSelection::gpusHeld)
            .thenComparing(GpuPod::createdAt, Comparator.nullsFirst(Comparator.<Instant>naturalOrder()).reversed())
            .thenComparing(GpuPod::uid);

    /**
     * Judges one node.
     *
     * @param demand   the preemptor's demand
     * @param priority the preemptor's priority
     * @param usage    the node in the extender's state (null when unknown)
     */
    public NodeResult judge(PodDemand demand, int priority, Proposal proposal, NodeState usage) {
        String nodeName = proposal.node();
        Map<String, GpuPod> onNode = new HashMap<>();
        if (usage != null) {
            for (GpuPod pod : usage.pods()) {
                onNode.put(pod.uid(), pod);
            }
        }
        List<Victim> decided = new ArrayList<>();
        List<GpuPod> eligible = new ArrayList<>();
        for (String uid : new LinkedHashSet<>(proposal.uids())) {
            GpuPod pod = onNode.get(uid);
            if (pod == null) {
                decided.add(new Victim(uid, null, Role.PASSED_THROUGH, "not a GPU pod on " + nodeName
                        + " in the extender's state: kube-scheduler's choice for its own resources, passed through"));
            } else if (pod.priority() >= priority) {
                decided.add(new Victim(uid, pod, Role.KEPT, "priority " + pod.priority() + " is not below the preemptor's " + priority));
            } else if (pod.elastic()) {
                decided.add(new Victim(uid, pod, Role.KEPT, "elastic workload: the elastic-shrink controller scales it down instead"));
            } else {
                eligible.add(pod);
                decided.add(null); // Filled in below, in the proposal's order.
            }
        }
        GpuNode node = usage == null ? null : usage.node();
        if (node == null) {
            return dropped(proposal, decided, eligible, "node " + nodeName + " is not in the GPU extender's cluster state");
        }
        GpuFit.Prepared prepared = fit.prepare(demand);
        Set<String> removed = new HashSet<>();
        eligible.forEach(p -> removed.add(p.uid()));
        NodeVerdict all = prepared.judge(nodeName, node, usage.withoutPods(removed));
        if (!all.fits()) {
            String why = eligible.isEmpty() ? "no proposed victim may be evicted, and the pod does not fit as the node is: "
                    : "the pod does not fit even without all " + eligible.size() + " victims it may evict: ";
            return dropped(proposal, decided, eligible, why + all.reason());
        }
        // Put back the most important first; a victim stays evicted only when the pod no longer fits with it back.
        List<GpuPod> mostImportantFirst = new ArrayList<>(eligible);
        mostImportantFirst.sort(EVICT_FIRST.reversed());
        Map<String, Victim> outcome = new HashMap<>();
        NodeVerdict last = all;
        for (GpuPod pod : mostImportantFirst) {
            removed.remove(pod.uid());
            NodeVerdict without = prepared.judge(nodeName, node, usage.withoutPods(removed));
            if (without.fits()) {
                last = without;
                outcome.put(pod.uid(), new Victim(pod.uid(), pod, Role.KEPT, "not needed: the pod fits " + where(without) + " with it kept"));
            } else {
                removed.add(pod.uid());
            }
        }
        NodeVerdict finalVerdict = prepared.judge(nodeName, node, usage.withoutPods(removed));
        int gpu = finalVerdict.slices().isEmpty() ? -1 : finalVerdict.slices().get(0).index();
        for (GpuPod pod : eligible) {
            if (removed.contains(pod.uid())) {
                outcome.put(pod.uid(), new Victim(pod.uid(), pod, Role.EVICT, "needed: holds " + holds(pod, gpu)
                        + "; the pod does not fit " + where(finalVerdict) + " with it kept"));
            }
        }
        List<Victim> victims = fill(decided, eligible, outcome);
        long evictions = victims.stream().filter(v -> v.role() != Role.KEPT).count();
        if (evictions == 0) {
            // Never a node with no victims: kube-scheduler 1.22+ refuses such a reply, and nothing of ours would be freed.
            return new NodeResult(nodeName, false, "the pod fits " + where(last) + " without evicting any proposed victim; "
                    + "its GPUs are not what keeps it off this node", gpu, victims, 0);
        }
        return new NodeResult(nodeName, true, "", gpu, victims, Math.min(proposal.pdbViolations(), evictions));
    }

    private static NodeResult dropped(Proposal proposal, List<Victim> decided, List<GpuPod> eligible, String reason) {
        Map<String, Victim> outcome = new HashMap<>();
        for (GpuPod pod : eligible) {
            outcome.put(pod.uid(), new Victim(pod.uid(), pod, Role.KEPT, "node dropped"));
        }
        return new NodeResult(proposal.node(), false, reason, -1, fill(decided, eligible, outcome), 0);
    }

    private static List<Victim> fill(List<Victim> decided, List<GpuPod> eligible, Map<String, Victim> outcome) {
        List<Victim> out = new ArrayList<>(decided.size());
        int next = 0;
        for (Victim victim : decided) {
            out.add(victim != null ? victim : outcome.get(eligible.get(next++).uid()));
        }
        return out;
    }

    private static String where(NodeVerdict verdict) {
        return verdict.slices().isEmpty() ? "on the node's free GPUs" : "on GPU " + verdict.slices().get(0).index();
    }

    /** What a victim holds, for the reason: its slice on the preemptor's GPU, or its whole GPUs. */
    private static String holds(GpuPod pod, int gpu) {
        for (GpuSlice slice : pod.slices()) {
            if (slice.index() == gpu) {
                return GpuFit.gib(slice.memoryMiB()) + (slice.milli() > 0 ? " and " + GpuFit.share(slice.milli()) : "") + " on GPU " + gpu;
            }
        }
        if (!pod.slices().isEmpty()) {
            return "a share of GPU " + pod.slices().get(0).index();
        }
        return gpusHeld(pod) + " whole GPU" + (gpusHeld(pod) == 1 ? "" : "s");
    }

    /** GPUs a pod holds: its shared GPUs, else its whole-GPU requests. */
    static long gpusHeld(GpuPod pod) {
        if (!pod.slices().isEmpty()) {
            return pod.slices().size();
        }
        long whole = 0;
        for (Map.Entry<String, Long> request : pod.requests().entrySet()) {
            if (!request.getKey().equals(io.kubegpu.api.Annotations.GPUSHARE_MEMORY_RESOURCE)
                    && !request.getKey().equals(io.kubegpu.api.Annotations.GPUSHARE_COUNT_RESOURCE)) {
                whole += request.getValue();
            }
        }
        return whole;
    }
}
