package io.kubegpu.cluster.state;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Releases reservations that no longer stand for a pod about to be bound: the pod is gone (deleted, or replaced by
 * one of the same name), finished, bound to another node, already counted as bound, or still unbound after
 * {@code bindGrace} (its scheduling cycle ended without a binding). kube-scheduler binds within milliseconds of our
 * decision, so without this a reservation of a pod deleted before its binding would hold GPUs until it expired.
 *
 * <p>Pure: it reads pods through {@link PodLookup} (the informer's cache in production) and changes only the state.
 */
public final class ReservationReconciler {
    /** What the reconciler needs to know of a pod. */
    public record PodStatus(String uid, String nodeName, boolean terminal) {
    }

    /** Finds a pod by namespace and name. */
    @FunctionalInterface
    public interface PodLookup {
        Optional<PodStatus> find(String namespace, String name);
    }

    /**
     * What one pass found and released.
     *
     * @param gone      the pod no longer exists (or another pod now has its name) or has finished
     * @param elsewhere the pod is bound, to another node or already counted by the watch
     * @param unbound   the pod is still pending long after the decision
     */
    public record Report(int gone, int elsewhere, int unbound) {
        public int total() {
            return gone + elsewhere + unbound;
        }
    }

    /**
     * Reservations younger than this are left alone: the pod kube-scheduler just sent may not have reached our informer
     * yet, and "not found" must not be read as "gone".
     */
    static final Duration SETTLE = Duration.ofSeconds(2);

    private final ClusterState state;
    private final PodLookup pods;
    private final Duration bindGrace;
    private final Clock clock;

    public ReservationReconciler(ClusterState state, PodLookup pods, Duration bindGrace, Clock clock) {
        this.state = state;
        this.pods = pods;
        this.bindGrace = bindGrace;
        this.clock = clock;
    }

    /** One pass over every reservation. Call it only while the state is synced: an unsynced lookup cannot tell "gone". */
    public Report reconcile() {
        int gone = 0;
        int elsewhere = 0;
        int unbound = 0;
        for (Reservation reservation : state.reservations()) {
            if (Duration.between(reservation.reservedAt(), clock.instant()).compareTo(SETTLE) < 0) {
                continue;
            }
            int slash = reservation.podKey() == null ? -1 : reservation.podKey().indexOf('/');
            if (slash < 0) {
                continue;
            }
            Optional<PodStatus> pod = pods.find(reservation.podKey().substring(0, slash), reservation.podKey().substring(slash + 1));
            if (pod.isEmpty() || !pod.get().uid().equals(reservation.podUid()) || pod.get().terminal()) {
                gone++;
            } else if (pod.get().nodeName() != null) {
                if (!pod.get().nodeName().equals(reservation.nodeName()) || state.pod(reservation.podUid()) != null) {
                    elsewhere++;
                } else {
                    continue; // Bound where we placed it; the watch's update for it releases the reservation.
                }
            } else if (Duration.between(reservation.reservedAt(), clock.instant()).compareTo(bindGrace) > 0) {
                unbound++;
            } else {
                continue;
            }
            state.release(reservation.podUid());
        }
        return new Report(gone, elsewhere, unbound);
    }
}
