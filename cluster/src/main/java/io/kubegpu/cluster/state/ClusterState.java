package io.kubegpu.cluster.state;

import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The cluster's GPU state, fed by a source (informers, or manifests for the embedded default) and by
 * in-flight reservations, read as immutable {@link ClusterSnapshot}s.
 *
 * <p>Writers serialize on one lock; each change rebuilds only the affected node's {@link NodeState}
 * and publishes a new snapshot: a copy of the per-node reference array, found through an append-only
 * name → slot index. Readers take the published snapshot with one volatile read and never lock.
 */
public final class ClusterState {
    private final Clock clock;
    private final Object lock = new Object();
    /** Append-only: a slot, once given to a node name, stays with it. Readers use it without locking. */
    private final Map<String, Integer> slotOf = new ConcurrentHashMap<>();
    private NodeState[] slots = new NodeState[16];
    private int slotCount;
    /** Slots whose Node object has been seen; kept here so publishing never walks the nodes. */
    private int nodeCount;
    private final Map<String, GpuPod> podsByUid = new HashMap<>();
    private final Map<String, Reservation> reservationsByUid = new HashMap<>();
    private long version;
    private boolean synced;
    private volatile ClusterSnapshot snapshot;

    public ClusterState(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.snapshot = new ClusterSnapshot(new NodeState[0], slotOf, 0, 0, clock.instant(), false);
    }

    /** The latest published state. Lock-free. */
    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    public void upsertNode(GpuNode node) {
        synchronized (lock) {
            update(node.name(), state -> state.withNode(node));
            publish();
        }
    }

    public void deleteNode(String name) {
        synchronized (lock) {
            if (slotOf.containsKey(name)) {
                update(name, state -> state.withNode(null));
                publish();
            }
        }
    }

    /**
     * Records the current version of a GPU pod. A pod that is bound and not finished is counted on its
     * node; otherwise it is not counted. A pod seen bound, or finished, releases its reservation.
     */
    public void upsertPod(GpuPod pod) {
        synchronized (lock) {
            GpuPod previous = podsByUid.get(pod.uid());
            boolean released = (pod.nodeName() != null || pod.terminal()) && releaseLocked(pod.uid());
            if (!released && (pod.equals(previous) || (previous == null && !pod.holdsResources()))) {
                return; // Nothing counted changes: no new snapshot.
            }
            if (previous != null && previous.holdsResources()) {
                update(previous.nodeName(), state -> state.withoutPod(pod.uid()));
            }
            if (pod.holdsResources()) {
                podsByUid.put(pod.uid(), pod);
                update(pod.nodeName(), state -> state.withPod(pod));
            } else {
                podsByUid.remove(pod.uid());
            }
            publish();
        }
    }

    public void deletePod(String uid) {
        synchronized (lock) {
            GpuPod previous = podsByUid.remove(uid);
            boolean released = releaseLocked(uid);
            if (previous != null && previous.holdsResources()) {
                update(previous.nodeName(), state -> state.withoutPod(uid));
            }
            if (previous != null || released) {
                publish();
            }
        }
    }

    /** Holds a placement until the watch confirms it (or it expires). Replaces an earlier one for the pod. */
    public void reserve(Reservation reservation) {
        synchronized (lock) {
            releaseLocked(reservation.podUid());
            reservationsByUid.put(reservation.podUid(), reservation);
            update(reservation.nodeName(), state -> state.withReservation(reservation));
            publish();
        }
    }

    /** Drops a pod's reservation, e.g. when its binding failed. */
    public void release(String podUid) {
        synchronized (lock) {
            if (releaseLocked(podUid)) {
                publish();
            }
        }
    }

    /** Drops reservations whose time is up; returns how many. Called periodically by the owner. */
    public int expireReservations() {
        synchronized (lock) {
            int expired = 0;
            for (Iterator<Reservation> it = reservationsByUid.values().iterator(); it.hasNext(); ) {
                Reservation reservation = it.next();
                if (!reservation.expiresAt().isAfter(clock.instant())) {
                    it.remove();
                    update(reservation.nodeName(), state -> state.withoutReservation(reservation.podUid()));
                    expired++;
                }
            }
            if (expired > 0) {
                publish();
            }
            return expired;
        }
    }

    /** Marks whether the source has delivered its initial full state. */
    public void markSynced(boolean value) {
        synchronized (lock) {
            if (synced != value) {
                synced = value;
                publish();
            }
        }
    }

    /** The pod as last recorded, if it currently holds GPUs. For tests and explanations. */
    public GpuPod pod(String uid) {
        synchronized (lock) {
            return podsByUid.get(uid);
        }
    }

    private boolean releaseLocked(String podUid) {
        Reservation reservation = reservationsByUid.remove(podUid);
        if (reservation == null) {
            return false;
        }
        update(reservation.nodeName(), state -> state.withoutReservation(podUid));
        return true;
    }

    private void update(String nodeName, UnaryOperator<NodeState> change) {
        Integer slot = slotOf.get(nodeName);
        if (slot == null) {
            if (slotCount == slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
            }
            slot = slotCount++;
            slotOf.put(nodeName, slot);
        }
        NodeState current = slots[slot] == null ? NodeState.empty(nodeName) : slots[slot];
        NodeState next = change.apply(current);
        nodeCount += (next.node() != null ? 1 : 0) - (current.node() != null ? 1 : 0);
        slots[slot] = next.isEmpty() ? null : next;
    }

    private void publish() {
        version++;
        snapshot = new ClusterSnapshot(Arrays.copyOf(slots, slotCount), slotOf, nodeCount, version, clock.instant(), synced);
    }
}
