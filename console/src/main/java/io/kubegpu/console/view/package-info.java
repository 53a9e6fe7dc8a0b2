/**
 * The console's views, pure: each turns one cluster snapshot, the pending GPU pods, the scorer's latest analysis and
 * the last filter decisions into the plain records the {@code /api/v1/} routes serialize. No I/O, no clock of their
 * own (the time of a view comes in with its inputs), no side effects on the cluster state: what-if and the pending
 * pods' counterfactuals call the extender's own {@code GpuFit} and {@code NodeScorer} on the snapshot they were given.
 */
package io.kubegpu.console.view;
