package io.kubegpu.scorer.score;

/**
 * The score bounds of the statuses: idle below {@code idle}, low below {@code low}, high above
 * {@value #HIGH}. The monitor's {@code thresholds.idle} and {@code thresholds.low_utilization}.
 */
public record Thresholds(double idle, double low) {
    /** Above this a GPU is high; fixed, as in the monitor. */
    public static final double HIGH = 70;
    public static final Thresholds DEFAULT = new Thresholds(10, 20);

    public Thresholds {
        if (!(idle >= 0 && idle < low)) {
            throw new IllegalArgumentException("the idle threshold must be at least 0 and below the low threshold " + low + ", got " + idle);
        }
        if (!(low > idle && low <= HIGH)) {
            throw new IllegalArgumentException("the low-utilization threshold must be above the idle threshold " + idle
                    + " and at most " + (int) HIGH + " (high is above " + (int) HIGH + "), got " + low);
        }
    }
}
