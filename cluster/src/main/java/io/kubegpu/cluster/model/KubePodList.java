package io.kubegpu.cluster.model;

/** A PodList, trimmed. */
public final class KubePodList extends KubeList<KubePod> {
}
