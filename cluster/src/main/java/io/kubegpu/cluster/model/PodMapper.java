package io.kubegpu.cluster.model;

import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.PendingPod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a Pod into the {@link GpuPod} accounting reads, or nothing for pods that hold no GPU resource.
 */
public final class PodMapper {
    private static final Logger LOG = LoggerFactory.getLogger(PodMapper.class);

    private final ClusterConfig config;
    private final Set<String> resources;

    public PodMapper(ClusterConfig config) {
        this.config = config;
        this.resources = config.gpuResources();
    }

    public Optional<GpuPod> map(KubePod pod) {
        if (pod.metadata == null || pod.metadata.getName() == null || pod.metadata.getUid() == null) {
            return Optional.empty();
        }
        Map<String, Long> requests = effectiveRequests(pod);
        if (requests.isEmpty()) {
            return Optional.empty();
        }
        String namespace = pod.metadata.getNamespace() == null ? "default" : pod.metadata.getNamespace();
        String nodeName = pod.spec == null ? null : pod.spec.nodeName;
        String phase = pod.status == null ? null : pod.status.phase;
        boolean terminal = "Succeeded".equals(phase) || "Failed".equals(phase);
        List<GpuSlice> slices;
        try {
            slices = nodeName == null ? List.of()
                    : GpuAssignment.read(pod.metadata.getAnnotations(), nodeName, config.gpushare().memoryUnitMiB());
        } catch (IllegalArgumentException e) {
            // Counting the pod's whole-GPU resources still keeps the node from being overbooked.
            LOG.warn("pod {}/{}: ignoring its GPU assignment annotations: {}", namespace, pod.metadata.getName(), io.kubegpu.api.LogSafe.quote(e.getMessage()));
            slices = List.of();
        }
        slices = atLeastRequested(slices, requests.getOrDefault(config.gpushare().memoryResource(), 0L) * config.gpushare().memoryUnitMiB());
        boolean elastic = pod.metadata.getAnnotations() != null && pod.metadata.getAnnotations().containsKey(io.kubegpu.api.Annotations.ELASTIC);
        return Optional.of(new GpuPod(pod.metadata.getUid(), namespace, pod.metadata.getName(), nodeName, terminal, requests, slices,
                pod.priority(), pod.createdAt(), elastic));
    }

    /**
     * The pod as a {@link PendingPod} when it waits for a node and is a GPU pod (it requests a GPU resource or carries
     * {@code kubegpu.io/gpu}); empty otherwise. {@code seenAt} stands in for a creation time the object lacks.
     */
    public Optional<PendingPod> pending(KubePod pod, java.time.Instant seenAt) {
        if (pod.metadata == null || pod.metadata.getName() == null || pod.metadata.getUid() == null || pod.nodeName() != null
                || pod.terminal()) {
            return Optional.empty();
        }
        Map<String, Long> requests = effectiveRequests(pod);
        Map<String, String> ours = new HashMap<>();
        pod.annotations().forEach((key, value) -> {
            if (key.startsWith(PendingPod.ANNOTATION_PREFIX) && value != null) {
                ours.put(key, value);
            }
        });
        if (requests.isEmpty() && !ours.containsKey(io.kubegpu.api.Annotations.GPU)) {
            return Optional.empty();
        }
        String namespace = pod.metadata.getNamespace() == null ? "default" : pod.metadata.getNamespace();
        java.time.Instant created = pod.createdAt();
        return Optional.of(new PendingPod(pod.metadata.getUid(), namespace, pod.metadata.getName(), created == null ? seenAt : created,
                pod.schedulerName(), ours, requests));
    }

    /**
     * Assignment annotations can be written by anyone who creates a pod, and the device plugin hands out what the
     * container requests: when the annotations claim less memory than the pod's sharing resource asks for, the
     * pod is counted with what it asks for (on its first GPU), so forged annotations can only over-count, never
     * leave room that is not there.
     */
    static List<GpuSlice> atLeastRequested(List<GpuSlice> slices, long requestedMiB) {
        if (slices.isEmpty() || requestedMiB <= 0) {
            return slices;
        }
        long claimed = 0;
        for (GpuSlice slice : slices) {
            claimed += slice.memoryMiB();
        }
        if (claimed >= requestedMiB) {
            return slices;
        }
        GpuSlice first = slices.get(0);
        List<GpuSlice> out = new java.util.ArrayList<>(slices);
        out.set(0, new GpuSlice(first.index(), (int) Math.min(GpuSlice.MAX_MEMORY_MIB, first.memoryMiB() + requestedMiB - claimed),
                first.milli()));
        return out;
    }

    /**
     * Per GPU resource, what kube-scheduler counts for the pod: the larger of the biggest init container
     * and the sum of the app containers, plus the pod overhead. A container's request defaults to its
     * limit, as the API server does for extended resources.
     */
    public Map<String, Long> effectiveRequests(KubePod pod) {
        Map<String, Long> out = new HashMap<>();
        if (pod.spec == null) {
            return out;
        }
        for (String resource : resources) {
            long sum = 0;
            if (pod.spec.containers != null) {
                for (KubePod.Container container : pod.spec.containers) {
                    sum += request(container, resource);
                }
            }
            long maxInit = 0;
            if (pod.spec.initContainers != null) {
                for (KubePod.Container container : pod.spec.initContainers) {
                    maxInit = Math.max(maxInit, request(container, resource));
                }
            }
            long overhead = pod.spec.overhead == null ? 0 : Math.max(0, Quantities.wholeAmount(pod.spec.overhead.get(resource)));
            long total = Math.max(sum, maxInit) + overhead;
            if (total > 0) {
                out.put(resource, total);
            }
        }
        return out;
    }

    private static long request(KubePod.Container container, String resource) {
        if (container.resources == null) {
            return 0;
        }
        String value = container.resources.requests == null ? null : container.resources.requests.get(resource);
        if (value == null && container.resources.limits != null) {
            value = container.resources.limits.get(resource);
        }
        return Math.max(0, Quantities.wholeAmount(value));
    }
}
