package io.kubegpu.simulator.report;

import io.kubegpu.simulator.replay.RunResult;

/**
 * A run's measures against arrived workload, at whole percentages 0..{@value #MAX}% of cluster GPU capacity:
 * each point averages every arrival whose arrived workload rounds to that percentage (the authors' analysis
 * does the same; a percentage no arrival rounds to takes the neighbours within ±1, else NaN).
 *
 * @param allocated    allocated GPU, % of capacity
 * @param fragAmount   fragmentation, % of capacity
 * @param fragRate     fragmentation, % of idle GPU
 */
public record Curve(double[] allocated, double[] fragAmount, double[] fragRate) {
    public static final int MAX = 130;

    public static Curve of(RunResult run) {
        double[] allocated = new double[MAX + 1];
        double[] frag = new double[MAX + 1];
        double[] rate = new double[MAX + 1];
        double capacity = run.capacityMilli();
        int n = run.arrivedMilli().length;
        int[] bucket = new int[n];
        for (int i = 0; i < n; i++) {
            bucket[i] = (int) Math.round(100.0 * run.arrivedMilli()[i] / capacity);
        }
        for (int x = 0; x <= MAX; x++) {
            double[] sums = sums(run, bucket, x, x, capacity);
            if (sums[3] == 0) {
                sums = sums(run, bucket, x - 1, x + 1, capacity);
            }
            double count = sums[3];
            allocated[x] = count == 0 ? Double.NaN : sums[0] / count;
            frag[x] = count == 0 ? Double.NaN : sums[1] / count;
            rate[x] = count == 0 ? Double.NaN : sums[2] / count;
        }
        return new Curve(allocated, frag, rate);
    }

    private static double[] sums(RunResult run, int[] bucket, int from, int to, double capacity) {
        double allocated = 0;
        double frag = 0;
        double rate = 0;
        int count = 0;
        for (int i = 0; i < bucket.length; i++) {
            if (bucket[i] >= from && bucket[i] <= to) {
                allocated += 100.0 * run.allocatedMilli()[i] / capacity;
                frag += 100.0 * run.fragMilli()[i] / capacity;
                double idle = capacity - run.allocatedMilli()[i];
                rate += idle <= 0 ? 0 : 100.0 * run.fragMilli()[i] / idle;
                count++;
            }
        }
        return new double[] {allocated, frag, rate, count};
    }

    /** Unallocated GPU at {@code arrived}% (the headline at 100): arrived minus allocated, % of capacity. */
    public double unallocatedAt(int arrived) {
        return arrived - allocated[arrived];
    }
}
