package io.kubegpu.simulator.replay;

import io.kubegpu.extender.placement.TargetWorkload;
import io.kubegpu.extender.placement.TaskShape;
import io.kubegpu.simulator.trace.TraceTask;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The target workload of a trace: its task shapes (CPU-only tasks included), the most common covering 95%. */
public final class TraceWorkload {
    public static final double COVERAGE = 0.95;

    private TraceWorkload() {
    }

    public static TargetWorkload of(List<TraceTask> tasks) {
        Map<TaskShape, Long> counts = new HashMap<>();
        for (TraceTask task : tasks) {
            counts.merge(SimCluster.shapeOf(task), 1L, Long::sum);
        }
        return TargetWorkload.fromCounts(counts, COVERAGE);
    }
}
