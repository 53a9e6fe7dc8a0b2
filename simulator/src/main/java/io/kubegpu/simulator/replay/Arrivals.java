package io.kubegpu.simulator.replay;

import io.kubegpu.simulator.trace.TraceTask;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The arrival sequence of one run, as in the FGD paper's protocol: the trace's tasks in a seeded random
 * order, then padded by sampling tasks with replacement until the next one would push total GPU demand past
 * {@code ratio} × cluster capacity (or trimmed by removing random tasks while above it).
 */
public final class Arrivals {
    private Arrivals() {
    }

    public static List<TraceTask> of(List<TraceTask> trace, long capacityMilli, double ratio, long seed) {
        if (!(ratio > 0)) {
            throw new IllegalArgumentException("the workload ratio must be positive, got " + ratio);
        }
        Random random = new Random(seed);
        List<TraceTask> tasks = new ArrayList<>(trace);
        tasks.sort(Comparator.comparing(TraceTask::name));
        java.util.Collections.shuffle(tasks, random);
        double target = ratio * capacityMilli;
        long total = tasks.stream().mapToLong(TraceTask::totalGpuMilli).sum();
        while (total > target && !tasks.isEmpty()) {
            total -= tasks.remove(random.nextInt(tasks.size())).totalGpuMilli();
        }
        if (trace.stream().noneMatch(t -> t.totalGpuMilli() > 0)) {
            return tasks; // nothing to pad with
        }
        for (int i = 0; ; i++) {
            TraceTask sample = trace.get(random.nextInt(trace.size()));
            if (total + sample.totalGpuMilli() > target) {
                return tasks;
            }
            tasks.add(sample.renamed(sample.name() + "-tuned-" + i));
            total += sample.totalGpuMilli();
        }
    }
}
