package io.kubegpu.console.view;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The in-process trend store of a console without Prometheus (the embedded demo): a ring of samples, one a minute by
 * default, bounded in memory whatever runs. Each series is a column of floats; a team gets its columns on its first
 * sample, and at most {@link #MAX_TEAMS} teams are kept (the first seen), so 48 hours of 100 teams are under 4 MiB.
 */
public final class TrendHistory {
    public static final int MAX_TEAMS = 100;
    /** At most this many points per answer; longer windows are averaged into buckets. */
    public static final int MAX_POINTS = 720;

    private final int capacity;
    private final long[] at;
    private final float[] allocation;
    private final float[] allocated;
    private final float[] utilization;
    private final int[] pending;
    private final Map<String, float[][]> teams = new HashMap<>();
    private int next;
    private int size;
    private long droppedTeams;

    /** @param capacity samples kept; the oldest is overwritten when full */
    public TrendHistory(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("a trend keeps at least 2 samples");
        }
        this.capacity = capacity;
        this.at = new long[capacity];
        this.allocation = new float[capacity];
        this.allocated = new float[capacity];
        this.utilization = new float[capacity];
        this.pending = new int[capacity];
    }

    public synchronized void record(TrendSample sample) {
        int i = next;
        at[i] = sample.at().toEpochMilli();
        allocation[i] = (float) sample.allocation();
        allocated[i] = (float) sample.allocatedGpus();
        utilization[i] = (float) sample.utilization();
        pending[i] = sample.pending();
        for (float[][] columns : teams.values()) {
            columns[0][i] = Float.NaN;
            columns[1][i] = Float.NaN;
            columns[2][i] = Float.NaN;
        }
        sample.teams().forEach((team, figures) -> {
            float[][] columns = teams.get(team);
            if (columns == null) {
                if (teams.size() >= MAX_TEAMS) {
                    droppedTeams++;
                    return;
                }
                columns = new float[3][capacity];
                for (float[] column : columns) {
                    Arrays.fill(column, Float.NaN);
                }
                teams.put(team, columns);
            }
            columns[0][i] = (float) figures.allocatedGpus();
            columns[1][i] = (float) figures.utilization();
            columns[2][i] = figures.pending();
        });
        next = (next + 1) % capacity;
        size = Math.min(capacity, size + 1);
    }

    public synchronized int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    /** Teams with a series, sorted. */
    public synchronized List<String> teams() {
        return List.copyOf(new TreeSet<>(teams.keySet()));
    }

    /** Samples of teams not kept because {@link #MAX_TEAMS} were already. */
    public synchronized long droppedTeams() {
        return droppedTeams;
    }

    /**
     * The points since {@code since}, oldest first, averaged into at most {@link #MAX_POINTS} buckets; for {@code team}
     * (a namespace or group) or the cluster when it is null. A team's allocation rate is not kept (a team has no capacity
     * of its own): its points carry allocated GPUs.
     */
    public synchronized List<TrendPoint> points(String team, Instant since) {
        float[][] columns = team == null ? null : teams.get(team);
        if (team != null && columns == null) {
            return List.of();
        }
        List<Integer> slots = new ArrayList<>();
        for (int k = 0; k < size; k++) {
            int i = Math.floorMod(next - size + k, capacity);
            if (at[i] >= since.toEpochMilli()) {
                slots.add(i);
            }
        }
        int bucket = Math.max(1, (slots.size() + MAX_POINTS - 1) / MAX_POINTS);
        List<TrendPoint> out = new ArrayList<>();
        for (int start = 0; start < slots.size(); start += bucket) {
            int end = Math.min(slots.size(), start + bucket);
            double[] sums = new double[4];
            int[] counts = new int[4];
            for (int k = start; k < end; k++) {
                int i = slots.get(k);
                if (columns == null) {
                    add(sums, counts, 0, allocation[i]);
                    add(sums, counts, 1, allocated[i]);
                    add(sums, counts, 2, utilization[i]);
                    add(sums, counts, 3, pending[i]);
                } else {
                    add(sums, counts, 1, columns[0][i]);
                    add(sums, counts, 2, columns[1][i]);
                    add(sums, counts, 3, columns[2][i]);
                }
            }
            out.add(new TrendPoint(Instant.ofEpochMilli(at[slots.get(end - 1)]), mean(sums, counts, 0, 3), mean(sums, counts, 1, 2),
                    mean(sums, counts, 2, 1), mean(sums, counts, 3, 1)));
        }
        return out;
    }

    private static void add(double[] sums, int[] counts, int k, double value) {
        if (!Double.isNaN(value)) {
            sums[k] += value;
            counts[k]++;
        }
    }

    private static Double mean(double[] sums, int[] counts, int k, int digits) {
        if (counts[k] == 0) {
            return null;
        }
        double value = sums[k] / counts[k];
        return digits == 3 ? Num.round3(value) : digits == 2 ? Num.round2(value) : Num.round1(value);
    }

    /** How long the ring covers at {@code interval} per sample. */
    public Duration span(Duration interval) {
        return interval.multipliedBy(capacity);
    }
}
