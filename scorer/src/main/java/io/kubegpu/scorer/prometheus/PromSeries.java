package io.kubegpu.scorer.prometheus;

import java.util.Map;

/**
 * One series of a range query: its labels and its sample values in time order. Values Prometheus
 * sends as {@code NaN}, {@code ±Inf}, or DCGM's "no data" sentinels arrive here as {@code NaN}.
 */
public record PromSeries(Map<String, String> labels, double[] values) {
    public PromSeries {
        labels = Map.copyOf(labels);
    }
}
