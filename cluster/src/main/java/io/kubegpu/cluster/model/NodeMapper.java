package io.kubegpu.cluster.model;

import io.kubegpu.catalog.ModelMatch;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.Taint;
import io.kubegpu.guard.MemoryGuard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a Node into the {@link GpuNode} scheduling reads. Pure apart from a debug log. */
public final class NodeMapper {
    private static final Logger LOG = LoggerFactory.getLogger(NodeMapper.class);

    /** Node annotation listing the indices of GPUs that must not be placed on (set by a node agent or an operator). */
    public static final String UNHEALTHY_GPUS = io.kubegpu.api.Annotations.UNHEALTHY_GPUS;

    private final ClusterConfig config;
    private final MemoryGuard guard;
    /**
     * One String per distinct model label value: every node of a model then holds the same instance, and the filter,
     * which looks each candidate's label up, compares it by identity instead of reading each node's own copy.
     */
    private final Map<String, String> labelValues = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_LABEL_VALUES = 10_000;

    public NodeMapper(ClusterConfig config) {
        this.config = config;
        this.guard = new MemoryGuard(config.catalog());
    }

    public GpuNode map(KubeNode node) {
        String name = node.metadata == null ? null : node.metadata.getName();
        if (name == null) {
            throw new IllegalArgumentException("a Node without metadata.name");
        }
        Map<String, String> labels = node.metadata.getLabels() == null ? Map.of() : node.metadata.getLabels();
        Map<String, Long> allocatable = allocatable(node);

        String modelLabel = null;
        ModelMatch model = null;
        int memoryMiB = 0;
        int usableMiB = 0;
        int count = -1;
        for (ModelLabelSource source : config.modelSources()) {
            String value = labels.get(source.modelLabel());
            if (value == null || value.isBlank()) {
                continue;
            }
            modelLabel = canonical(value);
            model = config.catalog().resolve(value).orElse(null);
            if (model == null) {
                LOG.debug("node {}: GPU model label {}={} is not in the catalog", name, source.modelLabel(), value);
            }
            long reported = source.memoryLabel() == null ? -1 : Quantities.wholeAmount(labels.get(source.memoryLabel()));
            if (reported > 0 && reported <= GpuSlice.MAX_MEMORY_MIB) {
                memoryMiB = guard.reportedNominalMiB((int) reported, value, model);
                usableMiB = (int) Math.min(reported, memoryMiB);
            } else if (model != null) {
                memoryMiB = model.smallest().memoryMiB();
                usableMiB = memoryMiB;
            }
            count = source.countLabel() == null ? -1 : (int) Math.min(Integer.MAX_VALUE, Quantities.wholeAmount(labels.get(source.countLabel())));
            break;
        }
        if (count < 0) {
            count = (int) Math.min(Integer.MAX_VALUE, physicalGpus(allocatable));
        }
        boolean ready = false;
        if (node.status != null && node.status.conditions != null) {
            for (KubeNode.Condition condition : node.status.conditions) {
                if ("Ready".equals(condition.type)) {
                    ready = "True".equals(condition.status);
                }
            }
        }
        boolean unschedulable = node.spec != null && Boolean.TRUE.equals(node.spec.unschedulable);
        return new GpuNode(name, ready, unschedulable, taints(node), modelLabel, model, memoryMiB, count, allocatable, usableMiB,
                unhealthy(name, node.metadata.getAnnotations() == null ? null : node.metadata.getAnnotations().get(UNHEALTHY_GPUS), count));
    }

    /**
     * GPUs the node's agent or an operator reported unhealthy, by the {@value #UNHEALTHY_GPUS} annotation: {@code 0,3} or
     * {@code all}. A malformed value takes every GPU of the node out of placement, with a warning: guessing which GPUs are
     * broken could put a pod on one of them.
     */
    static List<Integer> unhealthy(String node, String value, int gpuCount) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<Integer> all = java.util.stream.IntStream.range(0, Math.min(gpuCount, GpuSlice.MAX_INDEX_EXCLUSIVE)).boxed().toList();
        if (value.trim().equalsIgnoreCase("all")) {
            return all;
        }
        List<Integer> out = new ArrayList<>();
        for (String part : value.split(",")) {
            try {
                int index = Integer.parseInt(part.trim());
                if (index < 0 || index >= GpuSlice.MAX_INDEX_EXCLUSIVE) {
                    throw new NumberFormatException();
                }
                out.add(index);
            } catch (NumberFormatException e) {
                LOG.warn("node {}: annotation {}={} is not a list of GPU indices such as 0,3 or 'all'; taking all its GPUs out of placement",
                        node, UNHEALTHY_GPUS, io.kubegpu.api.LogSafe.quote(value));
                return all;
            }
        }
        return out;
    }

    /** The shared instance of a label value; past {@value #MAX_LABEL_VALUES} distinct values, new ones are kept as they are. */
    private String canonical(String value) {
        String known = labelValues.get(value);
        if (known != null) {
            return known;
        }
        if (labelValues.size() >= MAX_LABEL_VALUES) {
            return value;
        }
        String earlier = labelValues.putIfAbsent(value, value);
        return earlier != null ? earlier : value;
    }

    /** Allocatable amounts of the GPU resources (capacity when a node reports no allocatable). */
    private Map<String, Long> allocatable(KubeNode node) {
        Map<String, Long> out = new HashMap<>();
        if (node.status == null) {
            return out;
        }
        Map<String, String> source = node.status.allocatable != null ? node.status.allocatable : node.status.capacity;
        if (source == null) {
            return out;
        }
        for (String resource : config.gpuResources()) {
            long amount = Quantities.wholeAmount(source.get(resource));
            if (amount > 0) {
                out.put(resource, amount);
            }
        }
        return out;
    }

    private long physicalGpus(Map<String, Long> allocatable) {
        long gpushareCount = allocatable.getOrDefault(config.gpushare().countResource(), 0L);
        long whole = 0;
        for (var vendor : config.vendors().all()) {
            whole = Math.max(whole, allocatable.getOrDefault(vendor.resource(), 0L));
        }
        return Math.max(whole, gpushareCount);
    }

    private static List<Taint> taints(KubeNode node) {
        if (node.spec == null || node.spec.taints == null) {
            return List.of();
        }
        List<Taint> out = new ArrayList<>(node.spec.taints.size());
        for (KubeNode.TaintJson taint : node.spec.taints) {
            if (taint.key != null && taint.effect != null) {
                out.add(new Taint(taint.key, taint.value, taint.effect));
            }
        }
        return out;
    }
}
