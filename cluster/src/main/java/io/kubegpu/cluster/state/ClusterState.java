package io.kubegpu.cluster.state;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The cluster's GPU state, fed by a source (informers, or manifests for the embedded default) and by
 * in-flight reservations, read as immutable {@link ClusterSnapshot}s.
 *
 * <p>Writers serialize on one lock; each change rebuilds only the affected node's {@link NodeState}
 * and publishes a new snapshot: a copy of the per-node reference array and the name → slot index in force.
 * That index changes only when a node name appears or disappears, so it is copied then and shared by every
 * snapshot in between; a snapshot never sees a later change. The slot of a node that is gone (deleted, with no
 * pods or reservations left on it) is reused, so a cluster whose nodes churn does not grow without bound.
 * Readers take the published snapshot with one volatile read and never lock.
 */
public final class ClusterState {
    private final Clock clock;
    private final Object lock = new Object();
    /** The writers' index; every snapshot holds a {@link NodeNameIndex} of it, built when a name last came or went. */
    private final Map<String, Integer> slotOf = new HashMap<>();
    private NodeNameIndex publishedIndex = NodeNameIndex.EMPTY;
    private boolean namesChanged;
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    private NodeState[] slots = new NodeState[16];
    private int slotCount;
    /** Slots whose Node object has been seen; kept here so publishing never walks the nodes. */
    private int nodeCount;
    private final Map<String, GpuPod> podsByUid = new HashMap<>();
    /** Nodes as their source reported them; the published ones also carry {@link #liveUnhealthy}. */
    private final Map<String, GpuNode> sourceNodes = new HashMap<>();
    /** GPUs a live signal (DCGM XID errors) reports broken, by node. */
    private Map<String, List<Integer>> liveUnhealthy = Map.of();
    private final Map<String, Reservation> reservationsByUid = new HashMap<>();
    private long version;
    private boolean synced;
    private volatile ClusterSnapshot snapshot;

    public ClusterState(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.snapshot = new ClusterSnapshot(new NodeState[0], NodeNameIndex.EMPTY, 0, 0, clock.instant(), false);
    }

    /** The latest published state. Lock-free. */
    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    public void upsertNode(GpuNode node) {
        synchronized (lock) {
            putNode(node);
            publish();
        }
    }

    private void putNode(GpuNode node) {
        sourceNodes.put(node.name(), node);
        GpuNode published = withLiveHealth(node);
        update(node.name(), state -> state.withNode(published));
    }

    private GpuNode withLiveHealth(GpuNode node) {
        List<Integer> live = liveUnhealthy.get(node.name());
        if (live == null || live.isEmpty()) {
            return node;
        }
        Set<Integer> all = new java.util.TreeSet<>(node.unhealthyGpus());
        all.addAll(live);
        return node.withUnhealthyGpus(List.copyOf(all));
    }

    /**
     * Marks the GPUs a live signal reports broken (on top of what each node reports itself); GPUs no longer listed come
     * back. Publishes only when something changed.
     */
    public void setLiveUnhealthy(Map<String, List<Integer>> unhealthy) {
        synchronized (lock) {
            if (unhealthy.equals(liveUnhealthy)) {
                return;
            }
            Set<String> touched = new HashSet<>(liveUnhealthy.keySet());
            touched.addAll(unhealthy.keySet());
            liveUnhealthy = Map.copyOf(unhealthy);
            for (String name : touched) {
                GpuNode source = sourceNodes.get(name);
                if (source != null) {
                    GpuNode published = withLiveHealth(source);
                    update(name, state -> state.withNode(published));
                }
            }
            publish();
        }
    }

    public void deleteNode(String name) {
        synchronized (lock) {
            sourceNodes.remove(name);
            if (slotOf.containsKey(name)) {
                update(name, state -> state.withNode(null));
                publish();
            }
        }
    }

    /**
     * Makes {@code nodes} the complete set of nodes (a fresh list from the API server): nodes not in it are removed,
     * the others replaced, in one published change.
     */
    public void replaceNodes(Collection<GpuNode> nodes) {
        synchronized (lock) {
            Set<String> listed = new HashSet<>();
            for (GpuNode node : nodes) {
                listed.add(node.name());
                putNode(node);
            }
            for (String name : List.copyOf(slotOf.keySet())) {
                NodeState current = slots[slotOf.get(name)];
                if (!listed.contains(name) && current != null && current.node() != null) {
                    sourceNodes.remove(name);
                    update(name, state -> state.withNode(null));
                }
            }
            publish();
        }
    }

    /**
     * Records the current version of a GPU pod. A pod that is bound and not finished is counted on its
     * node; otherwise it is not counted. A pod seen bound, or finished, releases its reservation.
     */
    public void upsertPod(GpuPod pod) {
        synchronized (lock) {
            if (applyPod(pod)) {
                publish();
            }
        }
    }

