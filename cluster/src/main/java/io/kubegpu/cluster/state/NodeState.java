package io.kubegpu.cluster.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One node's GPUs and what holds them, immutable. Usage (whole-GPU resources used, memory and
 * compute used per shared GPU) is computed once when the state is built, so readers only look up.
 *
 * <p>The node itself may be {@code null}: pods bound to a node can arrive through the watch before
 * the node does, and their usage must not be lost in the meantime.
 */
public final class NodeState {
    private static final int[] NONE = new int[0];

    private final String name;
    private final GpuNode node;
    private final List<GpuPod> pods;
    private final List<Reservation> reservations;
    /**
     * Amounts held per GPU resource, as two parallel arrays: a node holds one or two such resources, and the filter reads
     * them for every candidate and vendor. A map of boxed amounts cost a probe and a {@code Long} (a cache miss) per read:
     * a third of a share's filter in JMH ({@code ExtenderBenchmark.filterBestNamesOnly}, {@code 8G,0.5}).
     */
    private final String[] usedResources;
    private final long[] usedAmounts;
    private final int[] sharedMemoryMiB;
    private final int[] sharedMilli;
    private final int[] sharedHolders;
    /**
     * A value its readers derived from this state, kept with it. A node's state is replaced, never changed, so what is
     * kept here goes with the state it was derived from and is never stale. The extender's scorer keeps the node's best
     * placements here: a map keyed by states was a quarter of a share's filter time, its lookups missing the CPU caches.
     */
    private volatile Object derived;

    NodeState(String name, GpuNode node, List<GpuPod> pods, List<Reservation> reservations) {
        this.name = name;
        this.node = node;
        this.pods = List.copyOf(pods);
        this.reservations = List.copyOf(reservations);
        Map<String, Long> usage = new HashMap<>();
        int maxIndex = -1;
        for (GpuPod pod : this.pods) {
            pod.requests().forEach((resource, amount) -> usage.merge(resource, amount, Long::sum));
            for (GpuSlice slice : pod.slices()) {
                maxIndex = Math.max(maxIndex, slice.index());
            }
        }
        for (Reservation reservation : this.reservations) {
            reservation.requests().forEach((resource, amount) -> usage.merge(resource, amount, Long::sum));
            for (GpuSlice slice : reservation.slices()) {
                maxIndex = Math.max(maxIndex, slice.index());
            }
        }
        this.usedResources = new String[usage.size()];
        this.usedAmounts = new long[usage.size()];
        int next = 0;
        for (Map.Entry<String, Long> entry : usage.entrySet()) {
            usedResources[next] = entry.getKey();
            usedAmounts[next] = entry.getValue();
            next++;
        }
        if (maxIndex < 0) {
            sharedMemoryMiB = NONE;
            sharedMilli = NONE;
            sharedHolders = NONE;
        } else {
            sharedMemoryMiB = new int[maxIndex + 1];
            sharedMilli = new int[maxIndex + 1];
            sharedHolders = new int[maxIndex + 1];
            this.pods.forEach(p -> addSlices(p.slices()));
            this.reservations.forEach(r -> addSlices(r.slices()));
        }
    }

    private void addSlices(List<GpuSlice> slices) {
        for (GpuSlice slice : slices) {
            sharedMemoryMiB[slice.index()] += slice.memoryMiB();
            sharedMilli[slice.index()] += slice.milli();
            sharedHolders[slice.index()]++;
        }
    }

    static NodeState empty(String name) {
        return new NodeState(name, null, List.of(), List.of());
    }

    public String name() {
        return name;
    }

    /** What a reader kept with this state ({@link #keepDerived}), or null. Check it is yours: any reader may keep one. */
    public Object derived() {
        return derived;
    }

    /** Keeps a value derived from this (immutable) state with it, replacing any other; it is dropped with the state. */
    public void keepDerived(Object value) {
        derived = value;
    }

