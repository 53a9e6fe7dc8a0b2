package io.kubegpu.autoscale.plan;

import java.util.Collection;
import java.util.Optional;

/**
 * Which autoscaling API the autoscalers are written in: the newest the server offers of those with the
 * {@code metrics[].target} shape, {@code autoscaling/v2} (Kubernetes 1.23+) before {@code autoscaling/v2beta2} (1.12 to
 * 1.25). Both hold the same spec, so the same body serves either.
 */
public final class HpaApiVersion {
    public static final String V2 = "v2";
    public static final String V2BETA2 = "v2beta2";

    private HpaApiVersion() {
    }

    /** The version to use of those the server lists for the {@code autoscaling} group, or empty when it has neither. */
    public static Optional<String> choose(Collection<String> served) {
        if (served.contains(V2)) {
            return Optional.of(V2);
        }
        return served.contains(V2BETA2) ? Optional.of(V2BETA2) : Optional.empty();
    }
}
