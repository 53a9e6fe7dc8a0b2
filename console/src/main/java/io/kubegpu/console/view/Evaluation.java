package io.kubegpu.console.view;

import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.NodeVerdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The extender's fit judged on every node of a snapshot, as a filter over all of them would: no reservation, no side effect.
 * One thing differs from the filter's words: a cordoned or NotReady node that could never take the pod anyway (another
 * model, too small) is reported by why it never could, since being cordoned is not what keeps the pod off it.
 */
final class Evaluation {
    private Evaluation() {
    }

    /** One verdict per node that has its Node object, sorted by node name. */
    static List<NodeVerdict> judgeAll(GpuFit.Prepared prepared, ClusterSnapshot snapshot) {
        return judgeAll(prepared, sorted(snapshot));
    }

    /** The node as it would be Ready and uncordoned. */
    static GpuNode usable(GpuNode node) {
        return new GpuNode(node.name(), true, false, node.taints(), node.modelLabel(), node.model(), node.gpuMemoryMiB(), node.gpuCount(),
                node.allocatable(), node.usableMemoryMiB(), node.unhealthyGpus());
    }

    /** The snapshot's nodes by name: sort once, judge many pods. */
    static List<NodeState> sorted(ClusterSnapshot snapshot) {
        List<NodeState> nodes = new ArrayList<>(snapshot.nodes());
        nodes.sort((a, b) -> a.name().compareTo(b.name()));
        return nodes;
    }

    /** One verdict per node of {@code nodes} (sorted by name) that has its Node object. */
    static List<NodeVerdict> judgeAll(GpuFit.Prepared prepared, List<NodeState> nodes) {
        List<NodeVerdict> out = new ArrayList<>(nodes.size());
        for (NodeState usage : nodes) {
            GpuNode node = usage.node();
            if (node != null) {
                NodeVerdict verdict = prepared.judge(usage.name(), node, usage);
                if (verdict.outcome() == NodeVerdict.Outcome.OCCUPIED && (!node.ready() || node.unschedulable())) {
                    NodeVerdict usable = prepared.judge(usage.name(), usable(node), usage);
                    if (usable.outcome() == NodeVerdict.Outcome.UNRESOLVABLE) {
                        verdict = usable;
                    }
                }
                out.add(verdict);
            }
        }
        return out;
    }
}
