package io.kubegpu.autoscale;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A valid autoscaling request: a target utilization per metric and the replica bounds.
 *
 * @param targets     percent (1..100) per metric, in the canonical metric order, never empty
 * @param minReplicas at least 1
 * @param maxReplicas at least {@code minReplicas}
 */
public record AutoscaleSpec(Map<AutoscaleMetric, Integer> targets, int minReplicas, int maxReplicas) {
    public AutoscaleSpec {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("an autoscaling request needs at least one target");
        }
        targets.forEach((metric, percent) -> {
            if (percent < 1 || percent > 100) {
                throw new IllegalArgumentException(metric.canonical() + " target " + percent + " is not within 1..100");
            }
        });
        if (minReplicas < 1 || maxReplicas < minReplicas) {
            throw new IllegalArgumentException("replicas " + minReplicas + ".." + maxReplicas + " are not 1 <= min <= max");
        }
        targets = Collections.unmodifiableMap(new EnumMap<>(targets));
    }

    /** The targets as one canonical string: metrics in a fixed order, {@code :}, {@code %}, {@code ,}: {@code cpu:50%,gpu:60%}. */
    public String canonicalTargets() {
        StringJoiner out = new StringJoiner(",");
        targets.forEach((metric, percent) -> out.add(metric.canonical() + ":" + percent + "%"));
        return out.toString();
    }

    @Override
    public String toString() {
        return canonicalTargets() + " (" + minReplicas + ".." + maxReplicas + " replicas)";
    }
}
