package io.kubegpu.scorer.action;

/** Mean, variance and least-squares slope per sample of one series: what the AI review is shown. Pure. */
record WindowTrend(double mean, double variance, double slope, int samples) {
    static WindowTrend of(double[] values) {
        if (values == null) {
            return new WindowTrend(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double sum = 0;
        double sumX = 0;
        double sumXY = 0;
        double sumXX = 0;
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (Double.isFinite(values[i])) {
                sum += values[i];
                sumX += i;
                sumXY += i * values[i];
                sumXX += (double) i * i;
                n++;
            }
        }
        if (n == 0) {
            return new WindowTrend(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double mean = sum / n;
        double squares = 0;
        for (double value : values) {
            if (Double.isFinite(value)) {
                squares += (value - mean) * (value - mean);
            }
        }
        double denominator = n * sumXX - sumX * sumX;
        double slope = denominator == 0 ? 0 : (n * sumXY - sumX * sum) / denominator;
        return new WindowTrend(mean, squares / n, slope, n);
    }
}
