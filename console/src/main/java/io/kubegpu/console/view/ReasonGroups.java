package io.kubegpu.console.view;

import io.kubegpu.extender.decision.FitReason;
import io.kubegpu.extender.decision.NodeVerdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-node reasons of one decision, grouped so a person reads a few lines instead of thousands: "12 nodes: node has
 * T4 has 16 GiB per GPU; 40G,0.5 needs 40 GiB on one GPU", "8 nodes: all GPUs in use", "3 nodes: GPU model is not A100". Reasons
 * that differ only by how many GPUs each node has free, or by which other model it has, are one group, with each node's
 * own words kept as its detail. Groups of nodes busy now come first (what the pod waits for), then those that can never
 * take it, each largest first. The reasons are the extender's ({@code GpuFit}), as data; a kind this class
 * does not group forms a group of its own text, so a new reason is never lost.
 */
public final class ReasonGroups {
    /** How many nodes a group lists by name; its count is always complete. */
    public static final int NODES_LISTED = 50;

    private ReasonGroups() {
    }

    /** A node of a group and, where it says more than the group, its own reason. */
    public record NodeNote(String node, String detail) {
    }

    /**
     * One group.
     *
     * @param reason  what the nodes have in common
     * @param outcome occupied (may change as pods come and go) or unresolvable (never, for this pod)
     * @param count   how many nodes
     * @param text    {@code "12 nodes: " + reason}
     * @param nodes   the first {@value #NODES_LISTED} of them
     */
    public record Group(String reason, String outcome, int count, String text, List<NodeNote> nodes) {
    }

    /**
     * A reason's group and the part of it that is the node's own (null when none is), from the reason's fields: reasons
     * are data ({@link FitReason}), so a reworded sentence cannot break the grouping.
     */
    private static String[] key(FitReason reason) {
        if (reason instanceof FitReason.GpusTaken taken) {
            return new String[] {taken.free() <= 0 ? "all GPUs in use" : "fewer than " + taken.requested() + " GPUs free", taken.text()};
        }
        if (reason instanceof FitReason.NoCardFree noCard) {
            // "no GPU has 8 GiB free; most free: GPU 0 with 3 GiB …": the need is the group, where the room is the node's.
            String text = noCard.text();
            int split = text.indexOf("; ");
            return new String[] {text.substring(0, split), text.substring(split + 2)};
        }
        if (reason instanceof FitReason.TooFewGpus tooFew) {
            return new String[] {"fewer than " + tooFew.requested() + " " + tooFew.resource() + " in all", "has " + tooFew.capacity()};
        }
        if (reason instanceof FitReason.WrongModel model) {
            return new String[] {"GPU model is not " + model.wanted(), model.nodeModel() == null ? "has no GPU model label" : "has " + model.nodeModel()};
        }
        return new String[] {reason == null ? "" : reason.text(), null};
    }

    /** One group as it is filled: its count, and its first nodes. */
    private static final class Members {
        final String reason;
        final String outcome;
        final List<NodeNote> nodes = new ArrayList<>();
        int count;

        Members(String reason, String outcome) {
            this.reason = reason;
            this.outcome = outcome;
        }
    }

    /** The reasons of the verdicts that do not fit, grouped, largest group first. */
    public static List<Group> of(List<NodeVerdict> verdicts) {
        Map<String, Members> groups = new LinkedHashMap<>();
        // A decision over thousands of nodes has a handful of distinct reasons (the fit builds each model's once): each
        // is matched against the patterns once, and its group looked up once.
        Map<FitReason, Object[]> known = new java.util.HashMap<>();
        for (NodeVerdict verdict : verdicts) {
            if (verdict.fits()) {
                continue;
            }
            Object[] seen = verdict.why() == null ? null : known.get(verdict.why());
            if (seen == null || seen[2] != verdict.outcome()) {
                String[] keyAndDetail = key(verdict.why());
                String outcome = verdict.outcome().name().toLowerCase(Locale.ROOT);
                Members members = groups.computeIfAbsent(outcome + '\u0000' + keyAndDetail[0], k -> new Members(keyAndDetail[0], outcome));
                seen = new Object[] {members, keyAndDetail[1], verdict.outcome()};
                if (verdict.why() != null) {
                    known.put(verdict.why(), seen);
                }
            }
            Members members = (Members) seen[0];
            members.count++;
            if (members.nodes.size() < NODES_LISTED) {
                members.nodes.add(new NodeNote(verdict.node(), (String) seen[1]));
            }
        }
        List<Group> out = new ArrayList<>(groups.size());
        for (Members m : groups.values()) {
            out.add(new Group(m.reason, m.outcome, m.count, m.count + (m.count == 1 ? " node: " : " nodes: ") + m.reason, List.copyOf(m.nodes)));
        }
        // What pods coming and going may change first (what a waiting pod waits for), then what never changes for it.
        out.sort(java.util.Comparator.comparing((Group g) -> !g.outcome().equals("occupied")).thenComparing(Group::count,
                java.util.Comparator.reverseOrder()).thenComparing(Group::reason));
        return out;
    }
}
