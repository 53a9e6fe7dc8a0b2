package io.kubegpu.extender.decision;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.PodMapper;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequest;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.InvalidGpuRequestException;
import io.kubegpu.request.ParseError;
import io.kubegpu.request.Vendor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a pod's GPU demand: from the {@code kubegpu.io/gpu} annotation when present (the source of
 * model, share and memory), else from the GPU resources its containers request.
 */
public final class DemandReader {
    public static final String GPU_ANNOTATION = io.kubegpu.api.Annotations.GPU;

    private final GpuRequestParser parser;
    private final ClusterConfig cluster;
    private final PodMapper pods;

    public DemandReader(GpuRequestParser parser, ClusterConfig cluster) {
        this.parser = parser;
        this.cluster = cluster;
        this.pods = new PodMapper(cluster);
    }

    public PodDemand read(KubePod pod) {
        String name = pod.name() != null ? pod.name() : pod.generateName();
        String key = name == null && pod.namespace() == null ? "?" : (pod.namespace() == null ? "default" : pod.namespace()) + "/" + name;
        // The requests are counted only when needed: a whole-GPU pod with the annotation (most of them) never needs them.
        return read(key, pod.uid(), pod.annotations(), () -> pods.effectiveRequests(pod));
    }

    /** A pending pod's demand, as {@link #read(KubePod)} reads the pod it was taken from. */
    public PodDemand read(io.kubegpu.cluster.state.PendingPod pod) {
        return read(pod.key(), pod.uid(), pod.annotations(), pod.requests());
    }

    /**
     * The demand of a pod given by its annotations and its effective requests of the GPU resources (as
     * {@link PodMapper#effectiveRequests} counts them): what {@link #read(KubePod)} reads, for pods known only by those
     * (pending pods, what-if questions).
     */
    public PodDemand read(String key, String uid, Map<String, String> annotations, Map<String, Long> requests) {
        return read(key, uid, annotations, () -> requests);
    }

    private PodDemand read(String key, String uid, Map<String, String> annotations, java.util.function.Supplier<Map<String, Long>> effective) {
        int minTotal = 0;
        String minMemory = annotations.get(MemoryGuard.MIN_MEMORY_ANNOTATION);
        Policy policy = null;
        String policyValue = annotations.get(Policy.ANNOTATION);
        try {
            minTotal = minMemory == null ? 0 : parser.parseMemoryMiB(minMemory);
        } catch (InvalidGpuRequestException e) {
            return PodDemand.invalid(key, uid, invalid(MemoryGuard.MIN_MEMORY_ANNOTATION, minMemory, e.error()));
        }
        if (policyValue != null) {
            policy = Policy.parse(policyValue).orElse(null);
            if (policy == null) {
                return PodDemand.invalid(key, uid, Policy.ANNOTATION + " '" + policyValue + "' is not fragmentation, binpack, spread or balanced");
            }
        }

        String text = annotations.get(GPU_ANNOTATION);
        if (text != null) {
            GpuRequest request;
            try {
                request = parser.parse(text);
            } catch (InvalidGpuRequestException e) {
                return PodDemand.invalid(key, uid, invalid(GPU_ANNOTATION, text, e.error()));
            }
            PodDemand demand = fromRequest(key, uid, request, minTotal, policy);
            if (demand.kind() == PodDemand.Kind.SHARED) {
                // The device plugin hands out what the container requests: count at least that.
                long units = effective.get().getOrDefault(cluster.gpushare().memoryResource(), 0L);
                long requestedMiB = Math.min(Integer.MAX_VALUE, units * cluster.gpushare().memoryUnitMiB());
                if (requestedMiB > demand.memoryMiB()) {
                    demand = demand.withMemoryMiB((int) requestedMiB);
                }
            }
            return demand;
        }

        Map<String, Long> requests = effective.get();
        for (Vendor vendor : cluster.vendors().all()) {
            long count = requests.getOrDefault(vendor.resource(), 0L);
            if (count > 0) {
                return new PodDemand(PodDemand.Kind.WHOLE, key, uid, null, vendor.resource(), (int) Math.min(Integer.MAX_VALUE, count), 0, 0,
                        List.of(), minTotal, policy, null);
            }
        }
        long units = requests.getOrDefault(cluster.gpushare().memoryResource(), 0L);
        if (units > 0) {
            long mib = units * cluster.gpushare().memoryUnitMiB();
            return new PodDemand(PodDemand.Kind.SHARED, key, uid, null, cluster.gpushare().memoryResource(), 1,
                    (int) Math.min(Integer.MAX_VALUE, mib), 0, List.of(), minTotal, policy, null);
        }
        return PodDemand.none(key, uid);
    }

    /** The demand of a parsed request, as {@link #read} makes it from the annotation. */
    public PodDemand fromRequest(String podKey, String podUid, GpuRequest request, int minTotalMiB, Policy policy) {
        List<PodDemand.ModelAlternative> models = alternatives(request.models());
        if (request.isWhole()) {
            return new PodDemand(PodDemand.Kind.WHOLE, podKey, podUid, request, parser.config().resourceOf(request), request.wholeGpus(), 0, 0,
                    models, minTotalMiB, policy, null);
        }
        return new PodDemand(PodDemand.Kind.SHARED, podKey, podUid, request, cluster.gpushare().memoryResource(), 1, request.memoryMiB(),
                request.shareMilli(), models, minTotalMiB, policy, null);
    }

    private List<PodDemand.ModelAlternative> alternatives(List<String> tokens) {
        GpuCatalog catalog = cluster.catalog();
        List<PodDemand.ModelAlternative> out = new ArrayList<>(tokens.size());
        for (String token : tokens) {
            out.add(new PodDemand.ModelAlternative(token, catalog.resolve(token).orElse(null)));
        }
        return out;
    }

    private static String invalid(String annotation, String value, ParseError error) {
        return annotation + " '" + value + "' is invalid at column " + error.column() + ": " + error.message() + " [" + error.code() + "]";
    }
}
