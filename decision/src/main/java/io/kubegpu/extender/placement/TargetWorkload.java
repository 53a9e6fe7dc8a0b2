package io.kubegpu.extender.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The task mix a cluster expects, the yardstick of fragmentation: free GPU capacity counts as fragmented
 * for a task type when that type could not use it. Built from counts of observed task shapes, keeping the
 * most common shapes until they cover {@code coverage} of all tasks (the long tail adds cost, not signal),
 * with weights renormalized to sum to 1.
 */
public record TargetWorkload(List<Entry> entries) {
    /** One task shape and its share of the mix. */
    public record Entry(TaskShape shape, double weight) {
    }

    public TargetWorkload {
        entries = List.copyOf(entries);
        double sum = 0;
        for (Entry entry : entries) {
            if (!(entry.weight() > 0)) {
                throw new IllegalArgumentException("weights must be positive, got " + entry.weight());
            }
            sum += entry.weight();
        }
        if (!entries.isEmpty() && Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("weights must sum to 1, got " + sum);
        }
    }

    /**
     * The most common shapes covering {@code coverage} (0..1] of the tasks counted. Ties in count are broken by
     * the larger shape first (CPU, then share, then GPUs), so the result does not depend on map order.
     */
    public static TargetWorkload fromCounts(Map<TaskShape, Long> counts, double coverage) {
        if (!(coverage > 0 && coverage <= 1)) {
            throw new IllegalArgumentException("coverage must be within (0, 1], got " + coverage);
        }
        List<Map.Entry<TaskShape, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.removeIf(e -> e.getValue() <= 0);
        sorted.sort(Comparator.<Map.Entry<TaskShape, Long>>comparingLong(Map.Entry::getValue).reversed()
                .thenComparing(e -> e.getKey(), LARGER_FIRST));
        long total = sorted.stream().mapToLong(Map.Entry::getValue).sum();
        List<Map.Entry<TaskShape, Long>> kept = new ArrayList<>();
        long covered = 0;
        for (Map.Entry<TaskShape, Long> entry : sorted) {
            if (covered >= coverage * total) {
                break;
            }
            kept.add(entry);
            covered += entry.getValue();
        }
        List<Entry> entries = new ArrayList<>(kept.size());
        for (Map.Entry<TaskShape, Long> entry : kept) {
            entries.add(new Entry(entry.getKey(), entry.getValue() / (double) covered));
        }
        return new TargetWorkload(entries);
    }

    private static final Comparator<TaskShape> LARGER_FIRST = Comparator.comparingInt(TaskShape::cpuMilli)
            .thenComparingInt(TaskShape::gpuMilli).thenComparingInt(TaskShape::gpuCount)
            .thenComparing(s -> String.join("|", s.models().stream().sorted().toList())).reversed();
}
