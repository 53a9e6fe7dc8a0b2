package io.kubegpu.cluster.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The GPU pods waiting for a node, kept beside {@link ClusterState} rather than in its snapshots: the scheduling path
 * never reads them, and a pending pod's events then never publish a new snapshot. Fed by the same source (informers or
 * manifests). A change costs the writer (an informer thread) a map update; the sorted list is made by the next reader
 * and kept until the next change.
 */
public final class PendingPods {
    private static final Comparator<PendingPod> OLDEST_FIRST = Comparator.comparing(PendingPod::createdAt).thenComparing(PendingPod::key);

    private final Object lock = new Object();
    private final Map<String, PendingPod> byUid = new HashMap<>();
    /** The sorted list, or null after a change until someone reads it. */
    private volatile List<PendingPod> published = List.of();

    /** Records a pod that waits, or its new version. */
    public void upsert(PendingPod pod) {
        synchronized (lock) {
            PendingPod previous = byUid.get(pod.uid());
            if (pod.equals(previous)) {
                return;
            }
            if (previous != null) {
                // A pod keeps the wait it started with, whatever a later version says.
                pod = new PendingPod(pod.uid(), pod.namespace(), pod.name(), previous.createdAt(), pod.schedulerName(), pod.annotations(),
                        pod.requests());
            }
            byUid.put(pod.uid(), pod);
            publish();
        }
    }

    /** Forgets a pod: bound, finished, no longer a GPU pod, or deleted. */
    public void remove(String uid) {
        synchronized (lock) {
            if (byUid.remove(uid) != null) {
                publish();
            }
        }
    }

    /** Makes {@code pods} the complete set (a fresh list from the API server), in one published change. */
    public void replaceAll(Collection<PendingPod> pods) {
        synchronized (lock) {
            Map<String, PendingPod> previous = new HashMap<>(byUid);
            byUid.clear();
            for (PendingPod pod : pods) {
                PendingPod before = previous.get(pod.uid());
                byUid.put(pod.uid(), before == null ? pod : new PendingPod(pod.uid(), pod.namespace(), pod.name(), before.createdAt(),
                        pod.schedulerName(), pod.annotations(), pod.requests()));
            }
            publish();
        }
    }

    /** Every pending GPU pod, oldest first. Lock-free unless it changed since the last read. */
    public List<PendingPod> list() {
        List<PendingPod> current = published;
        if (current != null) {
            return current;
        }
        synchronized (lock) {
            if (published == null) {
                List<PendingPod> next = new ArrayList<>(byUid.values());
                next.sort(OLDEST_FIRST);
                published = List.copyOf(next);
            }
            return published;
        }
    }

    /** How many pods wait. */
    public int size() {
        synchronized (lock) {
            return byUid.size();
        }
    }

    private void publish() {
        published = null;
    }
}
