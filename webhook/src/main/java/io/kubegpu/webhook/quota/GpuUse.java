package io.kubegpu.webhook.quota;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.catalog.GpuModel;
import io.kubegpu.catalog.ModelMatch;
import io.kubegpu.request.GpuRequest;
import io.kubegpu.request.Vendors;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The GPUs a pod holds, or may hold once placed, as quotas count them. The webhook computes it from the request it admits,
 * the ledger from each pod the watch shows, with the same rules, so an admitted pod is charged the same before and after it
 * appears.
 *
 * @param namespace the pod's namespace
 * @param vendor    the vendor's name ({@code nvidia})
 * @param anyModel  true for a pod that names no model and is not bound yet: it may land on any model of its vendor
 * @param modelIds  catalog ids of the models it holds (bound: its node's) or may land on (the models it names); empty with
 *                  {@code anyModel} false when they are outside the catalog
 * @param milli     GPUs in thousandths: 1000 per whole GPU; a share its compute fraction, or for a share of memory alone its
 *                  memory over the card's (a whole GPU when the card is not known)
 * @param sharedMiB GPU memory a share holds, MiB; 0 for whole GPUs
 * @param bound     whether it is on a node
 */
public record GpuUse(String namespace, String vendor, boolean anyModel, Set<String> modelIds, long milli, long sharedMiB, boolean bound) {
    public GpuUse {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(vendor, "vendor");
        modelIds = Set.copyOf(modelIds);
        if (milli < 0 || sharedMiB < 0) {
            throw new IllegalArgumentException("negative GPU use");
        }
    }

    /** What counts for it: its GPUs and its shared memory. */
    public Amount amount() {
        return new Amount(milli, sharedMiB);
    }

    /**
     * A request as the webhook admits it, before it is placed.
     *
     * @param sharedMiB the share's memory as its container will request it (0 for whole GPUs)
     * @param cardMiB   the smallest card the share may land on, for a share of memory alone; 0 when not known
     */
    public static GpuUse requested(String namespace, GpuRequest request, long sharedMiB, int cardMiB, GpuCatalog catalog, Vendors vendors) {
        Set<String> ids = new HashSet<>();
        String modelVendor = null;
        for (String token : request.models()) {
            Optional<ModelMatch> match = catalog.resolve(token);
            if (match.isPresent()) {
                match.get().models().forEach(m -> ids.add(m.id()));
                modelVendor = modelVendor == null ? match.get().vendor() : modelVendor;
            }
        }
        String vendor = request.vendor() != null ? request.vendor().name() : modelVendor != null ? modelVendor : vendors.defaultVendor().name();
        long milli = request.isWhole() ? request.wholeGpus() * 1000L
                : request.shareMilli() > 0 ? request.shareMilli() : fractionOfCard(sharedMiB, cardMiB);
        return new GpuUse(namespace, vendor, request.models().isEmpty(), ids, milli, request.isWhole() ? 0 : sharedMiB, false);
    }

    /** The smallest card of the catalog models a request names, or 0 when it names none the catalog knows. */
    public static int smallestNamedCardMiB(GpuRequest request, GpuCatalog catalog) {
        int smallest = 0;
        for (String token : request.models()) {
            Optional<ModelMatch> match = catalog.resolve(token);
            if (match.isPresent()) {
                int size = match.get().smallest().memoryMiB();
                smallest = smallest == 0 ? size : Math.min(smallest, size);
            }
        }
        return smallest;
    }

    /** A share of memory alone, in thousandths of a card: rounded up, at most one card; a whole card when the card is unknown. */
    public static long fractionOfCard(long sharedMiB, int cardMiB) {
        if (cardMiB <= 0) {
            return 1000;
        }
        return Math.min(1000, Math.max(1, (sharedMiB * 1000 + cardMiB - 1) / cardMiB));
    }

    /** The same use on a node whose GPUs are {@code model} (null when the catalog does not know them). */
    public GpuUse boundTo(ModelMatch model, String nodeVendor) {
        Set<String> ids = model == null ? Set.of() : Set.copyOf(model.models().stream().map(GpuModel::id).toList());
        return new GpuUse(namespace, nodeVendor != null ? nodeVendor : vendor, false, ids, milli, sharedMiB, true);
    }
}
