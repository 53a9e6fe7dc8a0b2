package io.kubegpu.console.view;

import io.kubegpu.extender.decision.NodeVerdict;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The extender's last filter decision for a pod, where this process made one (its explain store). */
@FunctionalInterface
public interface DecisionLookup {
    DecisionLookup NONE = key -> Optional.empty();

    /** @param podKey {@code namespace/name} */
    Optional<LastDecision> lookup(String podKey);

    /**
     * A filter decision.
     *
     * @param at       when it was made
     * @param verdicts the verdict on each node kube-scheduler asked about
     * @param chosen   the node the filter kept, or null
     */
    record LastDecision(Instant at, List<NodeVerdict> verdicts, String chosen) {
        public LastDecision {
            verdicts = List.copyOf(verdicts);
        }
    }
}
