package io.kubegpu.scorer.score;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Totals of one analysis run, the shape of the monitor's {@code /results/stats}: over scored GPUs the
 * average, minimum and maximum score; GPUs under the low threshold (idle included) and idle ones; counts
 * by status (unknown included); per namespace the count, average score and low-utilization count.
 */
public record ScoreStats(int totalGpus, double avgScore, double minScore, double maxScore, int lowUtilizationCount, int idleCount,
                         Map<GpuStatus, Integer> byStatus, Map<String, Tenant> byNamespace) {

    /** One namespace's GPUs. */
    public record Tenant(int count, double avgScore, int lowUtilCount) {
    }

    public static ScoreStats of(List<GpuScore> scores) {
        Map<GpuStatus, Integer> byStatus = new EnumMap<>(GpuStatus.class);
        Map<String, double[]> tenants = new TreeMap<>();
        double sum = 0;
        double min = Double.NaN;
        double max = Double.NaN;
        int scored = 0;
        int low = 0;
        int idle = 0;
        for (GpuScore gpu : scores) {
            byStatus.merge(gpu.status(), 1, Integer::sum);
            String namespace = gpu.namespace() == null ? "(none)" : gpu.namespace();
            double[] tenant = tenants.computeIfAbsent(namespace, n -> new double[4]);
            tenant[0]++;
            if (!gpu.scored()) {
                continue;
            }
            scored++;
            sum += gpu.score();
            min = Double.isNaN(min) ? gpu.score() : Math.min(min, gpu.score());
            max = Double.isNaN(max) ? gpu.score() : Math.max(max, gpu.score());
            boolean isLow = gpu.status() == GpuStatus.IDLE || gpu.status() == GpuStatus.LOW;
            low += isLow ? 1 : 0;
            idle += gpu.status() == GpuStatus.IDLE ? 1 : 0;
            tenant[1] += gpu.score();
            tenant[2]++;
            tenant[3] += isLow ? 1 : 0;
        }
        Map<String, Tenant> byNamespace = new TreeMap<>();
        tenants.forEach((namespace, t) -> byNamespace.put(namespace, new Tenant((int) t[0], t[2] == 0 ? Double.NaN : t[1] / t[2], (int) t[3])));
        return new ScoreStats(scores.size(), scored == 0 ? Double.NaN : sum / scored, min, max, low, idle, Map.copyOf(byStatus),
                java.util.Collections.unmodifiableMap(byNamespace));
    }
}
