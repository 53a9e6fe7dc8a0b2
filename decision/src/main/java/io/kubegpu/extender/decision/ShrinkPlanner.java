package io.kubegpu.extender.decision;

import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.NodeState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The elastic shrink's decisions, pure: which elastic workloads to scale down, by how many replicas, for a
 * higher-priority GPU pod that cannot be placed — judged by the filter's own {@link GpuFit}, on one node, as the
 * preempt verb judges victims — and how many replicas of a shrunk workload fit again.
 */
public final class ShrinkPlanner {
    private final GpuFit fit;

    public ShrinkPlanner(GpuFit fit) {
        this.fit = fit;
    }

    /**
     * An elastic workload.
     *
     * @param replicas           its replicas now
     * @param min                never below this ({@code kubegpu.io/elastic: "min=N"})
     * @param disruptionsAllowed what its PodDisruptionBudgets allow now ({@link Integer#MAX_VALUE} without one)
     * @param pods               its running GPU pods
     */
    public record Workload(String namespace, String name, int replicas, int min, int disruptionsAllowed, List<GpuPod> pods) {
        public Workload {
            pods = List.copyOf(pods);
        }

        public String key() {
            return namespace + "/" + name;
        }

        /** How many replicas it may give up: down to its minimum, and within its disruption budget. */
        public int budget() {
            return Math.max(0, Math.min(replicas - min, disruptionsAllowed));
        }
    }

    /**
     * A shrink: on {@code node}, these replicas' GPUs make the pod fit.
     *
     * @param shrinkBy replicas to remove per workload key
     * @param replicas the replicas whose GPUs are counted
     * @param gpu      for a share, the GPU it would take; -1 otherwise
     */
    public record Plan(String node, Map<String, Integer> shrinkBy, List<GpuPod> replicas, int gpu) {
        public Plan {
            shrinkBy = Map.copyOf(shrinkBy);
            replicas = List.copyOf(replicas);
        }
    }

    /** Shrink order: lowest priority first, then the replica holding the most GPUs (fewest replicas), then the youngest. */
    private static final Comparator<GpuPod> SHRINK_FIRST = Comparator.comparingInt(GpuPod::priority)
            .thenComparing(Comparator.comparingLong(VictimSelection::gpusHeld).reversed())
            .thenComparing(GpuPod::createdAt, Comparator.nullsFirst(Comparator.<java.time.Instant>naturalOrder()).reversed())
            .thenComparing(GpuPod::uid);

    /**
     * The smallest shrink that lets {@code demand} fit on one node, or empty when it already fits somewhere (kube-scheduler
     * will place it) or no shrink within the workloads' budgets makes it fit.
     */
    public Optional<Plan> plan(PodDemand demand, int priority, List<NodeState> nodes, List<Workload> workloads) {
        if (!demand.isGpuPod()) {
            return Optional.empty();
        }
        GpuFit.Prepared prepared = fit.prepare(demand);
        Map<String, Workload> owner = new HashMap<>();
        for (Workload workload : workloads) {
            for (GpuPod pod : workload.pods()) {
                owner.put(pod.uid(), workload);
            }
        }
        Plan best = null;
        for (NodeState node : nodes) {
            if (node.node() == null) {
                continue;
            }
            if (prepared.judge(node.name(), node.node(), node).fits()) {
                return Optional.empty();
            }
            List<GpuPod> candidates = new ArrayList<>();
            for (GpuPod pod : node.pods()) {
                Workload workload = owner.get(pod.uid());
                if (workload != null && pod.priority() < priority && workload.budget() > 0) {
                    candidates.add(pod);
                }
            }
            candidates.sort(SHRINK_FIRST);
            Plan plan = onNode(prepared, node, candidates, owner);
            if (plan != null && (best == null || better(plan, best))) {
                best = plan;
            }
        }
        return Optional.ofNullable(best);
    }

    private static boolean better(Plan a, Plan b) {
        if (a.replicas().size() != b.replicas().size()) {
            return a.replicas().size() < b.replicas().size();
        }
        return a.node().compareTo(b.node()) < 0;
    }

    private static Plan onNode(GpuFit.Prepared prepared, NodeState node, List<GpuPod> candidates, Map<String, Workload> owner) {
        Set<String> removed = new HashSet<>();
        Map<String, Integer> taken = new HashMap<>();
        boolean fits = false;
        for (GpuPod pod : candidates) {
            Workload workload = owner.get(pod.uid());
            if (taken.getOrDefault(workload.key(), 0) >= workload.budget()) {
                continue;
            }
            removed.add(pod.uid());
            taken.merge(workload.key(), 1, Integer::sum);
            if (prepared.judge(node.name(), node.node(), node.withoutPods(removed)).fits()) {
                fits = true;
                break;
            }
        }
        if (!fits) {
            return null;
        }
        // Give back, most important first, every replica the pod does not need.
        List<GpuPod> chosen = new ArrayList<>(candidates.stream().filter(p -> removed.contains(p.uid())).toList());
        for (int i = chosen.size() - 1; i >= 0; i--) {
            GpuPod pod = chosen.get(i);
            removed.remove(pod.uid());
            if (!prepared.judge(node.name(), node.node(), node.withoutPods(removed)).fits()) {
                removed.add(pod.uid());
            }
        }
        NodeVerdict verdict = prepared.judge(node.name(), node.node(), node.withoutPods(removed));
        Map<String, Integer> shrinkBy = new LinkedHashMap<>();
        List<GpuPod> replicas = new ArrayList<>();
        for (GpuPod pod : candidates) {
            if (removed.contains(pod.uid())) {
                replicas.add(pod);
                shrinkBy.merge(owner.get(pod.uid()).key(), 1, Integer::sum);
            }
        }
        return new Plan(node.name(), shrinkBy, replicas, verdict.slices().isEmpty() ? -1 : verdict.slices().get(0).index());
    }

    /**
     * How many of {@code wanted} replicas of {@code replica} fit the nodes now, placed one after another (each placed
     * replica's GPUs counted for the next), nodes in name order.
     */
    public int restorable(PodDemand replica, List<NodeState> nodes, int wanted) {
        if (!replica.isGpuPod() || wanted <= 0) {
            return 0;
        }
        GpuFit.Prepared prepared = fit.prepare(replica);
        List<NodeState> current = new ArrayList<>(nodes.stream().filter(n -> n.node() != null)
                .sorted(Comparator.comparing(NodeState::name)).toList());
        int placed = 0;
        while (placed < wanted) {
            boolean any = false;
            for (int i = 0; i < current.size() && !any; i++) {
                NodeState node = current.get(i);
                NodeVerdict verdict = prepared.judge(node.name(), node.node(), node);
                if (verdict.fits()) {
                    Map<String, Long> requests = replica.kind() == PodDemand.Kind.WHOLE ? Map.of(replica.resource(), (long) replica.count())
                            : Map.of(replica.resource(), (long) Math.max(1, (verdict.slices().get(0).memoryMiB() + 1023) / 1024));
                    current.set(i, node.plus(new GpuPod("restore-" + placed, "restore", "replica-" + placed, node.name(), false, requests,
                            verdict.slices())));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
            placed++;
        }
        return placed;
    }
}
