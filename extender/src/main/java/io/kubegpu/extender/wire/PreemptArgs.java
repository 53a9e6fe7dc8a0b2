package io.kubegpu.extender.wire;

import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.extender.decision.VictimSelection;
import java.util.List;

/**
 * A preempt request ({@code ExtenderPreemptionArgs}): the preemptor, and per candidate node the victims kube-scheduler
 * proposes, by UID ({@code NodeNameToMetaVictims}, {@code nodeCacheCapable: true}) or as full pods
 * ({@code NodeNameToVictims}, reduced here to their UIDs: victims are judged on the extender's own cluster state).
 *
 * @param pod       the pod that would preempt (trimmed)
 * @param proposals one per node, in the order sent
 */
public record PreemptArgs(KubePod pod, List<VictimSelection.Proposal> proposals) {
    public PreemptArgs {
        proposals = List.copyOf(proposals);
    }
}
