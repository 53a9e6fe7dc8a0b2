package io.kubegpu.extender.decision;

import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.placement.Fragmentation;
import io.kubegpu.extender.placement.FragmentationPlacer;
import io.kubegpu.extender.placement.GpuLayout;
import io.kubegpu.extender.placement.TargetWorkload;
import io.kubegpu.extender.placement.TaskShape;
import io.kubegpu.request.Vendor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The task mix the fragmentation policy measures against, learned from the GPU pods the cluster runs (whole-GPU
 * counts and shared GPU shares), refreshed in the background — never on the request path. Until the cluster runs
 * {@value #MIN_PODS} GPU pods it uses a generic mix (1, 2, 4 and 8 whole GPUs; quarter and half shares).
 *
 * <p>The extender does not see host CPU (kube-scheduler checks it) nor which models pending pods will insist on,
 * so the profile's shapes carry no CPU and no model constraint; the placement policy's CPU and model terms then
 * stay at zero and it ranks by GPU fragmentation alone.
 */
public final class WorkloadProfile {
    static final int MIN_PODS = 20;
    private static final TargetWorkload GENERIC = TargetWorkload.fromCounts(Map.of(
            TaskShape.whole(0, 1, Set.of()), 4L, TaskShape.whole(0, 2, Set.of()), 2L, TaskShape.whole(0, 4, Set.of()), 1L,
            TaskShape.whole(0, 8, Set.of()), 1L, TaskShape.share(0, 250, Set.of()), 2L, TaskShape.share(0, 500, Set.of()), 2L), 1.0);

    private final List<Vendor> vendors;
    private volatile TargetWorkload workload = GENERIC;
    /** The placer whose constants {@link #placerFor} copies: never used to place itself, so its memo stays empty. */
    private volatile FragmentationPlacer template;

    public WorkloadProfile(List<Vendor> vendors) {
        this.vendors = List.copyOf(vendors);
    }

    /** The generic mix, for callers without a cluster to learn from. */
    public static WorkloadProfile generic(List<Vendor> vendors) {
        return new WorkloadProfile(vendors);
    }

    public TargetWorkload workload() {
        return workload;
    }

    /** A placer for one extender call (its memo lives as long as the call). */
    public FragmentationPlacer placer() {
        return placerFor(workload);
    }

    /**
     * A placer for one call measuring against {@code workload} (read once per call, so the placer and its caller agree),
     * with a memo of its own; its workload-derived constants come from the last mix's placer when it is this mix.
     */
    FragmentationPlacer placerFor(TargetWorkload workload) {
        FragmentationPlacer known = template;
        if (known == null || known.fragmentation().workload() != workload) {
            known = new FragmentationPlacer(new Fragmentation(workload));
            template = known;
        }
        return known.withFreshMemo();
    }

    /** Re-learns the mix from the pods in the snapshot. O(pods); run it off the request path. */
    public void refresh(ClusterSnapshot snapshot) {
        Map<TaskShape, Long> counts = new HashMap<>();
        long pods = 0;
        for (NodeState state : snapshot.nodes()) {
            GpuNode node = state.node();
            for (GpuPod pod : state.pods()) {
                TaskShape shape = shapeOf(pod, node);
                if (shape != null) {
                    counts.merge(shape, 1L, Long::sum);
                    pods++;
                }
            }
        }
        workload = pods < MIN_PODS ? GENERIC : TargetWorkload.fromCounts(counts, 0.95);
    }

    private TaskShape shapeOf(GpuPod pod, GpuNode node) {
        long whole = 0;
        for (Vendor vendor : vendors) {
            whole += pod.request(vendor.resource());
        }
        if (whole > 0) {
            return TaskShape.whole(0, (int) Math.min(whole, 64), Set.of());
        }
        if (pod.slices().isEmpty()) {
            return null;
        }
        GpuSlice slice = pod.slices().get(0);
        int milli = Math.max(slice.milli(), GpuLayout.milliOfMemory(slice.memoryMiB(), node == null ? 0 : node.gpuMemoryMiB()));
        return milli <= 0 || milli >= 1000 ? null : TaskShape.share(0, milli, Set.of());
    }
}
