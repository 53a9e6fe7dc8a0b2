package io.kubegpu.extender.service;

import java.util.Locale;
import java.util.Optional;

/** What the filter's reply keeps of the nodes a GPU pod fits. */
public enum FilterMode {
    /**
     * Only the best node by the pod's policy (ties to the smallest name). kube-scheduler then skips its own scoring
     * and the prioritize call (it does both only for two or more nodes), which saves a round trip per pod, and the
     * placement is the one the policy chose rather than a sum with kube-scheduler's spreading plugins. The extender
     * also holds the chosen node's GPUs for the pod until the watch shows it bound, so the next pod's decision
     * already counts them even when kube-scheduler, not the extender, writes the binding.
     */
    BEST,
    /** Every node it fits; kube-scheduler's plugins and the prioritize verb rank them. */
    ALL;

    public static Optional<FilterMode> parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "best" -> Optional.of(BEST);
            case "all" -> Optional.of(ALL);
            default -> Optional.empty();
        };
    }
}
