package io.kubegpu.cluster.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An immutable view of the cluster's GPU nodes and their usage at one moment. Decisions read one
 * snapshot from start to end, so they never see a half-applied update.
 */
public final class ClusterSnapshot {
    private final NodeState[] slots;
    private final NodeNameIndex index;
    private final long version;
    private final Instant takenAt;
    private final boolean synced;
    private final int nodeCount;

    ClusterSnapshot(NodeState[] slots, NodeNameIndex index, int nodeCount, long version, Instant takenAt, boolean synced) {
        this.slots = slots;
        this.index = index;
        this.nodeCount = nodeCount;
        this.version = version;
        this.takenAt = takenAt;
        this.synced = synced;
    }

    /** The state of a node by name, if it has been seen (as a node, or through pods bound to it). */
    public Optional<NodeState> node(String name) {
        return Optional.ofNullable(nodeOrNull(name));
    }

    /** The same as {@link #node(String)} without the Optional, for hot loops over hundreds of candidates. */
    public NodeState nodeOrNull(String name) {
        return index.find(name, slots);
    }

    /** Every known node, in no particular order. Includes states whose node object is not yet seen. */
    public List<NodeState> nodes() {
        List<NodeState> out = new ArrayList<>(slots.length);
        for (NodeState state : slots) {
            if (state != null) {
                out.add(state);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Number of nodes whose Node object has been seen. */
    public int nodeCount() {
        return nodeCount;
    }

    /** Increases with every change; equal versions mean equal content. */
    public long version() {
        return version;
    }

    public Instant takenAt() {
        return takenAt;
    }

    /** True once the source has delivered its initial full state (informers synced, manifests loaded). */
    public boolean synced() {
        return synced;
    }
}
