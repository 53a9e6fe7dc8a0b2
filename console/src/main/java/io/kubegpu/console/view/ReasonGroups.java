package io.kubegpu.console.view;

import io.kubegpu.extender.decision.NodeVerdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The per-node reasons of one decision, grouped so a person reads a few lines instead of thousands: "12 nodes: node has
 * T4 has 16 GiB per GPU; 40G,0.5 needs 40 GiB on one GPU", "8 nodes: all GPUs in use", "3 nodes: GPU model is not A100". Reasons
 * that differ only by how many GPUs each node has free, or by which other model it has, are one group, with each node's
 * own words kept as its detail. Groups of nodes busy now come first (what the pod waits for), then those that can never
 * take it, each largest first. The reasons are the extender's ({@code GpuFit}); one this
 * class does not recognize forms a group of its own text, so a new reason is never lost.
 */
public final class ReasonGroups {
    /** How many nodes a group lists by name; its count is always complete. */
    public static final int NODES_LISTED = 50;

    private static final Pattern WHOLE_OCCUPIED = Pattern.compile("(\\d+) of (\\d+) (\\S+) free, the pod needs (\\d+)");
    private static final Pattern SHARE_OCCUPIED = Pattern.compile("(no GPU has [^;]+ free); (.+)");
    private static final Pattern TOO_FEW = Pattern.compile("node has (\\d+) (\\S+), the pod needs (\\d+)");
    private static final Pattern OTHER_MODEL = Pattern.compile("node has (.+), the pod needs (.+)");

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

    /** The reasons of the verdicts that do not fit, grouped, largest group first. */
    public static List<Group> of(List<NodeVerdict> verdicts) {
        Map<String, List<NodeNote>> members = new LinkedHashMap<>();
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (NodeVerdict verdict : verdicts) {
            if (verdict.fits()) {
                continue;
            }
            String reason = verdict.reason();
            String key = reason;
            String detail = null;
            Matcher whole = WHOLE_OCCUPIED.matcher(reason);
            Matcher share = SHARE_OCCUPIED.matcher(reason);
            Matcher tooFew = TOO_FEW.matcher(reason);
            Matcher otherModel = OTHER_MODEL.matcher(reason);
            if (whole.matches()) {
                key = whole.group(1).equals("0") ? "all GPUs in use" : "fewer than " + whole.group(4) + " GPUs free";
                detail = reason;
            } else if (share.matches()) {
                key = share.group(1);
                detail = share.group(2);
            } else if (tooFew.matches()) {
                key = "fewer than " + tooFew.group(3) + " " + tooFew.group(2) + " in all";
                detail = "has " + tooFew.group(1);
            } else if (otherModel.matches()) {
                key = "GPU model is not " + otherModel.group(2);
                detail = "has " + otherModel.group(1);
            }
            String outcome = verdict.outcome().name().toLowerCase(Locale.ROOT);
            String groupKey = outcome + '\u0000' + key;
            members.computeIfAbsent(groupKey, k -> new ArrayList<>()).add(new NodeNote(verdict.node(), detail));
            outcomes.put(groupKey, outcome);
        }
        List<Group> out = new ArrayList<>(members.size());
        members.forEach((groupKey, notes) -> {
            String reason = groupKey.substring(groupKey.indexOf('\u0000') + 1);
            int count = notes.size();
            out.add(new Group(reason, outcomes.get(groupKey), count, count + (count == 1 ? " node: " : " nodes: ") + reason,
                    List.copyOf(notes.subList(0, Math.min(NODES_LISTED, count)))));
        });
        // What pods coming and going may change first (what a waiting pod waits for), then what never changes for it.
        out.sort(java.util.Comparator.comparing((Group g) -> !g.outcome().equals("occupied")).thenComparing(Group::count,
                java.util.Comparator.reverseOrder()).thenComparing(Group::reason));
        return out;
    }
}
