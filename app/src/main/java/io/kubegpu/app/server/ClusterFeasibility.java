package io.kubegpu.app.server;

import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.NodeVerdict;
import io.kubegpu.request.GpuRequest;
import io.kubegpu.webhook.mutation.FleetFeasibility;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Judges a request against every node of the cluster state with the extender's own fit, as if the node
 * were empty: only what can never change (model, card size, GPU count) rules a node out. Nodes that are
 * full, NotReady or cordoned still count as possible.
 */
final class ClusterFeasibility implements FleetFeasibility {
    private final ClusterState state;
    private final DemandReader demands;
    private final GpuFit fit;

    ClusterFeasibility(ClusterState state, DemandReader demands, GpuFit fit) {
        this.state = state;
        this.demands = demands;
        this.fit = fit;
    }

    @Override
    public Optional<String> neverFits(GpuRequest request, int minTotalMiB) {
        ClusterSnapshot snapshot = state.snapshot();
        if (!snapshot.synced() || snapshot.nodeCount() == 0) {
            return Optional.empty();
        }
        GpuFit.Prepared prepared = fit.prepare(demands.fromRequest("admission", null, request, minTotalMiB, null));
        Map<String, Integer> reasons = new LinkedHashMap<>();
        int nodes = 0;
        for (NodeState state : snapshot.nodes()) {
            if (state.node() == null) {
                continue;
            }
            nodes++;
            NodeVerdict verdict = prepared.judge(state.name(), always(state.node()), null);
            if (verdict.outcome() != NodeVerdict.Outcome.UNRESOLVABLE) {
                return Optional.empty();
            }
            reasons.merge(verdict.reason(), 1, Integer::sum);
        }
        String summary = reasons.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(3)
                .map(e -> e.getValue() + " × " + e.getKey()).collect(Collectors.joining("; "));
        return Optional.of("none of the " + nodes + " nodes can ever take it (" + summary + ")");
    }

    /** As if Ready, uncordoned, healthy and empty: those change; the model, card size and GPU count do not. */
    private static GpuNode always(GpuNode node) {
        return new GpuNode(node.name(), true, false, node.taints(), node.modelLabel(), node.model(), node.gpuMemoryMiB(), node.gpuCount(),
                node.allocatable(), node.usableMemoryMiB(), List.of());
    }

    @Override
    public OptionalInt usableMemoryMiB(GpuRequest request) {
        return request.models().isEmpty() ? OptionalInt.empty() : smallestCardMiB(request);
    }

    @Override
    public OptionalInt smallestCardMiB(GpuRequest request) {
        ClusterSnapshot snapshot = state.snapshot();
        if (!snapshot.synced() || request.isWhole()) {
            return OptionalInt.empty();
        }
        GpuFit.Prepared prepared = fit.prepare(demands.fromRequest("admission", null, request, 0, null));
        int smallest = Integer.MAX_VALUE;
        for (NodeState state : snapshot.nodes()) {
            GpuNode node = state.node();
            if (node != null && node.usableMemoryMiB() > 0 && prepared.judge(state.name(), always(node), null).fits()) {
                smallest = Math.min(smallest, node.usableMemoryMiB());
            }
        }
        return smallest == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(smallest);
    }
}
