package io.kubegpu.extender.wire;

import io.kubegpu.cluster.model.KubeNode;
import io.kubegpu.cluster.model.KubePod;
import java.util.List;

/**
 * A filter or prioritize request: the pod, and either node names ({@code nodeCacheCapable: true}) or
 * full Node objects. Exactly one of {@code nodes} and {@code nodeNames} is non-null.
 *
 * @param pod       the pod being scheduled (trimmed)
 * @param nodes     full nodes with their original bytes, or {@code null}
 * @param nodeNames node names, or {@code null}
 */
public record ExtenderArgs(KubePod pod, List<RawNode> nodes, List<String> nodeNames) {
    /** A Node as sent: decoded (trimmed) for deciding, and its exact bytes for echoing back. */
    public record RawNode(String name, KubeNode node, byte[] body, int start, int end) {
        public String json() {
            return new String(body, start, end - start, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The candidate node names, in the order sent. */
    public List<String> names() {
        return nodeNames != null ? nodeNames : nodes.stream().map(RawNode::name).toList();
    }

    public boolean fullNodes() {
        return nodes != null;
    }
}
