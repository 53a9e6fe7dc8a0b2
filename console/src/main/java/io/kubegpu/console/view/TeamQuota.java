package io.kubegpu.console.view;

import java.util.Map;
import java.util.Objects;

/**
 * One team's GPU quota as its source reports it.
 *
 * @param team      a namespace or a team group
 * @param limitGpus GPUs the team may hold, by model ({@code "*"} for any model); shares count as fractions
 * @param usedGpus  what the quota source counts as used, by the same keys, or {@code null} when it does not say (the
 *                  view then shows the allocation it computes itself)
 */
public record TeamQuota(String team, Map<String, Double> limitGpus, Map<String, Double> usedGpus) {
    public TeamQuota {
        Objects.requireNonNull(team, "team");
        limitGpus = Map.copyOf(limitGpus);
        usedGpus = usedGpus == null ? null : Map.copyOf(usedGpus);
    }
}
