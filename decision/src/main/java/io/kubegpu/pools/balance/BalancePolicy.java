package io.kubegpu.pools.balance;

import java.time.Duration;
import java.util.Objects;

/**
 * The balancer's rule (the resource-manager plan's, made safe): when the most- and least-allocated groups differ by more than
 * {@code threshold}, and both have at least {@code minNodes} nodes, one node moves from the least- to the most-allocated group
 * — a node that holds no GPU pods of its group, never taking a group below {@code minNodes}, not moved again within
 * {@code cooldown}, and only when the move cannot make the reverse move due (the gap it leaves the other way stays at least
 * {@code hysteresis} below the threshold).
 *
 * @param threshold   allocation gap that calls for a move, as a fraction (0.20: 20 points)
 * @param minNodes    nodes a group needs to take part, and never falls below
 * @param cooldown    how long a moved node stays where it went
 * @param hysteresis  margin below the threshold the reverse gap must stay, as a fraction (0.05: 5 points)
 * @param drain       opt-in: when every candidate holds pods of its group, cordon the least-used one and move it once they
 *                    finish (never evicting); false: only nodes without such pods move
 * @param publicGroup the group whose nodes serve everyone: never balanced
 */
public record BalancePolicy(double threshold, int minNodes, Duration cooldown, double hysteresis, boolean drain, String publicGroup) {
    public BalancePolicy {
        Objects.requireNonNull(cooldown, "cooldown");
        Objects.requireNonNull(publicGroup, "publicGroup");
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("the threshold is a fraction within (0, 1), got " + threshold);
        }
        if (!(hysteresis >= 0 && hysteresis < threshold)) {
            throw new IllegalArgumentException("the hysteresis is within [0, threshold), got " + hysteresis);
        }
        if (minNodes < 1) {
            throw new IllegalArgumentException("the minimum number of nodes is at least 1, got " + minNodes);
        }
        if (cooldown.isNegative()) {
            throw new IllegalArgumentException("the cooldown cannot be negative");
        }
    }

    /** The plan's numbers: 20 % gap, 3 nodes, a 30 min cooldown, 5 points of hysteresis, no draining. */
    public static BalancePolicy defaults() {
        return new BalancePolicy(0.20, 3, Duration.ofMinutes(30), 0.05, false, "public");
    }
}
