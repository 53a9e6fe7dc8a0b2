package io.kubegpu.extender.bind;

import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.PodDemand;
import io.kubegpu.extender.wire.BindArgs;
import java.util.Map;
import java.util.Optional;

/**
 * Binding for the embedded default (no API server): the pod is recorded in the cluster state as bound,
 * as the watch would report it, so the next filter sees its GPUs taken.
 */
public final class InMemoryBinder implements Binder {
    private final ClusterState state;
    private final GpuAllocator allocator;
    private final DemandReader demands;
    private final PodCache pods;
    private final BindGate gate;

    public InMemoryBinder(ClusterState state, GpuAllocator allocator, DemandReader demands, PodCache pods, BindGate gate) {
        this.state = state;
        this.allocator = allocator;
        this.demands = demands;
        this.pods = pods;
        this.gate = gate;
    }

    @Override
    public String bind(BindArgs args) {
        GpuPod bound = state.pod(args.podUid());
        if (bound != null && args.node().equals(bound.nodeName())) {
            return ""; // A retry of a bind that already happened.
        }
        var pod = pods.get(args.podUid());
        if (pod.isEmpty()) {
            return "pod " + args.podKey() + " (uid " + args.podUid() + ") was not seen in a filter request; the embedded cluster cannot look it up";
        }
        PodDemand demand = demands.read(pod.get());
        Optional<String> refused = gate.refusal(args, pod.get(), demand);
        if (refused.isPresent()) {
            return refused.get();
        }
        var allocation = allocator.allocate(demand, args.node());
        if (!allocation.succeeded()) {
            return allocation.verdict().reason();
        }
        long held = demand.kind() == PodDemand.Kind.WHOLE ? demand.count()
                : allocation.verdict().slices().stream().mapToLong(GpuSlice::memoryMiB).sum() / 1024;
        state.upsertPod(new GpuPod(args.podUid(), args.podNamespace(), args.podName(), args.node(), false, Map.of(demand.resource(),
                Math.max(1, held)), allocation.verdict().slices()));
        return "";
    }
}
