package io.kubegpu.cluster.model;

/** A NodeList, trimmed. */
public final class KubeNodeList extends KubeList<KubeNode> {
}
