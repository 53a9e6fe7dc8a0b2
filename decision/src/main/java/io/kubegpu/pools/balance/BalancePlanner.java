package io.kubegpu.pools.balance;

import io.kubegpu.pools.balance.BalancePlan.Action;
import io.kubegpu.pools.balance.BalancePlan.Decision;
import io.kubegpu.pools.balance.BalancePlan.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Decides one pass of the pool balancer from the nodes and the pending demand: pure, so a test or a dry run sees exactly what
 * would happen.
 *
 * <p>Rules, in order: a drain in progress is finished (its group's pods are gone: move), abandoned (the gap that called for
 * it has closed to within the hysteresis) or waited for. Otherwise, among groups with at least the minimum number of nodes,
 * the most-allocated one receives a node from the least-allocated one whose gap to it passes the threshold and that has more
 * than the minimum: its least-allocated node that is Ready, not cordoned by anyone else, out of its cooldown, holds no GPU
 * pods of its group, and whose move leaves the reverse gap at least the hysteresis below the threshold. With draining on, if
 * no such node is idle, the least-allocated one with pods of its group is cordoned to be moved once they finish.
 */
public final class BalancePlanner {
    private BalancePlanner() {
    }

    /**
     * @param nodes   every node with a pool label (and GPUs)
     * @param pending GPUs, in thousandths, that each group's pending pods ask for
     */
    public static BalancePlan plan(List<PoolNode> nodes, Map<String, Long> pending, Instant now, BalancePolicy policy) {
        Map<String, List<PoolNode>> byGroup = new TreeMap<>();
        for (PoolNode node : nodes) {
            if (node.ready() && node.gpus() > 0 && !node.group().equals(policy.publicGroup())) {
                byGroup.computeIfAbsent(node.group(), g -> new ArrayList<>()).add(node);
            }
        }
        Map<String, GroupLoad> loads = new TreeMap<>();
        byGroup.forEach((group, members) -> loads.put(group, new GroupLoad(group, members.size(), members.stream().mapToLong(PoolNode::gpus).sum(),
                members.stream().mapToLong(PoolNode::allocatedGpus).sum(), pending.getOrDefault(group, 0L))));
        List<GroupLoad> groups = List.copyOf(loads.values());

        Optional<PoolNode> draining = byGroup.values().stream().flatMap(List::stream).filter(n -> n.drainingFor() != null)
                .min(Comparator.comparing(PoolNode::name));
        if (draining.isPresent()) {
            return new BalancePlan(now, groups, drain(draining.get(), loads, policy));
        }

        List<GroupLoad> eligible = groups.stream().filter(g -> g.nodes() >= policy.minNodes()).toList();
        if (eligible.size() < 2) {
            return new BalancePlan(now, groups, Decision.none(Reason.TOO_FEW_GROUPS, "fewer than two groups have at least " + policy.minNodes()
                    + " Ready GPU nodes (" + groups.stream().map(g -> g.group() + " " + g.nodes()).collect(Collectors.joining(", ")) + ")"));
        }
        Comparator<GroupLoad> byAllocation = Comparator.comparingDouble(GroupLoad::allocation).thenComparing(GroupLoad::group);
        GroupLoad receiver = eligible.stream().max(byAllocation).orElseThrow();
        List<GroupLoad> donors = eligible.stream().filter(g -> g != receiver).sorted(byAllocation).toList();
        Reason refusal = Reason.BALANCED;
        List<String> refusals = new ArrayList<>();
        for (GroupLoad donor : donors) {
            double gap = receiver.allocation() - donor.allocation();
            if (gap <= policy.threshold()) {
                break; // The donors after it are even closer to the receiver.
            }
            String between = receiver.describe() + " and " + donor.describe() + " differ by " + points(gap) + " (more than " + points(policy.threshold())
                    + ")";
            if (donor.nodes() <= policy.minNodes()) {
                refusal = first(refusal, Reason.DONOR_AT_MINIMUM);
                refusals.add(between + ", but " + donor.group() + " has " + donor.nodes() + " nodes and keeps at least " + policy.minNodes());
                continue;
            }
            Candidate found = candidate(byGroup.get(donor.group()), donor, receiver, now, policy, refusals, between);
            if (found.decision != null) {
                return new BalancePlan(now, groups, found.decision);
            }
            refusal = first(refusal, found.refusal);
        }
        String why = refusals.isEmpty() ? "no two groups of at least " + policy.minNodes() + " nodes differ by more than " + points(policy.threshold())
                + " (" + groups.stream().map(GroupLoad::describe).collect(Collectors.joining("; ")) + ")" : String.join("; ", refusals);
        return new BalancePlan(now, groups, Decision.none(refusal, why));
    }

