package io.kubegpu.console.view;

import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.cluster.state.Reservation;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.NodeVerdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What would let a waiting pod fit: "would fit on gpu-t4-3 if team-cv/infer-ocr finished", "… once gpu-a10-1 is
 * uncordoned". Each is the extender's own fit judged again on a copy of one node's state (without the pods named, or
 * with the node Ready and uncordoned); the cluster state is never changed.
 */
public final class Counterfactuals {
    /** At most this many answers, fewest pods first. */
    public static final int LIMIT = 5;
    /** At most this many pods finishing together are considered on one node. */
    static final int MOST_PODS = 3;
    /** Nodes examined at most, so a detail page stays fast on a very large cluster. */
    static final int MOST_NODES = 2_000;

    private Counterfactuals() {
    }

    /**
     * One way the pod would fit.
     *
     * @param node      where
     * @param finishing the pods (namespace/name) that would have to finish or be preempted; empty for a node condition
     * @param condition what else would have to change ("uncordoned", "Ready"), or null
     * @param text      the sentence
     */
    public record Counterfactual(String node, List<String> finishing, String condition, String text) {
    }

    /** The ways the pod would fit on the nodes where it is occupied now, fewest pods first, then by node name. */
    public static List<Counterfactual> find(GpuFit.Prepared prepared, ClusterSnapshot snapshot, List<NodeVerdict> verdicts) {
        List<NodeVerdict> occupied = new ArrayList<>();
        for (NodeVerdict verdict : verdicts) {
            if (verdict.outcome() == NodeVerdict.Outcome.OCCUPIED) {
                occupied.add(verdict);
            }
        }
        occupied.sort(Comparator.comparing(NodeVerdict::node));
        List<Counterfactual> out = new ArrayList<>();
        int singles = 0;
        for (int i = 0; i < occupied.size() && i < MOST_NODES && singles < LIMIT; i++) {
            String name = occupied.get(i).node();
            NodeState usage = snapshot.nodeOrNull(name);
            if (usage == null || usage.node() == null) {
                continue;
            }
            Counterfactual found = onNode(prepared, name, usage);
            if (found != null) {
                out.add(found);
                singles += found.finishing().size() <= 1 ? 1 : 0;
            }
        }
        out.sort(Comparator.<Counterfactual>comparingInt(c -> c.finishing().size()).thenComparing(Counterfactual::node));
        return List.copyOf(out.subList(0, Math.min(LIMIT, out.size())));
    }

    private static Counterfactual onNode(GpuFit.Prepared prepared, String name, NodeState usage) {
        GpuNode node = usage.node();
        if (!node.ready() || node.unschedulable()) {
            if (!prepared.judge(name, Evaluation.usable(node), usage).fits()) {
                return null;
            }
            String condition = !node.ready() ? (node.unschedulable() ? "Ready and uncordoned" : "Ready") : "uncordoned";
            return new Counterfactual(name, List.of(), condition, "would fit on " + name + " once it is " + condition + " again");
        }
        List<String[]> holders = new ArrayList<>();
        for (GpuPod pod : usage.pods()) {
            holders.add(new String[] {pod.uid(), pod.key(), Long.toString(weight(pod.requests(), pod.slices().size()))});
        }
        for (Reservation reservation : usage.reservations()) {
            holders.add(new String[] {reservation.podUid(), reservation.podKey() + " (reserved)",
                    Long.toString(weight(reservation.requests(), reservation.slices().size()))});
        }
        holders.sort(Comparator.comparing((String[] h) -> h[1]));
        for (String[] holder : holders) {
            if (prepared.judge(name, node, usage.withoutHolder(holder[0])).fits()) {
                return new Counterfactual(name, List.of(holder[1]), null, "would fit on " + name + " if " + holder[1] + " finished");
            }
        }
        // Several pods together: the largest first, as few as it takes.
        holders.sort(Comparator.comparingLong((String[] h) -> -Long.parseLong(h[2])).thenComparing(h -> h[1]));
        NodeState without = usage;
        List<String> finishing = new ArrayList<>();
        for (int k = 0; k < holders.size() && k < MOST_PODS; k++) {
            without = without.withoutHolder(holders.get(k)[0]);
            finishing.add(holders.get(k)[1]);
            if (k > 0 && prepared.judge(name, node, without).fits()) {
                return new Counterfactual(name, List.copyOf(finishing), null,
                        "would fit on " + name + " if " + String.join(" and ", finishing) + " finished");
            }
        }
        return null;
    }

    private static long weight(java.util.Map<String, Long> requests, int slices) {
        long total = slices;
        for (long amount : requests.values()) {
            total += amount;
        }
        return total;
    }
}
