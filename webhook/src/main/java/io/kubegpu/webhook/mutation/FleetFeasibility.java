package io.kubegpu.webhook.mutation;

import io.kubegpu.request.GpuRequest;
import java.util.Optional;

/**
 * Whether any node of the cluster could ever run a request, given each node's GPUs and ignoring what
 * holds them now. Supplied where the webhook runs next to the cluster state; without it the webhook
 * judges by the GPU catalog alone.
 */
@FunctionalInterface
public interface FleetFeasibility {
    /** Why no node can ever run the request, or empty when some node can (or the cluster state is not known yet). */
    Optional<String> neverFits(GpuRequest request, int minTotalMiB);
}
