package io.kubegpu.extender.placement;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The default placement policy. A placement's cost, in GPU thousandths, is what it takes from tasks to come:
 *
 * <ol>
 *   <li><b>fragmentation growth</b>: the change in the node's expected fragmentation against the target workload
 *       ({@link Fragmentation}, the measure of FGD, Weng et al., USENIX ATC '23);</li>
 *   <li><b>CPU stranding growth</b>: free GPU the node's remaining CPU can no longer feed at the workload's CPU per
 *       GPU ({@code max(0, free GPU − free CPU ÷ CPU-per-GPU)}). FGD sees CPU only as a cliff per task type; a task
 *       that takes more CPU per GPU than the workload does pushes a node towards GPUs nobody can use, and this
 *       charges that where it happens — CPU-hungry tasks drift to CPU-rich nodes;</li>
 *   <li><b>model pressure</b>: the GPU taken from a model that model-constrained tasks need, times the share of that
 *       model's capacity the constrained demand would fill (capped at 1): GPU a constrained task will miss.</li>
 * </ol>
 *
 * <p>The cost maps to a score of {@code floor(100 × sigmoid(−cost / 1000))}, 0–100, highest wins. The integer
 * score is coarse on purpose: placements within a few hundredths of a GPU tie, and ties go to a consistent node
 * order (kube-scheduler's, or the simulator's), which keeps load together; measured on the Alibaba trace, exact
 * costs strand more. On a node, a share takes the GPU with the best score, the fullest on ties.
 *
 * <p>Pure and fast: a node's options are its distinct free shares (at most one per GPU), each judged by a
 * memoized {@link Fragmentation}. Not thread-safe (the memo): one per thread or per call.
 */
public final class FragmentationPlacer {
    private static final int MAX_SCORE = 100;
    private static final int[] NONE = new int[0];

    private final Fragmentation fragmentation;
    /** Host CPU the workload's GPU tasks take per GPU thousandth; 0 when unknown (no stranding term). */
    private final double cpuPerGpuMilli;
    private final Map<String, Double> pressure;

    public FragmentationPlacer(Fragmentation fragmentation) {
        this(fragmentation, Map.of());
    }

    /**
     * @param capacityByModel GPU thousandths per model label in the cluster; empty when unknown (no pressure term)
     */
    public FragmentationPlacer(Fragmentation fragmentation, Map<String, Long> capacityByModel) {
        this.fragmentation = fragmentation;
        TargetWorkload workload = fragmentation.workload();
        double cpu = 0;
        double gpu = 0;
        for (TargetWorkload.Entry entry : workload.entries()) {
            cpu += entry.weight() * entry.shape().cpuMilli() * (entry.shape().gpuCount() > 0 ? 1 : 0);
            gpu += entry.weight() * entry.shape().totalGpuMilli();
        }
        this.cpuPerGpuMilli = gpu == 0 ? 0 : cpu / gpu;
        this.pressure = pressure(workload, capacityByModel, gpu);
    }

    /**
     * Per model: constrained GPU demand it would receive (each constrained type's demand spread over its allowed models
     * by capacity, scaled to one cluster's worth of arrivals) over the model's capacity, capped at 1.
     */
    private static Map<String, Double> pressure(TargetWorkload workload, Map<String, Long> capacityByModel, double gpuPerTask) {
        Map<String, Double> out = new HashMap<>();
        long capacity = capacityByModel.values().stream().mapToLong(Long::longValue).sum();
        if (gpuPerTask == 0 || capacity == 0) {
            return out;
        }
        for (Map.Entry<String, Long> model : capacityByModel.entrySet()) {
            double constrained = 0;
            for (TargetWorkload.Entry entry : workload.entries()) {
                Set<String> allowed = entry.shape().models();
                if (!allowed.isEmpty() && allowed.contains(model.getKey())) {
                    long allowedCapacity = allowed.stream().mapToLong(m -> capacityByModel.getOrDefault(m, 0L)).sum();
                    constrained += entry.weight() * entry.shape().totalGpuMilli() * model.getValue() / (double) Math.max(1, allowedCapacity);
                }
            }
            double demand = constrained / gpuPerTask * capacity;
            if (demand > 0) {
                out.put(model.getKey(), Math.min(1, demand / Math.max(1, model.getValue())));
            }
        }
        return Map.copyOf(out);
    }

    private FragmentationPlacer(Fragmentation fragmentation, double cpuPerGpuMilli, Map<String, Double> pressure) {
        this.fragmentation = fragmentation;
        this.cpuPerGpuMilli = cpuPerGpuMilli;
        this.pressure = pressure;
    }

    /**
     * A placer for the same workload with a memo of its own (the memo is not thread-safe: one placer per call), its
     * constants taken from this one instead of computed again: the extender makes a placer per call, and computing them
     * was 4 % of its request thread in a profile of whole-GPU pods.
     */
    public FragmentationPlacer withFreshMemo() {
        return new FragmentationPlacer(new Fragmentation(fragmentation.workload()), cpuPerGpuMilli, pressure);
    }

    public Fragmentation fragmentation() {
        return fragmentation;
    }

    /** The best placement of the task on this node, or {@code null} when it does not fit. */
    public Placement bestOn(GpuLayout layout, TaskShape task) {
        if (!layout.fits(task)) {
            return null;
        }
        double before = cost(layout);
        if (!task.isShare()) {
            return placement(layout, task, task.gpuCount() == 0 ? NONE : layout.lowestFullyFree(task.gpuCount()), before);
        }
        Placement best = null;
        int bestFree = Integer.MAX_VALUE;
        for (int g = 0; g < layout.gpuCount(); g++) {
            int free = layout.free(g);
            if (free < task.gpuMilli() || seenBefore(layout, g, free)) {
                continue;
            }
            Placement option = placement(layout, task, new int[] {g}, before);
            if (best == null || option.score() > best.score() || (option.score() == best.score() && free < bestFree)) {
                best = option;
                bestFree = free;
            }
        }
        return best;
    }

    private Placement placement(GpuLayout layout, TaskShape task, int[] gpus, double before) {
        GpuLayout after = layout.with(task, gpus);
        double cost = cost(after) - before + task.totalGpuMilli() * pressure.getOrDefault(String.valueOf(layout.model()), 0.0);
        int score = (int) (MAX_SCORE / (1 + Math.exp(cost / 1000)));
        return new Placement(gpus, score, cost);
    }

    /** What a node's state costs the tasks to come: expected fragmentation plus GPU stranded for lack of CPU. */
    double cost(GpuLayout layout) {
        return fragmentation.of(layout) + stranded(layout);
    }

    double stranded(GpuLayout layout) {
        if (layout.cpuFreeMilli() == GpuLayout.UNTRACKED || cpuPerGpuMilli == 0) {
            return 0;
        }
        return Math.max(0, layout.totalFree() - layout.cpuFreeMilli() / cpuPerGpuMilli);
    }

    /** Whether an earlier GPU has the same free share (same outcome: keep the lowest index). */
    private static boolean seenBefore(GpuLayout layout, int index, int free) {
        for (int i = 0; i < index; i++) {
            if (layout.free(i) == free) {
                return true;
            }
        }
        return false;
    }
}
