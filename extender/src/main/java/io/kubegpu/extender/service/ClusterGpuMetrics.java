package io.kubegpu.extender.service;

import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.NodeState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * GPU capacity and allocation of the cluster by model, for the "allocation vs capacity" dashboard:
 *
 * <pre>
 * kubegpu_cluster_gpu_capacity{model}    physical GPUs of Ready nodes with that model
 * kubegpu_cluster_gpu_allocated{model}   of those, GPUs held whole by pods or reservations, or shared by at least one
 * kubegpu_cluster_gpu_unhealthy{node,gpu} 1 for each GPU taken out of placement (node annotation or DCGM XID errors)
 * </pre>
 *
 * {@link #refresh} is called from a timer (not per scrape, not per decision), so a scrape costs nothing and
 * a 5,000-node walk happens a few times a minute at most.
 */
public final class ClusterGpuMetrics {
    private final MultiGauge capacity;
    private final MultiGauge allocated;
    private final MultiGauge unhealthy;
    private final List<String> wholeGpuResources;

    /** @param wholeGpuResources the vendors' whole-GPU resources, e.g. {@code nvidia.com/gpu} */
    public ClusterGpuMetrics(MeterRegistry registry, List<String> wholeGpuResources) {
        this.capacity = MultiGauge.builder("kubegpu.cluster.gpu.capacity").description("GPUs of Ready nodes, by model").register(registry);
        this.allocated = MultiGauge.builder("kubegpu.cluster.gpu.allocated").description("GPUs held by pods (whole or shared), by model")
                .register(registry);
        this.unhealthy = MultiGauge.builder("kubegpu.cluster.gpu.unhealthy")
                .description("GPUs taken out of placement because they are reported unhealthy").register(registry);
        this.wholeGpuResources = List.copyOf(wholeGpuResources);
    }

    public void refresh(ClusterSnapshot snapshot) {
        Map<String, long[]> byModel = new TreeMap<>();
        List<MultiGauge.Row<?>> unhealthyRows = new ArrayList<>();
        for (NodeState state : snapshot.nodes()) {
            GpuNode node = state.node();
            if (node != null) {
                for (int gpu : node.unhealthyGpus()) {
                    unhealthyRows.add(MultiGauge.Row.of(Tags.of("node", node.name(), "gpu", Integer.toString(gpu)), 1));
                }
            }
            if (node == null || !node.ready() || node.gpuCount() == 0) {
                continue;
            }
            String model = node.model() != null ? node.model().smallest().id() : node.modelLabel() != null ? node.modelLabel() : "unknown";
            long whole = 0;
            for (String resource : wholeGpuResources) {
                whole += state.used(resource);
            }
            long held = Math.min(node.gpuCount(), whole + state.sharedGpusInUse());
            long[] totals = byModel.computeIfAbsent(model, m -> new long[2]);
            totals[0] += node.gpuCount();
            totals[1] += held;
        }
        List<MultiGauge.Row<?>> capacityRows = new ArrayList<>();
        List<MultiGauge.Row<?>> allocatedRows = new ArrayList<>();
        byModel.forEach((model, totals) -> {
            capacityRows.add(MultiGauge.Row.of(Tags.of("model", model), totals[0]));
            allocatedRows.add(MultiGauge.Row.of(Tags.of("model", model), totals[1]));
        });
        capacity.register(capacityRows, true);
        allocated.register(allocatedRows, true);
        unhealthy.register(unhealthyRows, true);
    }
}
