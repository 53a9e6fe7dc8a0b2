package io.kubegpu.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.extender.placement.Fragmentation;
import io.kubegpu.simulator.policy.Policies;
import io.kubegpu.simulator.replay.Arrivals;
import io.kubegpu.simulator.replay.Candidate;
import io.kubegpu.simulator.replay.Decision;
import io.kubegpu.simulator.replay.Replay;
import io.kubegpu.simulator.replay.RunResult;
import io.kubegpu.simulator.replay.SimCluster;
import io.kubegpu.simulator.replay.TraceWorkload;
import io.kubegpu.simulator.report.Curve;
import io.kubegpu.simulator.trace.TraceCatalog;
import io.kubegpu.simulator.trace.TraceNode;
import io.kubegpu.simulator.trace.TraceTask;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The quick check on a slice of the trace (one seed, ~400 tasks, ~120 nodes): for every policy, the books balance
 * and a seed fixes the run. Guards the simulator, not the headline numbers (those need the full trace and 10 seeds).
 */
class SimulatorInvariantsTest {
    private static final List<TraceNode> NODES = TraceSlice.nodes();
    private static final List<TraceTask> TASKS = TraceSlice.tasks();
    private static final GpuCatalog CATALOG = TraceCatalog.over(GpuCatalog.builtIn());

    static List<String> policies() {
        return Policies.names();
    }

    @ParameterizedTest
    @MethodSource("policies")
    void noGpuIsOverAllocatedAndTotalsAreConserved(String policy) {
        Replay replay = new Replay(NODES, CATALOG, false);
        SimCluster cluster = replay.newCluster(42);
        List<TraceTask> arrivals = Arrivals.of(TASKS, cluster.capacityMilli(), 1.3, 42);
        RunResult run = replay.run(policy, "slice", 42, arrivals, Policies.create(policy, TraceWorkload.of(TASKS), Map.of()),
                new Fragmentation(TraceWorkload.of(TASKS)), cluster);

        assertThat(cluster.audit()).as("the extender's state after the replay").isEmpty();
        long demand = arrivals.stream().mapToLong(TraceTask::totalGpuMilli).sum();
        int last = run.tasks() - 1;
        assertThat(run.arrivedMilli()[last]).isEqualTo(demand);
        assertThat(run.allocatedMilli()[last] + run.failedMilli()).isEqualTo(demand);
        assertThat(run.allocatedMilli()[last]).isEqualTo(cluster.allocatedMilli()).isLessThanOrEqualTo(cluster.capacityMilli());
        assertThat(cluster.placed() + run.failedTasks()).isEqualTo(arrivals.size());
        for (int i = 1; i <= last; i++) {
            assertThat(run.allocatedMilli()[i]).isGreaterThanOrEqualTo(run.allocatedMilli()[i - 1]);
            assertThat(run.allocatedMilli()[i] - run.allocatedMilli()[i - 1])
                    .isLessThanOrEqualTo(run.arrivedMilli()[i] - run.arrivedMilli()[i - 1]);
        }
        assertThat(run.failedTasks()).as("130% of capacity cannot all fit").isPositive();
        assertThat(Curve.of(run).unallocatedAt(100)).isBetween(0.0, 100.0);
    }

    @ParameterizedTest
    @MethodSource("policies")
    void aSeedFixesTheRun(String policy) {
        Simulation simulation = new Simulation(NODES, CATALOG, false, 1.3);
        RunResult first = simulation.run("slice", TASKS, policy, 7);
        RunResult again = simulation.run("slice", TASKS, policy, 7);
        assertThat(again.allocatedMilli()).containsExactly(first.allocatedMilli());
        assertThat(again.fragMilli()).containsExactly(first.fragMilli());
        assertThat(again.failedTasks()).isEqualTo(first.failedTasks());
        RunResult other = simulation.run("slice", TASKS, policy, 8);
        assertThat(other.allocatedMilli()).isNotEqualTo(first.allocatedMilli());
    }

    @Test
    void arrivalsArePaddedToTheRatioWithTheWholeTraceIncluded() {
        long capacity = new SimCluster(NODES, CATALOG, false).capacityMilli();
        List<TraceTask> arrivals = Arrivals.of(TASKS, capacity, 1.3, 42);
        long total = arrivals.stream().mapToLong(TraceTask::totalGpuMilli).sum();
        long largest = TASKS.stream().mapToLong(TraceTask::totalGpuMilli).max().orElseThrow();
        assertThat(total).isLessThanOrEqualTo((long) (1.3 * capacity)).isGreaterThan((long) (1.3 * capacity) - largest * 50);
        assertThat(arrivals.subList(0, TASKS.size())).containsExactlyInAnyOrderElementsOf(TASKS);
        assertThat(arrivals.subList(0, TASKS.size())).isNotEqualTo(TASKS);
        assertThat(Arrivals.of(TASKS, capacity, 1.3, 42)).isEqualTo(arrivals);

        List<TraceTask> trimmed = Arrivals.of(TASKS, capacity, 0.1, 42);
        assertThat(trimmed.stream().mapToLong(TraceTask::totalGpuMilli).sum()).isLessThanOrEqualTo((long) (0.1 * capacity));
        assertThat(TASKS).containsAll(trimmed);
    }

    @Test
    void aDecisionTheNodeCannotHoldIsRefused() {
        SimCluster cluster = new SimCluster(NODES, CATALOG, false);
        TraceTask share = new TraceTask("share", 1000, 1024, 1, 600, List.of());
        var candidates = cluster.candidates(share, SimCluster.shapeOf(share), cluster.fit().prepare(cluster.demandOf(share)));
        Candidate node = candidates.get(0);
        cluster.place(share, new Decision(node, new int[] {0}));
        assertThatThrownBy(() -> cluster.place(share, new Decision(node, new int[] {0}))).hasMessageContaining("GPU 0 has 400 free");
        TraceTask whole = new TraceTask("whole", 1000, 1024, 2, 1000, List.of());
        assertThatThrownBy(() -> cluster.place(whole, new Decision(node, new int[] {1}))).hasMessageContaining("needs 2 GPUs");
        assertThat(cluster.audit()).isEmpty();
    }

    @Test
    void modelConstrainedTasksOnlyLandOnTheirModels() {
        SimCluster cluster = new SimCluster(NODES, CATALOG, false);
        TraceTask t4 = new TraceTask("t4-only", 1000, 1024, 1, 1000, List.of("T4"));
        var candidates = cluster.candidates(t4, SimCluster.shapeOf(t4), cluster.fit().prepare(cluster.demandOf(t4)));
        assertThat(candidates).isNotEmpty().allSatisfy(c -> assertThat(cluster.node(c.node()).model()).isEqualTo("T4"));
        TraceTask v100 = new TraceTask("v100", 1000, 1024, 1, 1000, List.of("V100M16", "V100M32"));
        var v100Nodes = cluster.candidates(v100, SimCluster.shapeOf(v100), cluster.fit().prepare(cluster.demandOf(v100)));
        assertThat(v100Nodes).isNotEmpty().allSatisfy(c -> assertThat(cluster.node(c.node()).model()).startsWith("V100M"));
    }
}