    /**
     * Makes {@code pods} the complete set of GPU pods, pending ones included (a fresh list from the API server): pods
     * not in it are gone, and so are their reservations; the others are recorded as {@link #upsertPod} would. One
     * published change, so no decision sees half a list.
     */
    public void replacePods(Collection<GpuPod> pods) {
        synchronized (lock) {
            Set<String> listed = new HashSet<>();
            for (GpuPod pod : pods) {
                listed.add(pod.uid());
                applyPod(pod);
            }
            for (String uid : List.copyOf(podsByUid.keySet())) {
                if (!listed.contains(uid)) {
                    removePod(uid);
                }
            }
            for (String uid : List.copyOf(reservationsByUid.keySet())) {
                if (!listed.contains(uid)) {
                    releaseLocked(uid);
                }
            }
            publish();
        }
    }

    /** Applies one pod under the lock; true when anything counted changed. */
    private boolean applyPod(GpuPod pod) {
        GpuPod previous = podsByUid.get(pod.uid());
        boolean released = (pod.nodeName() != null || pod.terminal()) && releaseLocked(pod.uid());
        if (!released && (pod.equals(previous) || (previous == null && !pod.holdsResources()))) {
            return false;
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
        return true;
    }

    public void deletePod(String uid) {
        synchronized (lock) {
            boolean removed = removePod(uid);
            boolean released = releaseLocked(uid);
            if (removed || released) {
                publish();
            }
        }
    }

    private boolean removePod(String uid) {
        GpuPod previous = podsByUid.remove(uid);
        if (previous != null && previous.holdsResources()) {
            update(previous.nodeName(), state -> state.withoutPod(uid));
        }
        return previous != null;
    }

    /**
     * Holds a placement until the watch confirms it (or it expires), unconditionally. Replaces an earlier one for the pod.
     * Decisions use {@link #reserve(String, String, Function)}, which judges the node and reserves in one step.
     */
    public void reserve(Reservation reservation) {
        synchronized (lock) {
            releaseLocked(reservation.podUid());
            reservationsByUid.put(reservation.podUid(), reservation);
            update(reservation.nodeName(), state -> state.withReservation(reservation));
            publish();
        }
    }

    /**
     * Decides and reserves in one step: {@code decide} sees the node as it is at this instant (without any earlier
     * reservation of the same pod, which a new one replaces) and returns the reservation to make, or empty for none.
     * Every decision that holds GPUs goes through here, under the state's lock, so no other decision and no watch update
     * can come between a check and its reservation. (A filter that judged a snapshot and reserved later once raced a bind
     * on a worker thread: both took the node's last free GPU.) {@code decide} must be quick and must not block.
     *
     * @return the reservation made, or empty when {@code decide} made none (the pod's earlier reservation is then gone)
     */
    public Optional<Reservation> reserve(String nodeName, String podUid, Function<NodeState, Optional<Reservation>> decide) {
        synchronized (lock) {
            boolean released = releaseLocked(podUid);
            Integer slot = slotOf.get(nodeName);
            NodeState current = slot == null || slots[slot] == null ? NodeState.empty(nodeName) : slots[slot];
            Optional<Reservation> decided = decide.apply(current);
            decided.ifPresent(reservation -> {
                if (!reservation.podUid().equals(podUid) || !reservation.nodeName().equals(nodeName)) {
                    throw new IllegalArgumentException("a reservation for " + podUid + " on " + nodeName + " was decided as " + reservation);
                }
                reservationsByUid.put(podUid, reservation);
                update(nodeName, state -> state.withReservation(reservation));
            });
            if (released || decided.isPresent()) {
                publish();
            }
            return decided;
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

    /** The reservation in force for a pod, if any (e.g. the card the filter held for a share, which its bind keeps). */
    public Optional<Reservation> reservation(String podUid) {
        synchronized (lock) {
            return Optional.ofNullable(reservationsByUid.get(podUid));
        }
    }

    /** Every reservation in force, for the reconciler that releases those of pods that are gone or never bound. */
    public List<Reservation> reservations() {
        synchronized (lock) {
            return List.copyOf(reservationsByUid.values());
        }
    }

    /** Marks whether the source has delivered its initial full state (false again while it relists). */
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

    /** How many slots the state holds, used or free: bounded by the most nodes present at once, not by every name ever seen. */
    int slotCapacity() {
        synchronized (lock) {
            return slotCount;
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
            slot = freeSlots.pollFirst();
            if (slot == null) {
                if (slotCount == slots.length) {
                    slots = Arrays.copyOf(slots, slots.length * 2);
                }
                slot = slotCount++;
            }
            slotOf.put(nodeName, slot);
            namesChanged = true;
        }
        NodeState current = slots[slot] == null ? NodeState.empty(nodeName) : slots[slot];
        NodeState next = change.apply(current);
        nodeCount += (next.node() != null ? 1 : 0) - (current.node() != null ? 1 : 0);
        if (next.isEmpty()) {
            // Nothing left of this node: give its slot back.
            slots[slot] = null;
            slotOf.remove(nodeName);
            freeSlots.addLast(slot);
            namesChanged = true;
        } else {
            slots[slot] = next;
        }
    }

    private void publish() {
        version++;
        if (namesChanged) {
            publishedIndex = NodeNameIndex.of(slotOf);
            namesChanged = false;
        }
        snapshot = new ClusterSnapshot(Arrays.copyOf(slots, slotCount), publishedIndex, nodeCount, version, clock.instant(), synced);
    }
}
