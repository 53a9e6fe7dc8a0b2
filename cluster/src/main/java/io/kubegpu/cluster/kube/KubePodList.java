package io.kubegpu.cluster.kube;

/** A PodList, trimmed. */
public final class KubePodList extends KubeList<KubePod> {
}
