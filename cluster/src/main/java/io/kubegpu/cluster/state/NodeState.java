package io.kubegpu.cluster.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
     * The node's GPU resources, allocatable or held (a node has one to three: a vendor's, and gpushare's memory and
     * count), with {@code amounts[2i]} allocatable and {@code amounts[2i + 1]} held by pods and reservations. The filter
     * reads both for every candidate: the node's map of boxed amounts and a map of held ones cost a probe and a
     * {@code Long} each, cache misses end to end (a third of a share's filter in JMH,
     * {@code ExtenderBenchmark.filterBestNamesOnly}, {@code 8G,0.5}).
     */
    private final String[] resources;
    private final long[] amounts;
    /*
     * Further facts the filter and scorer read for every candidate, copied here from the node and the per-GPU arrays,
     * so that judging a whole-GPU pod reads this object and its resource table only: ExtenderBenchmark.filterBestNamesOnly
     * at 500 nodes 108 → 97 µs, 471 → 384 with the caches emptied (perf/results/extender-inline-counts.md).
     */
    /** The node is known, Ready and not cordoned. */
    private final boolean placeable;
    private final int gpuCount;
    /** GPUs whole-GPU pods cannot take besides those they hold: GPUs carrying a share, unhealthy GPUs carrying none. */
    private final int blockedGpus;
    /** GPUs' worth taken by shares: per GPU the fuller of its memory and compute fractions, summed over the node's GPUs. */
    private final double sharedLoad;
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
        Map<String, Long> allocatable = node == null ? Map.of() : node.allocatable();
        Set<String> all = new LinkedHashSet<>(allocatable.keySet());
        all.addAll(usage.keySet());
        this.resources = all.toArray(new String[0]);
        this.amounts = new long[2 * resources.length];
        for (int i = 0; i < resources.length; i++) {
            amounts[2 * i] = allocatable.getOrDefault(resources[i], 0L);
            amounts[2 * i + 1] = usage.getOrDefault(resources[i], 0L);
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
        this.placeable = node != null && node.ready() && !node.unschedulable();
        this.gpuCount = node == null ? 0 : node.gpuCount();
        this.blockedGpus = node == null ? sharedGpusInUse() : blockedGpus(node, this);
        double load = 0;
        if (node != null) {
            int card = Math.max(1, node.usableMemoryMiB());
            for (int i = 0; i < node.gpuCount(); i++) {
                load += cardLoad(sharedMemoryMiB(i), sharedMilli(i), card);
            }
        }
        this.sharedLoad = load;
    }

    /**
     * GPUs of {@code node} whole-GPU pods cannot take besides those they hold: each carrying a share in {@code usage}
     * (null: nothing held), and each unhealthy one carrying none. For a node other than the state's own (one sent in a
     * full-nodes call); the state keeps its own node's in {@link #blockedGpus()}.
     */
    public static int blockedGpus(GpuNode node, NodeState usage) {
        int blocked = usage == null ? 0 : usage.sharedGpusInUse();
        for (int index : node.unhealthyGpus()) {
            if (index < node.gpuCount() && (usage == null || usage.sharedHolders(index) == 0)) {
                blocked++;
            }
        }
        return blocked;
    }

    /** How much of one GPU its shares take: the fuller of its memory (at most the card's {@code cardMiB}) and compute. */
    public static double cardLoad(long memoryMiB, long milli, int cardMiB) {
        return Math.max(Math.min(1.0, memoryMiB / (double) cardMiB), milli / 1000.0);
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
        int slot = slot(resource);
        return slot < 0 ? 0 : amounts[2 * slot + 1];
    }

    /** Where {@code resource} is in the resource table, or -1. The names are a few shared instances, so equals is cheap. */
    private int slot(String resource) {
        for (int i = 0; i < resources.length; i++) {
            if (resources[i].equals(resource)) {
                return i;
            }
        }
        return -1;
    }

    /** The node is known, Ready and not cordoned. */
    public boolean placeable() {
        return placeable;
    }

    /** The node's physical GPUs; 0 while the node is unknown. */
    public int gpuCount() {
        return gpuCount;
    }

    /** The node's allocatable amount of a GPU resource ({@link GpuNode#allocatable(String)}); 0 while the node is unknown. */
    public long allocatable(String resource) {
        int slot = slot(resource);
        return slot < 0 ? 0 : amounts[2 * slot];
    }

    /**
     * Whole GPUs of {@code resource} free for whole-GPU pods: allocatable, less those held and those
     * {@linkplain #blockedGpus() blocked}; may be negative when the node is overbooked.
     */
    public long freeWhole(String resource) {
        int slot = slot(resource);
        return slot < 0 ? -blockedGpus : amounts[2 * slot] - amounts[2 * slot + 1] - blockedGpus;
    }

    /**
     * GPUs whole-GPU pods cannot take besides those they hold: each GPU carrying a share, and each unhealthy GPU carrying
     * none. A whole-GPU resource has {@code allocatable - used - blockedGpus} free.
     */
    public int blockedGpus() {
        return blockedGpus;
    }

    /**
     * GPUs' worth the node's shares take: per GPU the fuller of its memory (of the usable card) and compute fractions,
     * summed over the node's GPUs; 0 while the node is unknown.
     */
    public double sharedLoad() {
        return sharedLoad;
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
    public NodeState withoutPods(Set<String> uids) {
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