    private record Candidate(Decision decision, Reason refusal) {
    }

    /** The donor's node to move (or, with draining, to cordon), or why none can go. */
    private static Candidate candidate(List<PoolNode> members, GroupLoad donor, GroupLoad receiver, Instant now, BalancePolicy policy,
                                       List<String> refusals, String between) {
        List<PoolNode> ordered = members.stream().filter(n -> !n.cordonedByOthers())
                .sorted(Comparator.comparingInt(PoolNode::allocatedGpus).thenComparing(PoolNode::name)).toList();
        Reason refusal = null;
        List<String> skipped = new ArrayList<>();
        PoolNode toCordon = null;
        for (PoolNode node : ordered) {
            if (node.coolingDown(now, policy.cooldown())) {
                refusal = first(refusal, Reason.COOLDOWN);
                skipped.add(node.name() + " was moved at " + node.movedAt() + " (cooldown " + policy.cooldown() + ")");
                continue;
            }
            GroupLoad donorAfter = donor.with(node, -1);
            GroupLoad receiverAfter = receiver.with(node, 1);
            double reverse = donorAfter.allocation() - receiverAfter.allocation();
            if (reverse > policy.threshold() - policy.hysteresis()) {
                refusal = first(refusal, Reason.WOULD_REVERSE);
                skipped.add("moving " + node.name() + " (" + node.gpus() + " GPUs) would leave " + donorAfter.describe() + " above "
                        + receiverAfter.describe() + " by " + points(reverse) + " (at most " + points(policy.threshold() - policy.hysteresis())
                        + ")");
                continue;
            }
            String after = "after the move " + receiverAfter.describe() + ", " + donorAfter.describe();
            if (node.groupPods() == 0) {
                return new Candidate(new Decision(Action.MOVE, Reason.GAP, node.name(), donor.group(), receiver.group(), between + "; "
                        + node.name() + " holds no GPU pods of " + donor.group() + " (" + node.allocatedGpus() + " of " + node.gpus()
                        + " GPUs held); " + after), null);
            }
            if (policy.drain() && toCordon == null) {
                toCordon = node;
            }
            refusal = first(refusal, Reason.NO_IDLE_NODE);
            skipped.add(node.name() + " runs " + node.groupPods() + " GPU pods of " + donor.group());
        }
        if (toCordon != null) {
            return new Candidate(new Decision(Action.CORDON, Reason.GAP, toCordon.name(), donor.group(), receiver.group(), between + "; no node of "
                    + donor.group() + " is idle, so " + toCordon.name() + " (" + toCordon.allocatedGpus() + " of " + toCordon.gpus()
                    + " GPUs held, " + toCordon.groupPods() + " GPU pods of " + donor.group() + ") is cordoned and moves once they finish; "
                    + "nothing is evicted"), null);
        }
        if (refusal == null) {
            refusal = Reason.NO_IDLE_NODE;
            skipped.add("every node of " + donor.group() + " is cordoned by someone else");
        }
        refusals.add(between + ", but " + String.join("; ", skipped));
        return new Candidate(null, refusal);
    }

    /** A drain in progress: finished, abandoned, or waited for. */
    private static Decision drain(PoolNode node, Map<String, GroupLoad> loads, BalancePolicy policy) {
        GroupLoad from = loads.get(node.group());
        GroupLoad to = loads.get(node.drainingFor());
        double gap = to == null ? 0 : to.allocation() - from.allocation();
        if (to == null || gap <= policy.threshold() - policy.hysteresis()) {
            return new Decision(Action.UNCORDON, Reason.NO_LONGER_NEEDED, node.name(), node.group(), node.drainingFor(), node.name()
                    + " was cordoned to move to " + node.drainingFor() + ", which no longer needs it (" + (to == null ? node.drainingFor()
                    + " has no Ready nodes" : to.describe() + ", " + from.describe() + ": " + points(gap) + ", at most " + points(policy.threshold()
                    - policy.hysteresis())) + "): uncordoned where it is");
        }
        if (node.groupPods() == 0) {
            return new Decision(Action.MOVE, Reason.DRAINED, node.name(), node.group(), node.drainingFor(), "the GPU pods of " + node.group() + " on "
                    + node.name() + " have finished; " + to.describe() + " and " + from.describe() + " still differ by " + points(gap));
        }
        return Decision.none(Reason.DRAINING, node.name() + " is cordoned to move from " + node.group() + " to " + node.drainingFor()
                + " and still runs " + node.groupPods() + " GPU pods of " + node.group() + " (nothing is evicted)");
    }

    private static Reason first(Reason current, Reason next) {
        return current == null || current == Reason.BALANCED ? next : current;
    }

    private static String points(double fraction) {
        return Math.round(fraction * 100) + " points";
    }
}
