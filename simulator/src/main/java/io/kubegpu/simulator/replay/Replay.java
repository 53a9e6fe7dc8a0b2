package io.kubegpu.simulator.replay;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.placement.Fragmentation;
import io.kubegpu.extender.placement.TaskShape;
import io.kubegpu.simulator.trace.TraceNode;
import io.kubegpu.simulator.trace.TraceTask;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Replays an arrival sequence: each task in turn goes to the node and GPUs the policy picks among those it fits
 * on, or fails and is dropped when it fits nowhere. Arrivals only, no departures.
 */
public final class Replay {
    private final List<TraceNode> nodes;
    private final GpuCatalog catalog;
    private final boolean memoryFromCatalog;

    public Replay(List<TraceNode> nodes, GpuCatalog catalog, boolean memoryFromCatalog) {
        this.nodes = List.copyOf(nodes);
        this.catalog = catalog;
        this.memoryFromCatalog = memoryFromCatalog;
    }

    public SimCluster newCluster(long seed) {
        return new SimCluster(nodes, catalog, memoryFromCatalog, seed);
    }

    /**
     * @param measure fragmentation yardstick for the report (the trace's task mix); the policy may use its own
     */
    public RunResult run(String policyName, String trace, long seed, List<TraceTask> arrivals, PlacementPolicy policy,
                         Fragmentation measure, SimCluster cluster) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = arrivals.size();
        long[] arrived = new long[n];
        long[] allocated = new long[n];
        double[] frag = new double[n];
        double[] nodeFrag = new double[cluster.size()];
        double totalFrag = 0;
        for (int i = 0; i < cluster.size(); i++) {
            nodeFrag[i] = measure.of(cluster.layout(i));
            totalFrag += nodeFrag[i];
        }
        long arrivedSoFar = 0;
        int failed = 0;
        long failedMilli = 0;
        for (int t = 0; t < n; t++) {
            TraceTask task = arrivals.get(t);
            TaskShape shape = SimCluster.shapeOf(task);
            GpuFit.Prepared prepared = cluster.fit().prepare(cluster.demandOf(task));
            arrivedSoFar += task.totalGpuMilli();
            List<Candidate> candidates = cluster.candidates(task, shape, prepared);
            if (candidates.isEmpty()) {
                failed++;
                failedMilli += task.totalGpuMilli();
            } else {
                Decision decision = policy.choose(shape, candidates, random);
                cluster.place(task, decision);
                int node = decision.candidate().node();
                double after = measure.of(cluster.layout(node));
                totalFrag += after - nodeFrag[node];
                nodeFrag[node] = after;
            }
            arrived[t] = arrivedSoFar;
            allocated[t] = cluster.allocatedMilli();
            frag[t] = totalFrag;
        }
        return new RunResult(policyName, trace, seed, cluster.capacityMilli(), arrived, allocated, frag, failed, failedMilli, n);
    }
}
