package io.kubegpu.pools.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.pools.balance.BalancePlan.Action;
import io.kubegpu.pools.balance.BalancePlan.Decision;
import io.kubegpu.pools.balance.BalancePlan.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BalancePlannerTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final BalancePolicy POLICY = BalancePolicy.defaults(); // 20 points, 3 nodes, 30 min, 5 points, no draining

    /** {@code node("b1", "b", 8, 2)}: 8 GPUs, 2 held, no pods of its group. */
    private static PoolNode node(String name, String group, int gpus, int held) {
        return new PoolNode(name, group, true, false, gpus, held, 0, null, null);
    }

    private static PoolNode withPods(String name, String group, int gpus, int held, int pods) {
        return new PoolNode(name, group, true, false, gpus, held, pods, null, null);
    }

    private static Decision decide(List<PoolNode> nodes) {
        return decide(nodes, Map.of(), POLICY);
    }

    private static Decision decide(List<PoolNode> nodes, Map<String, Long> pending, BalancePolicy policy) {
        return BalancePlanner.plan(nodes, pending, NOW, policy).decision();
    }

    /** a: three nodes full; b: four nodes, one lightly used. */
    private static List<PoolNode> skewed() {
        return List.of(node("a1", "a", 8, 8), node("a2", "a", 8, 8), node("a3", "a", 8, 6),
                node("b1", "b", 8, 4), node("b2", "b", 8, 0), node("b3", "b", 8, 0), node("b4", "b", 8, 0));
    }

    @Test
    void thePlansRuleMovesTheLeastUsedIdleNodeFromTheLeastToTheMostAllocatedGroup() {
        // a: 22 of 24 = 92 %, b: 4 of 32 = 12.5 %: 79 points > 20, b has 4 nodes > 3.
        // b2, b3, b4 hold 0 GPUs; b2 first by name. After: a 22 of 32 = 69 %, b 4 of 24 = 17 %: reverse gap −52 ≤ 15.
        Decision decision = decide(skewed());
        assertThat(decision).extracting(Decision::action, Decision::reason, Decision::node, Decision::from, Decision::to)
                .containsExactly(Action.MOVE, Reason.GAP, "b2", "b", "a");
        assertThat(decision.why()).isEqualTo("a: 22 of 24 GPUs = 92 % and b: 4 of 32 GPUs = 13 % differ by 79 points (more than 20 points); b2 holds "
                + "no GPU pods of b (0 of 8 GPUs held); after the move a: 22 of 32 GPUs = 69 %, b: 4 of 24 GPUs = 17 %");
    }

    @Test
    void aGapOfExactlyTheThresholdIsBalanced() {
        // a: 12 of 24 = 50 %, b: 9 of 30 = 30 %: 20 points, not more than 20.
        Decision decision = decide(List.of(node("a1", "a", 8, 4), node("a2", "a", 8, 4), node("a3", "a", 8, 4),
                node("b1", "b", 10, 9), node("b2", "b", 10, 0), node("b3", "b", 10, 0)));
        assertThat(decision.reason()).isEqualTo(Reason.BALANCED);
        assertThat(decision.action()).isEqualTo(Action.NONE);
    }

    @Test
    void aGroupNeverFallsBelowTheMinimumAndSmallGroupsTakeNoPart() {
        // b has exactly 3 nodes: it may not give one.
        Decision atMinimum = decide(List.of(node("a1", "a", 8, 8), node("a2", "a", 8, 8), node("a3", "a", 8, 8),
                node("b1", "b", 8, 0), node("b2", "b", 8, 0), node("b3", "b", 8, 0)));
        assertThat(atMinimum.reason()).isEqualTo(Reason.DONOR_AT_MINIMUM);
        assertThat(atMinimum.why()).endsWith("but b has 3 nodes and keeps at least 3");
        // a has 2 nodes: it takes no part, whatever its load.
        Decision small = decide(List.of(node("a1", "a", 8, 8), node("a2", "a", 8, 8),
                node("b1", "b", 8, 0), node("b2", "b", 8, 0), node("b3", "b", 8, 0), node("b4", "b", 8, 0)));
        assertThat(small.reason()).isEqualTo(Reason.TOO_FEW_GROUPS);
    }

    @Test
    void aNodeRunningPodsOfItsGroupIsNeverMovedAndWithDrainingItIsCordoned() {
        List<PoolNode> busy = List.of(node("a1", "a", 8, 8), node("a2", "a", 8, 8), node("a3", "a", 8, 8),
                withPods("b1", "b", 8, 2, 1), withPods("b2", "b", 8, 1, 1), withPods("b3", "b", 8, 3, 2), withPods("b4", "b", 8, 1, 1));
        // a: 24 of 24 = 100 %, b: 7 of 32 = 22 %: every node of b runs pods of b.
        Decision refused = decide(busy);
        assertThat(refused.reason()).isEqualTo(Reason.NO_IDLE_NODE);
        assertThat(refused.why()).contains("b2 runs 1 GPU pods of b");
        // Opt-in draining: the least used (b2, 1 GPU held; b4 too, b2 first by name) is cordoned, nothing evicted.
        BalancePolicy draining = new BalancePolicy(0.2, 3, Duration.ofMinutes(30), 0.05, true, "public");
        Decision cordon = decide(busy, Map.of(), draining);
        assertThat(cordon).extracting(Decision::action, Decision::node, Decision::from, Decision::to).containsExactly(Action.CORDON, "b2", "b", "a");
        // An idle node is still preferred to cordoning one.
        List<PoolNode> oneIdle = new ArrayList<>(busy);
        oneIdle.set(6, node("b4", "b", 8, 3));
        assertThat(decide(oneIdle, Map.of(), draining)).extracting(Decision::action, Decision::node).containsExactly(Action.MOVE, "b4");
    }

    @Test
    void aDrainIsFinishedWhenItsPodsAreGoneWaitedForMeanwhileAndAbandonedWhenNoLongerNeeded() {
        BalancePolicy draining = new BalancePolicy(0.2, 3, Duration.ofMinutes(30), 0.05, true, "public");
        List<PoolNode> nodes = new ArrayList<>(List.of(node("a1", "a", 8, 8), node("a2", "a", 8, 8), node("a3", "a", 8, 8),
                node("b1", "b", 8, 0), node("b2", "b", 8, 0), node("b3", "b", 8, 0),
                new PoolNode("b4", "b", true, false, 8, 2, 1, null, "a")));
        Decision waiting = decide(nodes, Map.of(), draining);
        assertThat(waiting).extracting(Decision::action, Decision::reason).containsExactly(Action.NONE, Reason.DRAINING);
        assertThat(waiting.why()).isEqualTo("b4 is cordoned to move from b to a and still runs 1 GPU pods of b (nothing is evicted)");
        nodes.set(6, new PoolNode("b4", "b", true, false, 8, 0, 0, null, "a"));
        assertThat(decide(nodes, Map.of(), draining)).extracting(Decision::action, Decision::reason, Decision::node, Decision::to)
                .containsExactly(Action.MOVE, Reason.DRAINED, "b4", "a");
        // a's pods finished meanwhile: a 0 of 24, b 0 of 32: 0 points ≤ 15, the drain is given up.
        List<PoolNode> calm = List.of(node("a1", "a", 8, 0), node("a2", "a", 8, 0), node("a3", "a", 8, 0),
                node("b1", "b", 8, 0), node("b2", "b", 8, 0), node("b3", "b", 8, 0), new PoolNode("b4", "b", true, false, 8, 2, 1, null, "a"));
        assertThat(decide(calm, Map.of(), draining)).extracting(Decision::action, Decision::reason).containsExactly(Action.UNCORDON,
                Reason.NO_LONGER_NEEDED);
    }

    @Test
    void aMovedNodeWaitsOutItsCooldown() {
        List<PoolNode> nodes = new ArrayList<>(skewed());
        for (int i = 4; i < 7; i++) {
            PoolNode n = nodes.get(i);
            nodes.set(i, new PoolNode(n.name(), n.group(), true, false, n.gpus(), n.allocatedGpus(), 0, NOW.minus(Duration.ofMinutes(29)), null));
        }
        // b2..b4 moved 29 minutes ago (cooldown 30); b1 holds 4 GPUs but no pods of b? It holds none of b: it may go.
        assertThat(decide(nodes)).extracting(Decision::action, Decision::node).containsExactly(Action.MOVE, "b1");
        nodes.set(3, withPods("b1", "b", 8, 4, 2));
        Decision refused = decide(nodes);
        assertThat(refused.reason()).isEqualTo(Reason.COOLDOWN);
        assertThat(refused.why()).contains("b2 was moved at 2026-12-07T11:31:00Z (cooldown PT30M)");
        assertThat(BalancePlanner.plan(nodes, Map.of(), NOW.plus(Duration.ofMinutes(1)), POLICY).decision().node()).isEqualTo("b2");
    }

    @Test
    void aMoveThatWouldMakeTheReverseMoveDueIsNotMade() {
        // a: 6 of 6 = 100 %, b: 16 of 32 = 50 %: 50 points. Moving an idle 8-GPU node of b (b1 and b2 run b's pods):
        // a 6 of 14 = 43 %, b 16 of 24 = 67 %: the reverse gap, 24 points, passes 20 − 5 = 15: the next pass would move it back.
        Decision decision = decide(List.of(node("a1", "a", 2, 2), node("a2", "a", 2, 2), node("a3", "a", 2, 2),
                withPods("b1", "b", 8, 8, 1), withPods("b2", "b", 8, 8, 1), node("b3", "b", 8, 0), node("b4", "b", 8, 0)));
        assertThat(decision.reason()).isEqualTo(Reason.WOULD_REVERSE);
        assertThat(decision.why()).contains("moving b3 (8 GPUs) would leave b: 16 of 24 GPUs = 67 % above a: 6 of 14 GPUs = 43 % by 24 points "
                + "(at most 15 points)");
    }

    @Test
    void pendingPodsOfAGroupCountAsDemand() {
        // a: 12 of 24 = 50 %, b: 4 of 32 = 12.5 %: 37.5 points → b moves a node to a.
        // c: 2 of 24 = 8 %, with 14 GPUs pending: (2 + 14) / 24 = 67 %: the most allocated, so it receives instead of a.
        List<PoolNode> nodes = List.of(node("a1", "a", 8, 4), node("a2", "a", 8, 4), node("a3", "a", 8, 4),
                node("b1", "b", 8, 4), node("b2", "b", 8, 0), node("b3", "b", 8, 0), node("b4", "b", 8, 0),
                node("c1", "c", 8, 2), node("c2", "c", 8, 0), node("c3", "c", 8, 0));
        assertThat(decide(nodes).to()).isEqualTo("a");
        assertThat(decide(nodes, Map.of("c", 14_000L), POLICY)).extracting(Decision::to, Decision::from).containsExactly("c", "b");
    }

    @Test
    void thePublicPoolAndNodesCordonedBySomeoneElseAreLeftAlone() {
        List<PoolNode> nodes = new ArrayList<>(List.of(node("a1", "a", 8, 8), node("a2", "a", 8, 8), node("a3", "a", 8, 8),
                node("p1", "public", 8, 0), node("p2", "public", 8, 0), node("p3", "public", 8, 0), node("p4", "public", 8, 0)));
        assertThat(decide(nodes).reason()).as("public is no group").isEqualTo(Reason.TOO_FEW_GROUPS);
        nodes.addAll(List.of(node("b1", "b", 8, 0), new PoolNode("b2", "b", true, true, 8, 0, 0, null, null), node("b3", "b", 8, 0),
                node("b4", "b", 8, 1)));
        // b2 is idle but an operator cordoned it: b1 goes.
        assertThat(decide(nodes).node()).isEqualTo("b1");
    }

    @Test
    void whenTheLeastAllocatedGroupIsAtItsMinimumTheNextOneGives() {
        // a: 24 of 24 = 100 %; b: 0 of 24 (3 nodes, at its minimum); c: 4 of 32 = 12.5 % (4 nodes): c gives.
        List<PoolNode> nodes = List.of(node("a1", "a", 8, 8), node("a2", "a", 8, 8), node("a3", "a", 8, 8),
                node("b1", "b", 8, 0), node("b2", "b", 8, 0), node("b3", "b", 8, 0),
                node("c1", "c", 8, 4), node("c2", "c", 8, 0), node("c3", "c", 8, 0), node("c4", "c", 8, 0));
        assertThat(decide(nodes)).extracting(Decision::from, Decision::node).containsExactly("c", "c2");
    }

    @Test
    void threeSkewedGroupsConvergeWithoutANodeEverMovingBack() {
        // a is overloaded, b idle, c in between; one pass a minute, moves applied as the controller applies them.
        Map<String, PoolNode> nodes = new HashMap<>();
        for (int i = 1; i <= 4; i++) {
            nodes.put("a" + i, node("a" + i, "a", 8, 8));
        }
        for (int i = 1; i <= 8; i++) {
            nodes.put("b" + i, node("b" + i, "b", 8, i == 1 ? 2 : 0));
        }
        for (int i = 1; i <= 5; i++) {
            nodes.put("c" + i, node("c" + i, "c", 8, i <= 2 ? 6 : 0));
        }
        Map<String, Long> pending = Map.of("a", 24_000L);
        Map<String, Integer> moves = new HashMap<>();
        Instant now = NOW;
        int lastMove = -1;
        for (int pass = 0; pass < 200; pass++, now = now.plus(Duration.ofMinutes(1))) {
            Decision decision = BalancePlanner.plan(List.copyOf(nodes.values()), pending, now, POLICY).decision();
            if (decision.action() == Action.MOVE) {
                PoolNode moved = nodes.get(decision.node());
                nodes.put(moved.name(), new PoolNode(moved.name(), decision.to(), true, false, moved.gpus(), moved.allocatedGpus(), 0, now, null));
                moves.merge(moved.name(), 1, Integer::sum);
                lastMove = pass;
            }
        }
        assertThat(moves).as("nodes moved").isNotEmpty();
        assertThat(moves.values()).as("no node moved twice: no flapping").containsOnly(1);
        assertThat(lastMove).as("converged early, then quiet for the remaining passes").isLessThan(20);
        BalancePlan last = BalancePlanner.plan(List.copyOf(nodes.values()), pending, now, POLICY);
        assertThat(last.decision().action()).isEqualTo(Action.NONE);
        double max = last.groups().stream().mapToDouble(GroupLoad::allocation).max().orElseThrow();
        double min = last.groups().stream().mapToDouble(GroupLoad::allocation).min().orElseThrow();
        assertThat(max - min <= 0.20 || last.decision().reason() != Reason.BALANCED).isTrue();
        assertThat(last.groups()).extracting(GroupLoad::nodes).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(3));
    }
}
