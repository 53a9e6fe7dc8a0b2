package io.kubegpu.extender.decision;

import java.util.Locale;
import java.util.Optional;

/** Node-level placement policy: where on the cluster a pod should go. */
public enum Policy {
    /** Fill nodes up: keep whole nodes free for large jobs. */
    BINPACK,
    /** Use the emptiest nodes: fewer jobs share a node's PCIe, NVLink and host resources. */
    SPREAD,
    /** Keep every candidate node's GPU allocation close to the candidates' mean. */
    BALANCED,
    /**
     * Where the pod grows expected GPU fragmentation least, against the cluster's own task mix (see
     * {@link io.kubegpu.extender.placement.FragmentationPlacer}); the default. Fewer GPUs end up stranded in
     * slivers no pending pod can use.
     */
    FRAGMENTATION;

    /** The annotation that overrides the configured policy for one pod. */
    public static final String ANNOTATION = io.kubegpu.api.Annotations.POLICY;

    public static Optional<Policy> parse(String value) {
        try {
            return Optional.of(valueOf(value.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
