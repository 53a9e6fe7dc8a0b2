package io.kubegpu.pools.balance;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One pass of the balancer: every group's load and what it decided, with why.
 *
 * @param at       when
 * @param groups   the groups' loads, by name
 * @param decision the one action of this pass (at most one node changes per pass), or none with the reason
 */
public record BalancePlan(Instant at, List<GroupLoad> groups, Decision decision) {
    public BalancePlan {
        groups = List.copyOf(groups);
        Objects.requireNonNull(decision, "decision");
    }

    public enum Action {
        /** Nothing changes. */
        NONE,
        /** Relabel {@code node} from {@code from} to {@code to} (and end its drain if it was draining). */
        MOVE,
        /** Cordon {@code node} and wait for its pods of {@code from} to finish, then move it to {@code to}. */
        CORDON,
        /** End {@code node}'s drain without moving it: the move is no longer called for. */
        UNCORDON
    }

    /** Why: the metric's {@code reason}, and what /balance and the Events say. */
    public enum Reason {
        /** No two groups differ by more than the threshold. */
        BALANCED("balanced"),
        /** Fewer than two groups have the minimum number of nodes. */
        TOO_FEW_GROUPS("too_few_groups"),
        /** The groups that could give a node have only the minimum. */
        DONOR_AT_MINIMUM("donor_at_minimum"),
        /** Every candidate holds GPU pods of its group (and draining is off). */
        NO_IDLE_NODE("no_idle_node"),
        /** The candidates were moved too recently. */
        COOLDOWN("cooldown"),
        /** Moving any candidate would make the reverse move due: the gap would flip past the threshold. */
        WOULD_REVERSE("would_reverse"),
        /** A cordoned node still runs pods of its group. */
        DRAINING("draining"),
        /** The plan's rule holds and a node can go. */
        GAP("gap"),
        /** A cordoned node's pods of its group have finished. */
        DRAINED("drained"),
        /** A cordoned node is no longer needed elsewhere. */
        NO_LONGER_NEEDED("no_longer_needed");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /**
     * What a pass decided.
     *
     * @param action what to do
     * @param reason why, in a word
     * @param node   the node acted on, or null
     * @param from   its group, or null
     * @param to     the group it goes to, or null
     * @param why    the numbers behind it, for /balance and the Event
     */
    public record Decision(Action action, Reason reason, String node, String from, String to, String why) {
        static Decision none(Reason reason, String why) {
            return new Decision(Action.NONE, reason, null, null, null, why);
        }
    }
}
