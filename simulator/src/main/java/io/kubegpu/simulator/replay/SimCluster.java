package io.kubegpu.simulator.replay;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.catalog.ModelMatch;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.NodeVerdict;
import io.kubegpu.extender.decision.PodDemand;
import io.kubegpu.extender.placement.GpuLayout;
import io.kubegpu.extender.placement.TaskShape;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.Vendor;
import io.kubegpu.request.Vendors;
import io.kubegpu.simulator.trace.TraceNode;
import io.kubegpu.simulator.trace.TraceTask;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated cluster. GPUs are accounted in the extender's own {@link ClusterState} and every GPU fit is
 * decided by the extender's {@link GpuFit} (the code its HTTP filter and bind run); host CPU and memory,
 * which kube-scheduler checks itself in a real cluster, are kept here.
 */
public final class SimCluster {
    static final String GPU_RESOURCE = "nvidia.com/gpu";

    private final List<TraceNode> nodes;
    private final GpuNode[] gpuNodes;
    private final int[] cpuFree;
    private final long[] memoryFree;
    private final List<Map<String, Integer>> affinity = new ArrayList<>();
    private final ClusterState state = new ClusterState(Clock.systemUTC());
    private final GpuFit fit;
    private final List<Vendor> vendors = Vendors.defaults().all();
    private final GpuCatalog catalog;
    private final NodeState[] layoutOf;
    private final GpuLayout[] layouts;
    private final int[] rank;
    private long allocatedMilli;
    private int placed;

    /**
     * @param memoryFromCatalog give each GPU its catalog memory (shares then hold memory in proportion); otherwise
     *                          GPU memory stays unset, as in the trace, and only compute shares count
     */
    public SimCluster(List<TraceNode> nodes, GpuCatalog catalog, boolean memoryFromCatalog) {
        this(nodes, catalog, memoryFromCatalog, 0);
    }

    /**
     * @param seed orders the nodes for tie-breaks: the published simulator prefixes node names with a seeded random
     *             permutation and, on equal scores, takes the lexicographically smallest name
     */
    public SimCluster(List<TraceNode> nodes, GpuCatalog catalog, boolean memoryFromCatalog, long seed) {
        this.nodes = List.copyOf(nodes);
        this.catalog = catalog;
        this.fit = new GpuFit(new MemoryGuard(catalog), vendors);
        int n = nodes.size();
        gpuNodes = new GpuNode[n];
        cpuFree = new int[n];
        memoryFree = new long[n];
        layoutOf = new NodeState[n];
        layouts = new GpuLayout[n];
        rank = tieBreakOrder(nodes, seed);
        for (int i = 0; i < n; i++) {
            TraceNode node = nodes.get(i);
            ModelMatch match = node.model() == null ? null : catalog.resolve(node.model()).orElse(null);
            int memory = memoryFromCatalog && match != null ? match.smallest().memoryMiB() : 0;
            gpuNodes[i] = new GpuNode(node.name(), true, false, List.of(), node.model(), match, memory, node.gpus(),
                    Map.of(GPU_RESOURCE, (long) node.gpus()));
            state.upsertNode(gpuNodes[i]);
            cpuFree[i] = node.cpuMilli();
            memoryFree[i] = node.memoryMiB();
            affinity.add(new HashMap<>());
        }
    }

    public int size() {
        return nodes.size();
    }

    public long capacityMilli() {
        long total = 0;
        for (TraceNode node : nodes) {
            total += 1000L * node.gpus();
        }
        return total;
    }

    public long allocatedMilli() {
        return allocatedMilli;
    }

    public int placed() {
        return placed;
    }

    public TraceNode node(int index) {
        return nodes.get(index);
    }

    /** The task as the extender sees a pod: its demand, with the models resolved through the catalog. */
    public PodDemand demandOf(TraceTask task) {
        List<PodDemand.ModelAlternative> models = task.models().stream()
                .map(m -> new PodDemand.ModelAlternative(m, catalog.resolve(m).orElse(null))).toList();
        String key = "trace/" + task.name();
        if (task.gpus() == 0) {
            return PodDemand.none(key, key);
        }
        if (task.isShare()) {
            return new PodDemand(PodDemand.Kind.SHARED, key, key, null, GPU_RESOURCE, 1, 0, task.gpuMilli(), models, 0, null, null);
        }
        return new PodDemand(PodDemand.Kind.WHOLE, key, key, null, GPU_RESOURCE, task.gpus(), 0, 0, models, 0, null, null);
    }

    public static TaskShape shapeOf(TraceTask task) {
        java.util.Set<String> models = java.util.Set.copyOf(task.models());
        if (task.gpus() == 0) {
            return TaskShape.cpuOnly(task.cpuMilli());
        }
        return task.isShare() ? TaskShape.share(task.cpuMilli(), task.gpuMilli(), models) : TaskShape.whole(task.cpuMilli(), task.gpus(), models);
    }

