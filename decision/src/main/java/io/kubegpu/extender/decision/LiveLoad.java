package io.kubegpu.extender.decision;

import java.util.OptionalDouble;

/**
 * Live GPU load per node (0 idle … 1 saturated), from the utilization scorer. Implementations return
 * nothing for nodes without data and for data older than their staleness bound, so scoring falls back
 * to allocation alone.
 */
@FunctionalInterface
public interface LiveLoad {
    LiveLoad NONE = node -> OptionalDouble.empty();

    OptionalDouble nodeLoad(String node);
}
