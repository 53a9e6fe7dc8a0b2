package io.kubegpu.extender.decision;

/**
 * How a node's score was made, for {@code /explain}.
 *
 * @param allocatedAfter GPU allocation fraction of the node after placing the pod (0..1)
 * @param policy         policy part, 0..10
 * @param fragmentation  GPU-level packing part for shares (fuller shared GPU is better), 0..10; -1 when not used
 * @param live           live-utilization part, 0..10; -1 when no fresh data
 * @param total          the score sent to kube-scheduler, 0..10
 */
public record ScoreParts(double allocatedAfter, double policy, double fragmentation, double live, int total) {
}
