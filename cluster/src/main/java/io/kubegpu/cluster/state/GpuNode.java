package io.kubegpu.cluster.state;

import io.kubegpu.catalog.ModelMatch;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What scheduling needs to know about one node's GPUs.
 *
 * @param name          node name
 * @param ready         the Ready condition is True
 * @param unschedulable {@code spec.unschedulable} (cordoned)
 * @param taints        its taints
 * @param modelLabel    the GPU model as the node's labels name it (e.g. GFD's product), or {@code null}
 * @param model         that label resolved through the catalog, or {@code null} when unknown or absent
 * @param gpuMemoryMiB  nominal memory per GPU (reported memory rounded to the catalog size, else the
 *                      catalog's), 0 when unknown
 * @param gpuCount      physical GPUs on the node
 * @param allocatable   allocatable amounts of the configured GPU resources, e.g. {@code nvidia.com/gpu → 8}
 */
public record GpuNode(String name, boolean ready, boolean unschedulable, List<Taint> taints, String modelLabel,
                      ModelMatch model, int gpuMemoryMiB, int gpuCount, Map<String, Long> allocatable) {
    public GpuNode {
        Objects.requireNonNull(name, "name");
        taints = List.copyOf(taints);
        allocatable = Map.copyOf(allocatable);
        if (gpuMemoryMiB < 0 || gpuCount < 0) {
            throw new IllegalArgumentException("node " + name + ": negative GPU memory or count");
        }
    }

    public long allocatable(String resource) {
        return allocatable.getOrDefault(resource, 0L);
    }
}
