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

    /**
     * The smallest GPU memory per GPU that nodes able to run the request report as usable (e.g. 15360 MiB on a T4 where
     * the catalog says 16 GiB), or empty when unknown. A bare share ({@code 0.5(T4)}) is sized from it, so shares that add
     * up to one GPU fit the card the node really has.
     */
    default java.util.OptionalInt usableMemoryMiB(GpuRequest request) {
        return java.util.OptionalInt.empty();
    }

    /**
     * The smallest card, in usable MiB, of the nodes able to run a share, whether or not it names models: what a quota counts
     * a share of memory alone as a part of. Empty when unknown.
     */
    default java.util.OptionalInt smallestCardMiB(GpuRequest request) {
        return usableMemoryMiB(request);
    }
}
