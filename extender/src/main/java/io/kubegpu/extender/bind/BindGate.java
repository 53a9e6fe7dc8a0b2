package io.kubegpu.extender.bind;

import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.extender.decision.PodDemand;
import io.kubegpu.extender.wire.BindArgs;
import java.util.Optional;
import java.util.Set;

/**
 * Which bind requests the extender carries out. kube-scheduler sends bind only for GPU pods of its own profile; a
 * request for anything else did not come from it, and binding it would place a pod no scheduler chose.
 */
public final class BindGate {
    /** The scheduler name a pod without {@code spec.schedulerName} gets from the API server. */
    public static final String DEFAULT_SCHEDULER = "default-scheduler";

    private final Set<String> schedulers;

    /** @param schedulers the {@code schedulerName}s whose pods may be bound (the profile that calls this extender) */
    public BindGate(Set<String> schedulers) {
        if (schedulers.isEmpty()) {
            throw new IllegalArgumentException("at least one scheduler name is needed");
        }
        this.schedulers = Set.copyOf(schedulers);
    }

    /** Why {@code pod} must not be bound as {@code args} asks, or empty when it may. */
    public Optional<String> refusal(BindArgs args, KubePod pod, PodDemand demand) {
        String uid = pod.uid();
        if (args.podUid() != null && !args.podUid().isEmpty() && uid != null && !uid.equals(args.podUid())) {
            return Optional.of("pod " + args.podKey() + " now has uid " + uid + ", not " + args.podUid() + ": it was deleted and created again");
        }
        String scheduler = pod.schedulerName() == null ? DEFAULT_SCHEDULER : pod.schedulerName();
        if (!schedulers.contains(scheduler)) {
            return Optional.of("pod " + args.podKey() + " uses scheduler '" + scheduler + "'; this extender binds only pods of "
                    + String.join(", ", schedulers.stream().sorted().toList()));
        }
        if (demand.kind() == PodDemand.Kind.INVALID) {
            return Optional.of(demand.problem());
        }
        if (!demand.isGpuPod()) {
            return Optional.of("pod " + args.podKey() + " asks for no GPU; this extender binds only GPU pods");
        }
        return Optional.empty();
    }
}
