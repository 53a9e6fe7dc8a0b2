package io.kubegpu.webhook.mutation;

import java.util.Optional;
import java.util.TreeSet;

/**
 * Group pools (cube-studio's convention): GPU nodes carry their project group in a label ({@code org=team-a}); a GPU pod
 * is held to the nodes of its namespace's group and to the shared ones ({@code org In [team-a, public]}), so a pool's
 * GPUs serve its team and public nodes serve everyone. A pod of a namespace without a group gets the public nodes only.
 */
final class PoolConstraint {
    private PoolConstraint() {
    }

    /** Applies the constraint; the conflict with the pod's own nodeSelector on the label, if any. */
    static Optional<String> apply(PodEdit pod, MutationConfig.Pools pools, String namespace, Optional<String> group) {
        TreeSet<String> values = new TreeSet<>();
        values.add(pools.publicGroup());
        group.ifPresent(values::add);
        String label = pools.nodeLabel();
        String selected = PodEdit.string(PodEdit.object(pod.spec(), "nodeSelector"), label);
        if (selected != null && !values.contains(selected)) {
            return Optional.of("the pod's nodeSelector " + label + "=" + selected + " asks for another group's GPU nodes: pods of namespace " + namespace
                    + (group.isPresent() ? " (group " + group.get() + ", namespace label " + pools.namespaceLabel() + ")" : " (no group: no "
                    + pools.namespaceLabel() + " label)") + " may run on nodes labelled " + label + "=" + String.join(" or ", values)
                    + "; remove the nodeSelector, or ask the platform team to move the namespace to that group");
        }
        NodeAffinity.requireInEveryTerm(pod.spec(), label, values);
        return Optional.empty();
    }
}
