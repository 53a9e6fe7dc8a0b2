package io.kubegpu.pools.balance;

import java.time.Instant;
import java.util.Objects;

/**
 * A GPU node of a group pool, as the balancer judges it.
 *
 * @param name           the node
 * @param group          its group (the value of the pool label)
 * @param ready          its Ready condition is True
 * @param cordonedByOthers cordoned by someone else (an operator, a drain): never touched
 * @param gpus           physical GPUs
 * @param allocatedGpus  GPUs held whole or shared by pods
 * @param groupPods      GPU pods of its own group running on it: while there are any it is not moved
 * @param movedAt        when the balancer last moved it (its cooldown runs from then), or null
 * @param drainingFor    the group the balancer cordoned it for, waiting for its pods to finish; null when not draining
 */
public record PoolNode(String name, String group, boolean ready, boolean cordonedByOthers, int gpus, int allocatedGpus, int groupPods,
                       Instant movedAt, String drainingFor) {
    public PoolNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(group, "group");
        if (gpus < 0 || allocatedGpus < 0 || groupPods < 0) {
            throw new IllegalArgumentException("node " + name + ": negative GPU counts");
        }
    }

    /** Whether its cooldown still runs at {@code now}. */
    public boolean coolingDown(Instant now, java.time.Duration cooldown) {
        return movedAt != null && movedAt.plus(cooldown).isAfter(now);
    }
}
