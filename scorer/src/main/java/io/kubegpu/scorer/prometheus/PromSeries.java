package io.kubegpu.scorer.prometheus;

import java.util.Map;

/**
 * One series of a range query: its labels and its sample values in time order. Values Prometheus
 * sends as {@code NaN}, {@code ±Inf}, or DCGM's "no data" sentinels arrive here as {@code NaN}.
 *
 * @param times each value's timestamp, epoch seconds (Prometheus leaves out steps without data, so a value's index is not
 *              its time); empty when the series was made without them
 */
public record PromSeries(Map<String, String> labels, double[] values, double[] times) {
    public PromSeries {
        labels = Map.copyOf(labels);
        if (times.length != 0 && times.length != values.length) {
            throw new IllegalArgumentException("a series has one time per value or none");
        }
    }

    /** A series whose times are not kept. */
    public PromSeries(Map<String, String> labels, double[] values) {
        this(labels, values, new double[0]);
    }
}