    /**
     * The nodes the task fits on: host CPU and memory here, GPUs by the extender's filter. A cheap necessary check
     * on the free-share layout runs first so the filter only judges nodes that can fit (its rejections build
     * human-readable reasons, which a replay does not need thousands of times per task).
     */
    public List<Candidate> candidates(TraceTask task, TaskShape shape, GpuFit.Prepared prepared) {
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < gpuNodes.length; i++) {
            if (cpuFree[i] < task.cpuMilli() || memoryFree[i] < task.memoryMiB()) {
                continue;
            }
            GpuLayout layout = layout(i);
            if (!layout.fits(shape)) {
                continue;
            }
            if (shape.gpuCount() > 0) {
                NodeVerdict verdict = prepared.judge(gpuNodes[i].name(), gpuNodes[i], usage(i));
                if (!verdict.fits()) {
                    continue;
                }
            }
            out.add(new Candidate(i, layout, rank[i], affinity.get(i)));
        }
        return out;
    }

    public GpuFit fit() {
        return fit;
    }

    /** Free shares in GPU index order, with free CPU: derived from the extender's state, cached per node version. */
    public GpuLayout layout(int node) {
        NodeState usage = usage(node);
        GpuLayout cached = layouts[node];
        if (cached == null || layoutOf[node] != usage || cached.cpuFreeMilli() != cpuFree[node]) {
            GpuLayout gpus = GpuLayout.of(gpuNodes[node], usage, vendors);
            cached = new GpuLayout(gpus.model(), cpuFree[node], gpus.freeMilli());
            layouts[node] = cached;
            layoutOf[node] = usage;
        }
        return cached;
    }

    private NodeState usage(int node) {
        return state.snapshot().nodeOrNull(gpuNodes[node].name());
    }

    /** Records the task on the decided node and GPUs. Refuses a decision the layout cannot hold. */
    public void place(TraceTask task, Decision decision) {
        int node = decision.candidate().node();
        TaskShape shape = shapeOf(task);
        int[] gpus = decision.gpus();
        if (gpus.length != shape.gpuCount()) {
            throw new IllegalStateException("task " + task.name() + " needs " + shape.gpuCount() + " GPUs, the policy chose " + gpus.length);
        }
        GpuLayout layout = layout(node);
        layout.with(shape, gpus); // throws if any chosen GPU lacks the share
        if (cpuFree[node] < task.cpuMilli() || memoryFree[node] < task.memoryMiB()) {
            throw new IllegalStateException("node " + gpuNodes[node].name() + " lacks the CPU or memory for " + task.name());
        }
        cpuFree[node] -= task.cpuMilli();
        memoryFree[node] -= task.memoryMiB();
        if (shape.gpuCount() > 0) {
            Map<String, Long> requests = shape.isShare() ? Map.of() : Map.of(GPU_RESOURCE, (long) shape.gpuCount());
            List<GpuSlice> slices = List.of();
            if (shape.isShare()) {
                int card = gpuNodes[node].gpuMemoryMiB();
                int memory = card == 0 ? 0 : (int) (((long) card * task.gpuMilli() + 999) / 1000);
                slices = List.of(new GpuSlice(gpus[0], memory, task.gpuMilli()));
            }
            state.upsertPod(new GpuPod(task.name() + "#" + placed, "trace", task.name(), gpuNodes[node].name(), false, requests, slices));
            affinity.get(node).merge(affinityTag(shape), 1, Integer::sum);
        }
        allocatedMilli += task.totalGpuMilli();
        placed++;
    }

    private static int[] tieBreakOrder(List<TraceNode> nodes, long seed) {
        Integer[] byName = new Integer[nodes.size()];
        for (int i = 0; i < byName.length; i++) {
            byName[i] = i;
        }
        java.util.Arrays.sort(byName, java.util.Comparator.comparing(i -> nodes.get(i).name()));
        List<Integer> permutation = new ArrayList<>();
        for (int i = 0; i < byName.length; i++) {
            permutation.add(i);
        }
        java.util.Collections.shuffle(permutation, new java.util.Random(seed));
        int[] rank = new int[nodes.size()];
        for (int i = 0; i < byName.length; i++) {
            rank[byName[i]] = permutation.get(i);
        }
        return rank;
    }

    /** The task kind GpuClustering groups by: {@code share-gpu}, {@code 1-gpu}, {@code 2-gpu}, ... */
    public static String affinityTag(TaskShape shape) {
        return shape.isShare() ? "share-gpu" : shape.gpuCount() + "-gpu";
    }

    /**
     * Checks the books: no GPU holds more than one GPU's worth, no node more whole GPUs than it has, CPU and memory
     * never negative, and what the state holds equals what was placed. Returns the problems found (empty = sound).
     */
    public List<String> audit() {
        List<String> problems = new ArrayList<>();
        long held = 0;
        for (int i = 0; i < gpuNodes.length; i++) {
            NodeState usage = usage(i);
            GpuNode node = gpuNodes[i];
            if (cpuFree[i] < 0 || memoryFree[i] < 0) {
                problems.add(node.name() + ": negative free CPU or memory");
            }
            if (usage == null) {
                continue;
            }
            long whole = usage.used(GPU_RESOURCE);
            if (whole + usage.sharedGpusInUse() > node.gpuCount()) {
                problems.add(node.name() + ": " + whole + " whole + " + usage.sharedGpusInUse() + " shared GPUs on " + node.gpuCount());
            }
            held += whole * 1000;
            for (int g = 0; g < node.gpuCount() + 1; g++) {
                if (usage.sharedMilli(g) > 1000) {
                    problems.add(node.name() + ": GPU " + g + " holds " + usage.sharedMilli(g) + " thousandths");
                }
                if (g >= node.gpuCount() && usage.sharedHolders(g) > 0) {
                    problems.add(node.name() + ": a share on GPU " + g + ", which does not exist");
                }
                held += usage.sharedMilli(g);
            }
        }
        if (held != allocatedMilli) {
            problems.add("the state holds " + held + " GPU thousandths, " + allocatedMilli + " were placed");
        }
        return problems;
    }
}
