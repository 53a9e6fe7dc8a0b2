package io.kubegpu.extender.bind;

import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.cluster.state.Reservation;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.NodeVerdict;
import io.kubegpu.extender.decision.PodDemand;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses a pod's GPUs on its node and reserves them in one step per node, so two binds racing for
 * the same node never take the same free GPU. The reservation holds until the watch shows the pod
 * bound (or it expires, or the bind fails and releases it).
 */
public final class GpuAllocator {
    private final ClusterState state;
    private final GpuFit fit;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Object> nodeLocks = new ConcurrentHashMap<>();

    public GpuAllocator(ClusterState state, GpuFit fit, Duration ttl, Clock clock) {
        this.state = state;
        this.fit = fit;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The outcome: the verdict, and the reservation made when it fits. */
    public record Allocation(NodeVerdict verdict, Reservation reservation) {
        public boolean succeeded() {
            return reservation != null;
        }
    }

    /**
     * Decides on {@code nodeName} from the current snapshot and reserves. {@code assigned} are slices the
     * pod already carries for this node (a retried bind): they are reserved as they are.
     */
    public Allocation allocate(PodDemand demand, String nodeName, List<GpuSlice> assigned) {
        synchronized (nodeLocks.computeIfAbsent(nodeName, n -> new Object())) {
            NodeState usage = state.snapshot().node(nodeName).orElse(null);
            GpuNode node = usage == null ? null : usage.node();
            NodeVerdict verdict;
            if (!assigned.isEmpty()) {
                verdict = new NodeVerdict(nodeName, NodeVerdict.Outcome.FITS, "", assigned, false);
            } else {
                // A retry of the same pod must not count its own earlier reservation against it.
                NodeState withoutSelf = usage;
                if (usage != null && usage.reservations().stream().anyMatch(r -> r.podUid().equals(demand.podUid()))) {
                    state.release(demand.podUid());
                    withoutSelf = state.snapshot().node(nodeName).orElse(null);
                }
                verdict = fit.judge(nodeName, demand, node, withoutSelf);
            }
            if (!verdict.fits()) {
                return new Allocation(verdict, null);
            }
            Map<String, Long> requests = demand.kind() == PodDemand.Kind.WHOLE ? Map.of(demand.resource(), (long) demand.count()) : Map.of();
            Reservation reservation = new Reservation(demand.podUid(), demand.podKey(), nodeName, requests, verdict.slices(),
                    clock.instant().plus(ttl));
            state.reserve(reservation);
            return new Allocation(verdict, reservation);
        }
    }

    public void release(String podUid) {
        state.release(podUid);
    }
}
