package io.kubegpu.extender.decision;

import static io.kubegpu.extender.decision.DecisionFixtures.FIT;
import static io.kubegpu.extender.decision.DecisionFixtures.GPU;
import static io.kubegpu.extender.decision.DecisionFixtures.demand;
import static io.kubegpu.extender.decision.DecisionFixtures.node;
import static io.kubegpu.extender.decision.DecisionFixtures.usage;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.decision.ShrinkPlanner.Workload;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which elastic replicas to give up for a higher-priority GPU pod, and how many fit again. */
class ShrinkPlannerTest {
    private static final ShrinkPlanner PLANNER = new ShrinkPlanner(FIT);
    private static final int HIGH = 1_000_000;
    private static final Instant T0 = Instant.parse("2021-01-01T00:00:00Z");

    private static GpuPod replica(String uid, String node, int gpus, int priority, int second) {
        return new GpuPod(uid, "ns", uid, node, false, Map.of(GPU, (long) gpus), List.of(), priority, T0.plusSeconds(second), true);
    }

    @Test
    void theFewestReplicasThatMakeThePodFitOnOneNode() {
        // v1: 4 V100s, all held by the elastic "train" (4 replicas of 1). v2: 4 V100s, 2 held by "big" (1 replica of 2), 2 by a
        // pod of equal priority. 2(V100) needs 2 free GPUs: two of train's replicas on v1, or big's one replica on v2.
        GpuPod t1 = replica("t1", "v1", 1, -1000, 1);
        GpuPod t2 = replica("t2", "v1", 1, -1000, 2);
        GpuPod t3 = replica("t3", "v1", 1, -1000, 3);
        GpuPod t4 = replica("t4", "v1", 1, -1000, 4);
        GpuPod big = replica("b1", "v2", 2, -1000, 5);
        GpuPod equal = new GpuPod("eq", "ns", "eq", "v2", false, Map.of(GPU, 2L), List.of(), HIGH, T0, false);
        List<NodeState> nodes = List.of(usage(node("v1", "V100-32GB", 4), t1, t2, t3, t4), usage(node("v2", "V100-32GB", 4), big, equal));
        Workload train = new Workload("ns", "train", 4, 1, Integer.MAX_VALUE, List.of(t1, t2, t3, t4));
        Workload bigJob = new Workload("ns", "big", 1, 0, Integer.MAX_VALUE, List.of(big));

        var plan = PLANNER.plan(demand("2(V100)"), HIGH, nodes, List.of(train, bigJob)).orElseThrow();
        assertThat(plan.node()).isEqualTo("v2");
        assertThat(plan.shrinkBy()).containsExactly(Map.entry("ns/big", 1));

        // Without big: two of train's go, the youngest first (t4, t3); never below min=1.
        var trainOnly = PLANNER.plan(demand("2(V100)"), HIGH, nodes, List.of(train)).orElseThrow();
        assertThat(trainOnly.shrinkBy()).containsExactly(Map.entry("ns/train", 2));
        assertThat(trainOnly.replicas()).extracting(GpuPod::uid).containsExactly("t4", "t3");
    }

    @Test
    void minimumsBudgetsAndPrioritiesBoundTheShrink() {
        GpuPod t1 = replica("t1", "v1", 1, -1000, 1);
        GpuPod t2 = replica("t2", "v1", 1, -1000, 2);
        GpuPod other = new GpuPod("o", "ns", "o", "v1", false, Map.of(GPU, 2L), List.of(), 0, T0, false);
        List<NodeState> nodes = List.of(usage(node("v1", "V100-32GB", 4), t1, t2, other));
        // 2 replicas, min 1: only one may go, and one frees 1 GPU of the 2 needed.
        assertThat(PLANNER.plan(demand("2(V100)"), HIGH, nodes, List.of(new Workload("ns", "train", 2, 1, Integer.MAX_VALUE, List.of(t1, t2)))))
                .isEmpty();
        // min 0 but a PodDisruptionBudget allowing 1: the same.
        assertThat(PLANNER.plan(demand("2(V100)"), HIGH, nodes, List.of(new Workload("ns", "train", 2, 0, 1, List.of(t1, t2))))).isEmpty();
        Workload free = new Workload("ns", "train", 2, 0, Integer.MAX_VALUE, List.of(t1, t2));
        assertThat(PLANNER.plan(demand("2(V100)"), HIGH, nodes, List.of(free)).orElseThrow().shrinkBy()).containsExactly(Map.entry("ns/train", 2));
        // A pod of the replicas' own priority never shrinks them.
        assertThat(PLANNER.plan(demand("2(V100)"), -1000, nodes, List.of(free))).isEmpty();
        // A pod that fits already needs no shrink.
        assertThat(PLANNER.plan(demand("1(V100)"), HIGH, List.of(usage(node("v1", "V100-32GB", 4), t1)), List.of(free))).isEmpty();
    }

    @Test
    void restoresAsManyReplicasAsFitNow() {
        // 4 GPUs, 1 held: 3 replicas of 1 GPU fit, the fourth does not; of 2 GPUs, one.
        List<NodeState> nodes = List.of(usage(node("v1", "V100-32GB", 4), replica("t1", "v1", 1, 0, 1)));
        assertThat(PLANNER.restorable(demand("1(V100)"), nodes, 4)).isEqualTo(3);
        assertThat(PLANNER.restorable(demand("2(V100)"), nodes, 4)).isEqualTo(1);
        assertThat(PLANNER.restorable(demand("1(V100)"), nodes, 2)).isEqualTo(2);
        // Shares: a T4 of 16 GiB holds two 8 GiB replicas per card: 2 cards, 4 replicas.
        assertThat(PLANNER.restorable(demand("8G(T4)"), List.of(usage(node("t4", "T4", 2))), 5)).isEqualTo(4);
    }
}
