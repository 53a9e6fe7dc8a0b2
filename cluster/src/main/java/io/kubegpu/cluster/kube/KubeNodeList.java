package io.kubegpu.cluster.kube;

/** A NodeList, trimmed. */
public final class KubeNodeList extends KubeList<KubeNode> {
}
