package io.kubegpu.extender.placement;

import java.util.HashMap;
import java.util.Map;

/**
 * Expected fragmentation of a node against a target workload (the measure of Weng et al., "Beware of
 * Fragmentation", USENIX ATC '23): for each task type, the free GPU capacity that type could not use
 * (all of it when the type does not fit the node at all; else the GPUs with less free than its share),
 * weighted by the type's share of the workload. In GPU thousandths.
 *
 * <p>Not thread-safe: it memoizes by layout (nodes in the same state are common), so use one per thread.
 */
public final class Fragmentation {
    private final TargetWorkload workload;
    private final Map<GpuLayout.LayoutKey, Double> memo = new HashMap<>();
    /** Distinct layouts remembered before the memo starts over (a replay can meet many). */
    private static final int MEMO_LIMIT = 1 << 16;

    public Fragmentation(TargetWorkload workload) {
        this.workload = workload;
    }

    public TargetWorkload workload() {
        return workload;
    }

    public double of(GpuLayout layout) {
        if (layout.gpuCount() == 0) {
            return 0;
        }
        GpuLayout.LayoutKey key = layout.key();
        Double known = memo.get(key);
        if (known != null) {
            return known;
        }
        double value = compute(layout);
        if (memo.size() >= MEMO_LIMIT) {
            memo.clear();
        }
        memo.put(key, value);
        return value;
    }

    private double compute(GpuLayout layout) {
        int total = layout.totalFree();
        if (total == 0) {
            return 0;
        }
        double amount = 0;
        for (TargetWorkload.Entry entry : workload.entries()) {
            TaskShape shape = entry.shape();
            amount += entry.weight() * unusableBy(layout, shape, total);
        }
        return amount;
    }

    /** Free thousandths on the node that a task of this shape could not use. */
    static int unusableBy(GpuLayout layout, TaskShape shape, int total) {
        if (shape.gpuCount() == 0 || !shape.accepts(layout.model())) {
            return total;
        }
        if (layout.cpuFreeMilli() != GpuLayout.UNTRACKED && layout.cpuFreeMilli() < shape.cpuMilli()) {
            return total;
        }
        int usable = 0;
        int stranded = 0;
        for (int i = 0; i < layout.gpuCount(); i++) {
            int free = layout.free(i);
            if (free >= shape.gpuMilli()) {
                usable++;
            } else {
                stranded += free;
            }
        }
        return usable >= shape.gpuCount() ? stranded : total;
    }
}