    /** The node, or {@code null} if only pods bound to it have been seen so far. */
    public GpuNode node() {
        return node;
    }

    /** Pods holding GPU resources on this node. */
    public List<GpuPod> pods() {
        return pods;
    }

    /** In-flight placements on this node not yet confirmed by the watch. */
    public List<Reservation> reservations() {
        return reservations;
    }

    /** Amount of a GPU resource held by pods and reservations. */
    public long used(String resource) {
        for (int i = 0; i < usedResources.length; i++) {
            if (usedResources[i].equals(resource)) {
                return usedAmounts[i];
            }
        }
        return 0;
    }

    /** GPU memory held by shared pods on GPU {@code index}, MiB. */
    public int sharedMemoryMiB(int index) {
        return index < sharedMemoryMiB.length ? sharedMemoryMiB[index] : 0;
    }

    /** Compute held by shared pods on GPU {@code index}, thousandths. */
    public int sharedMilli(int index) {
        return index < sharedMilli.length ? sharedMilli[index] : 0;
    }

    /** How many shared pods and reservations sit on GPU {@code index}. */
    public int sharedHolders(int index) {
        return index < sharedHolders.length ? sharedHolders[index] : 0;
    }

    /** How many GPUs hold at least one shared pod: they are not free for whole-GPU pods. */
    public int sharedGpusInUse() {
        int count = 0;
        for (int holders : sharedHolders) {
            if (holders > 0) {
                count++;
            }
        }
        return count;
    }

    /**
     * This node's state as it would be without one pod or reservation (by UID): what-if questions such as "would the
     * pending pod fit here if this pod finished". The published state is not changed.
     */
    public NodeState withoutHolder(String uid) {
        return new NodeState(name, node, without(pods, p -> p.uid().equals(uid)), without(reservations, r -> r.podUid().equals(uid)));
    }

    boolean isEmpty() {
        return node == null && pods.isEmpty() && reservations.isEmpty();
    }

    NodeState withNode(GpuNode newNode) {
        return new NodeState(name, newNode, pods, reservations);
    }

    NodeState withPod(GpuPod pod) {
        List<GpuPod> next = new ArrayList<>(pods.size() + 1);
        for (GpuPod existing : pods) {
            if (!existing.uid().equals(pod.uid())) {
                next.add(existing);
            }
        }
        next.add(pod);
        return new NodeState(name, node, next, reservations);
    }

    NodeState withoutPod(String uid) {
        return new NodeState(name, node, without(pods, p -> p.uid().equals(uid)), reservations);
    }

    /**
     * This node as it would be without the pods of {@code uids} (UIDs not on it are ignored): what preemption and shrinking
     * judge a pod's fit against before anything is evicted.
     */
    public NodeState withoutPods(java.util.Set<String> uids) {
        return uids.isEmpty() ? this : new NodeState(name, node, without(pods, p -> uids.contains(p.uid())), reservations);
    }

    /** This node as it would be with {@code pod} placed on it as well (a replica a restore would start, judged before it exists). */
    public NodeState plus(GpuPod pod) {
        return withPod(pod);
    }

    /** A node with its GPUs and these pods, nothing reserved: for judging placements outside the live state (tests, plans). */
    public static NodeState of(GpuNode node, List<GpuPod> pods) {
        return new NodeState(node.name(), node, pods, List.of());
    }

    NodeState withReservation(Reservation reservation) {
        List<Reservation> next = without(reservations, r -> r.podUid().equals(reservation.podUid()));
        next.add(reservation);
        return new NodeState(name, node, pods, next);
    }

    NodeState withoutReservation(String podUid) {
        return new NodeState(name, node, pods, without(reservations, r -> r.podUid().equals(podUid)));
    }

    private static <T> List<T> without(List<T> items, Predicate<T> drop) {
        List<T> next = new ArrayList<>(items.size());
        for (T item : items) {
            if (!drop.test(item)) {
                next.add(item);
            }
        }
        return next;
    }
}
