package io.kubegpu.cluster.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A placement decided by this process but not yet visible through the watch (between bind and the
 * pod's update event). It is counted like a bound pod so two consecutive pods never get the same free
 * GPU, and released when the watch shows the pod bound or gone, when the reconciler finds the pod gone or
 * never bound, or when it expires.
 *
 * @param podUid     the pod's UID
 * @param podKey     {@code namespace/name}, for explanations and to look the pod up
 * @param nodeName   the node it was placed on
 * @param requests   whole-GPU resources it takes
 * @param slices     shared-GPU parts it takes
 * @param reservedAt when it was made
 * @param expiresAt  when it is dropped if nothing else released it
 */
public record Reservation(String podUid, String podKey, String nodeName, Map<String, Long> requests, List<GpuSlice> slices,
                          Instant reservedAt, Instant expiresAt) {
    public Reservation {
        Objects.requireNonNull(podUid, "podUid");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(reservedAt, "reservedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        requests = Map.copyOf(requests);
        slices = List.copyOf(slices);
    }
}
