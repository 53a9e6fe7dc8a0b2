package io.kubegpu.webhook.mutation;

import java.util.Optional;

/** Which project group a namespace belongs to (its group label), supplied by the edge that watches namespaces. */
@FunctionalInterface
public interface NamespaceGroups {
    /**
     * The namespace's group, or empty when it has no group label.
     *
     * @throws IllegalStateException when it cannot be known now (the namespace cannot be read): the pod is refused, to be retried
     */
    Optional<String> groupOf(String namespace);
}
