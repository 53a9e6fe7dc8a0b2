package io.kubegpu.console.view;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One moment of the trends: the cluster's GPU allocation, its mean utilization and its pending GPU pods, and the same
 * per team (namespace, and team group where configured).
 *
 * @param at             when
 * @param allocation     GPUs held (whole or shared) over the GPUs of Ready nodes, 0..1
 * @param allocatedGpus  GPUs held, whole or shared, on Ready nodes
 * @param utilization    mean core utilization of the scored GPUs, percent; NaN without scorer data
 * @param pending        GPU pods waiting for a node
 * @param teams          per team
 */
public record TrendSample(Instant at, double allocation, double allocatedGpus, double utilization, int pending, Map<String, Team> teams) {
    /** A team's figures: GPUs held (shares as fractions), mean utilization (NaN without data), pods waiting. */
    public record Team(double allocatedGpus, double utilization, int pending) {
    }

    public TrendSample {
        teams = Map.copyOf(teams);
    }

    /** The sample of one moment, from the same inputs as the pages. */
    public static TrendSample of(ConsoleInputs in, UtilizationIndex util, ViewConfig config) {
        int capacity = 0;
        int allocated = 0;
        for (NodeLayout n : new ClusterView(config).layouts(in)) {
            if (n.ready) {
                capacity += n.gpus;
                allocated += n.wholeUsed + n.sharedGpus;
            }
        }
        Double mean = UtilizationIndex.meanUtilization(util.all());
        var byNamespace = new TeamsView(config).accumulate(in, util);
        Map<String, Team> teams = new HashMap<>();
        Map<String, double[]> groups = new HashMap<>();
        Map<String, List<io.kubegpu.scorer.score.GpuScore>> groupScores = new HashMap<>();
        byNamespace.forEach((namespace, acc) -> {
            Double u = UtilizationIndex.meanUtilization(acc.scores);
            teams.put(namespace, new Team(Num.round2(acc.gpus), u == null ? Double.NaN : u, acc.pending));
            String group = config.teams().groupOf(namespace);
            if (group != null) {
                double[] sum = groups.computeIfAbsent(group, g -> new double[2]);
                sum[0] += acc.gpus;
                sum[1] += acc.pending;
                groupScores.computeIfAbsent(group, g -> new java.util.ArrayList<>()).addAll(acc.scores);
            }
        });
        groups.forEach((group, sum) -> {
            Double u = UtilizationIndex.meanUtilization(groupScores.get(group));
            teams.put(group, new Team(Num.round2(sum[0]), u == null ? Double.NaN : u, (int) sum[1]));
        });
        return new TrendSample(in.now(), Num.ratio(allocated, capacity), allocated, mean == null ? Double.NaN : mean, in.pending().size(), teams);
    }
}
