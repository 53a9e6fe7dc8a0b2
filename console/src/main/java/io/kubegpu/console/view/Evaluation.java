package io.kubegpu.console.view;

import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.NodeVerdict;
import java.util.ArrayList;
import java.util.List;

/** The extender's fit judged on every node of a snapshot, as a filter over all of them would: no reservation, no side effect. */
final class Evaluation {
    private Evaluation() {
    }

    /** One verdict per node that has its Node object, sorted by node name. */
    static List<NodeVerdict> judgeAll(GpuFit.Prepared prepared, ClusterSnapshot snapshot) {
        return judgeAll(prepared, sorted(snapshot));
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
                out.add(prepared.judge(usage.name(), node, usage));
            }
        }
        return out;
    }
}
