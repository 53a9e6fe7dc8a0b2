package io.kubegpu.simulator.replay;

import io.kubegpu.extender.placement.GpuLayout;
import java.util.Map;

/**
 * A node the task fits on, as the policies see it.
 *
 * @param node        index of the node in the cluster
 * @param layout      free GPU shares (index order) and free CPU
 * @param rank        the node's place in the run's tie-break order (lower wins a tie)
 * @param affinity    GPU tasks on the node by kind ({@code share-gpu}, {@code 1-gpu}, {@code 2-gpu}, ...), for GpuClustering
 */
public record Candidate(int node, GpuLayout layout, int rank, Map<String, Integer> affinity) {
}
