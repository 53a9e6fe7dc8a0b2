package io.kubegpu.simulator.replay;

/**
 * One replay: after each arrival, GPU thousandths arrived so far (failed tasks included), allocated, and the
 * cluster's fragmentation (free thousandths the target workload could not use).
 *
 * @param policy        policy name
 * @param trace         trace name
 * @param seed          seed of the arrival order and of the policy's random choices
 * @param capacityMilli cluster GPU capacity
 * @param arrivedMilli  per arrival
 * @param allocatedMilli per arrival
 * @param fragMilli     per arrival
 * @param failedTasks   tasks no node could take
 * @param failedMilli   their GPU thousandths
 * @param tasks         arrivals replayed
 */
public record RunResult(String policy, String trace, long seed, long capacityMilli, long[] arrivedMilli, long[] allocatedMilli,
                        double[] fragMilli, int failedTasks, long failedMilli, int tasks) {
}
