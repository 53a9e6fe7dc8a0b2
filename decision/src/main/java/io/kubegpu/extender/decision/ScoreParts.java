package io.kubegpu.extender.decision;

/**
 * How a node's score was made, for {@code /explain}.
 *
 * @param allocatedAfter GPU allocation fraction of the node after placing the pod (0..1)
 * @param policy         policy part, 0..10
 * @param fragmentation  GPU-level packing part for shares (fuller shared GPU is better), 0..10; -1 when not used
 * @param live           live-utilization part, 0..10; -1 when no fresh data
 * @param exact          the combined score before rounding, 0..10: what the filter ranks candidates by when it
 *                       keeps only the best node (rounding would tie nodes the policy tells apart); -1 for no fit
 */
public record ScoreParts(double allocatedAfter, double policy, double fragmentation, double live, double exact) {
    static final ScoreParts NO_FIT = new ScoreParts(0, 0, -1, -1, -1);

    /** The score sent to kube-scheduler, 0..10. */
    public int total() {
        return exact < 0 ? 0 : (int) Math.round(exact);
    }
}
