package io.kubegpu.cluster.state;

import io.kubegpu.catalog.ModelMatch;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What scheduling needs to know about one node's GPUs.
 *
 * @param name            node name
 * @param ready           the Ready condition is True
 * @param unschedulable   {@code spec.unschedulable} (cordoned)
 * @param taints          its taints
 * @param modelLabel      the GPU model as the node's labels name it (e.g. GFD's product), or {@code null}
 * @param model           that label resolved through the catalog, or {@code null} when unknown or absent
 * @param gpuMemoryMiB    nominal memory per GPU (reported memory rounded to the catalog size, else the catalog's), 0 when
 *                        unknown: what the memory guard judges a request against ("a T4 has 16 GiB")
 * @param gpuCount        physical GPUs on the node
 * @param allocatable     allocatable amounts of the configured GPU resources, e.g. {@code nvidia.com/gpu → 8}
 * @param usableMemoryMiB memory per GPU that shares are packed into: what the node reports (GFD's
 *                        {@code nvidia.com/gpu.memory}, e.g. 15360 on a T4) when it does, else the nominal size. The memory
 *                        handed out on a GPU never exceeds it
 * @param unhealthyGpus   indices of GPUs reported unhealthy (a node label or condition, DCGM health): never placed on
 */
public record GpuNode(String name, boolean ready, boolean unschedulable, List<Taint> taints, String modelLabel,
                      ModelMatch model, int gpuMemoryMiB, int gpuCount, Map<String, Long> allocatable, int usableMemoryMiB,
                      List<Integer> unhealthyGpus) {
    public GpuNode {
        Objects.requireNonNull(name, "name");
        taints = List.copyOf(taints);
        allocatable = Map.copyOf(allocatable);
        unhealthyGpus = List.copyOf(new java.util.TreeSet<>(unhealthyGpus));
        if (gpuMemoryMiB < 0 || gpuCount < 0 || usableMemoryMiB < 0) {
            throw new IllegalArgumentException("node " + name + ": negative GPU memory or count");
        }
    }

    /** A node whose usable memory is its nominal memory and whose GPUs are all healthy. */
    public GpuNode(String name, boolean ready, boolean unschedulable, List<Taint> taints, String modelLabel, ModelMatch model,
                   int gpuMemoryMiB, int gpuCount, Map<String, Long> allocatable) {
        this(name, ready, unschedulable, taints, modelLabel, model, gpuMemoryMiB, gpuCount, allocatable, gpuMemoryMiB, List.of());
    }

    public long allocatable(String resource) {
        return allocatable.getOrDefault(resource, 0L);
    }

    /** Whether GPU {@code index} may be placed on. */
    public boolean healthy(int index) {
        return unhealthyGpus.isEmpty() || !unhealthyGpus.contains(index);
    }

    /** The same node with other GPUs marked unhealthy (live health from DCGM, joined to the node's own report). */
    public GpuNode withUnhealthyGpus(List<Integer> indices) {
        return new GpuNode(name, ready, unschedulable, taints, modelLabel, model, gpuMemoryMiB, gpuCount, allocatable, usableMemoryMiB,
                indices);
    }
}
