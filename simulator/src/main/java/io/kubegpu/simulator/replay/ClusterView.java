package io.kubegpu.simulator.replay;

import io.kubegpu.extender.placement.GpuLayout;

/** Every node's free shares, for policies that weigh the whole cluster (not only the candidates). */
public interface ClusterView {
    int size();

    GpuLayout layout(int node);
}
