package io.kubegpu.console.view;

import java.time.Instant;

/**
 * One point of a trend. A value the source has not got is null.
 *
 * @param at            end of the interval it covers
 * @param allocation    GPUs held over capacity, 0..1 (cluster only)
 * @param allocatedGpus GPUs held, shares as fractions
 * @param utilization   mean core utilization, percent
 * @param pending       GPU pods waiting
 */
public record TrendPoint(Instant at, Double allocation, Double allocatedGpus, Double utilization, Double pending) {
}
