package io.kubegpu.simulator;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.extender.placement.Fragmentation;
import io.kubegpu.extender.placement.TargetWorkload;
import io.kubegpu.simulator.policy.Policies;
import io.kubegpu.simulator.replay.Arrivals;
import io.kubegpu.simulator.replay.Replay;
import io.kubegpu.simulator.replay.RunResult;
import io.kubegpu.simulator.replay.SimCluster;
import io.kubegpu.simulator.replay.TraceWorkload;
import io.kubegpu.simulator.trace.TraceNode;
import io.kubegpu.simulator.trace.TraceTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs policies × seeds over one trace, in parallel, each run on its own cluster. */
public final class Simulation {
    private final List<TraceNode> nodes;
    private final GpuCatalog catalog;
    private final boolean memoryFromCatalog;
    private final double ratio;

    public Simulation(List<TraceNode> nodes, GpuCatalog catalog, boolean memoryFromCatalog, double ratio) {
        this.nodes = List.copyOf(nodes);
        this.catalog = catalog;
        this.memoryFromCatalog = memoryFromCatalog;
        this.ratio = ratio;
    }

    /** One run: the arrivals for {@code seed}, replayed with a fresh instance of the policy. */
    public RunResult run(String trace, List<TraceTask> tasks, String policy, long seed) {
        Replay replay = new Replay(nodes, catalog, memoryFromCatalog);
        SimCluster cluster = replay.newCluster(seed);
        TargetWorkload workload = TraceWorkload.of(tasks);
        List<TraceTask> arrivals = Arrivals.of(tasks, cluster.capacityMilli(), ratio, seed);
        return replay.run(policy, trace, seed, arrivals, Policies.create(policy, workload, capacityByModel()), new Fragmentation(workload), cluster);
    }

    /** GPU capacity per model, thousandths: what the default policy weighs model-constrained demand against. */
    Map<String, Long> capacityByModel() {
        Map<String, Long> out = new HashMap<>();
        for (TraceNode node : nodes) {
            if (node.model() != null) {
                out.merge(node.model(), 1000L * node.gpus(), Long::sum);
            }
        }
        return out;
    }

    public List<RunResult> runAll(String trace, List<TraceTask> tasks, List<String> policies, List<Long> seeds, int threads)
            throws InterruptedException {
        for (String policy : policies) {
            if (!Policies.names().contains(policy)) { // fail before any work
                throw new IllegalArgumentException("unknown policy '" + policy + "'; known: " + String.join(", ", Policies.names()));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<RunResult>> futures = new ArrayList<>();
            for (String policy : policies) {
                for (long seed : seeds) {
                    futures.add(pool.submit(() -> run(trace, tasks, policy, seed)));
                }
            }
            List<RunResult> out = new ArrayList<>();
            for (Future<RunResult> future : futures) {
                out.add(future.get());
            }
            return out;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
        }
    }
}
