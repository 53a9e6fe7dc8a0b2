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

    /** Decides on {@code nodeName} from the current snapshot and reserves. */
    public Allocation allocate(PodDemand demand, String nodeName) {
        return allocate(demand, nodeName, List.of());
    }

    /**
     * Decides on {@code nodeName} from the current snapshot and reserves. {@code preferred} are slices this process
     * already chose for the pod on this node (a retried bind): they are kept when they still fit, judged like any new
     * choice, so a retry never re-points a pod the device plugin may already be serving, and never over-fills a GPU.
     */
    public Allocation allocate(PodDemand demand, String nodeName, List<GpuSlice> preferred) {
        synchronized (nodeLocks.computeIfAbsent(nodeName, n -> new Object())) {
            NodeState usage = state.snapshot().node(nodeName).orElse(null);
            // A retry of the same pod must not count its own earlier reservation against it.
            if (usage != null && usage.reservations().stream().anyMatch(r -> r.podUid().equals(demand.podUid()))) {
                state.release(demand.podUid());
                usage = state.snapshot().node(nodeName).orElse(null);
            }
            GpuNode node = usage == null ? null : usage.node();
            NodeVerdict verdict = null;
            if (!preferred.isEmpty()) {
                NodeVerdict kept = fit.judgeSlices(nodeName, demand, node, usage, preferred);
                verdict = kept.fits() ? kept : null;
            }
            if (verdict == null) {
                verdict = fit.judge(nodeName, demand, node, usage);
            }
            if (!verdict.fits()) {
                return new Allocation(verdict, null);
            }
            Map<String, Long> requests = demand.kind() == PodDemand.Kind.WHOLE ? Map.of(demand.resource(), (long) demand.count()) : Map.of();
            Reservation reservation = new Reservation(demand.podUid(), demand.podKey(), nodeName, requests, verdict.slices(),
                    clock.instant(), clock.instant().plus(ttl));
            state.reserve(reservation);
            return new Allocation(verdict, reservation);
        }
    }

    public void release(String podUid) {
        state.release(podUid);
    }
}
