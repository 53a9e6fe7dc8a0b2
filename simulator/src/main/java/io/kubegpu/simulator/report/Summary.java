package io.kubegpu.simulator.report;

import io.kubegpu.simulator.policy.Policies;
import io.kubegpu.simulator.replay.RunResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Per trace and policy, over the seeds: the headline (unallocated GPU % when arrived workload is 100% of
 * capacity) with its spread, fragmentation amount and rate at that point, and the published mean where the
 * authors ran the same pair.
 */
public record Summary(String trace, String policy, int seeds, double unallocatedMean, double unallocatedStdDev, double fragAmountMean,
                      double fragRateMean, double failedTasksMean, OptionalDouble published, double[] meanUnallocatedCurve) {
    public static final int HEADLINE = 100;

    public static List<Summary> of(List<RunResult> runs, PublishedResults published) {
        Map<String, List<RunResult>> groups = new LinkedHashMap<>();
        for (RunResult run : runs) {
            groups.computeIfAbsent(run.trace() + "\u0000" + run.policy(), k -> new ArrayList<>()).add(run);
        }
        List<Summary> out = new ArrayList<>();
        for (List<RunResult> group : groups.values()) {
            RunResult first = group.get(0);
            double[] unallocated = new double[group.size()];
            double frag = 0;
            double rate = 0;
            double failed = 0;
            double[] curve = new double[Curve.MAX + 1];
            for (int i = 0; i < group.size(); i++) {
                Curve c = Curve.of(group.get(i));
                unallocated[i] = c.unallocatedAt(HEADLINE);
                frag += c.fragAmount()[HEADLINE];
                rate += c.fragRate()[HEADLINE];
                failed += group.get(i).failedTasks();
                for (int x = 0; x <= Curve.MAX; x++) {
                    curve[x] += c.unallocatedAt(x) / group.size();
                }
            }
            double mean = mean(unallocated);
            double variance = 0;
            for (double u : unallocated) {
                variance += (u - mean) * (u - mean);
            }
            double sd = group.size() > 1 ? Math.sqrt(variance / (group.size() - 1)) : 0;
            String label = Policies.publishedLabel(first.policy());
            OptionalDouble paper = label == null ? OptionalDouble.empty() : published.meanUnallocated(first.trace(), label, HEADLINE);
            int n = group.size();
            out.add(new Summary(first.trace(), first.policy(), n, mean, sd, frag / n, rate / n, failed / n, paper, curve));
        }
        return out;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }
}
