package io.kubegpu.perf;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.KubeNode;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.cluster.model.NodeMapper;
import io.kubegpu.cluster.model.PodMapper;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.LiveLoad;
import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.decision.WorkloadProfile;
import io.kubegpu.extender.service.ExplainStore;
import io.kubegpu.extender.service.ExtenderMetrics;
import io.kubegpu.extender.service.ExtenderService;
import io.kubegpu.extender.service.FilterMode;
import io.kubegpu.extender.wire.ExtenderArgs;
import io.kubegpu.extender.wire.ExtenderCodec;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequestParser;
import io.kubernetes.client.openapi.JSON;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of one pod's filter + prioritize in the extender, every node of the cluster as a candidate (kube-scheduler
 * sends fewer: about 230 of 500). Targets: under 50 µs of decision time at 500 names-only nodes; full-node mode
 * well under the 8 ms per pod a plain prioritize-only HTTP extender costs kube-scheduler at 500 nodes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class ExtenderBenchmark {
    /** The default (fragmentation) against the cheapest allocation policy. */
    @Param({"fragmentation", "binpack"})
    public String policy;

    @Param({"100", "500", "1000", "5000"})
    int nodes;

    /** A 2-GPU pod, or a share (under fragmentation, one evaluation per distinct free share on each node). */
    @Param({"2(A100)", "8G,0.5"})
    public String request;

    private ExtenderService service;
    private ExtenderService bestService;
    private ExtenderCodec codec;
    private ExtenderArgs namesArgs;
    private ExtenderService.FilterResult namesResult;
    private byte[] namesBody;
    private byte[] fullBody;

    @Setup
    public void setUp() {
        MetadataTrimming.install();
        ClusterConfig config = ClusterConfig.defaults();
        NodeMapper nodeMapper = new NodeMapper(config);
        PodMapper podMapper = new PodMapper(config);
        ClusterState state = new ClusterState(Clock.systemUTC());
        StringBuilder names = new StringBuilder();
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < nodes; i++) {
            String node = SyntheticCluster.node(i);
            state.upsertNode(nodeMapper.map(JSON.getGson().fromJson(node, KubeNode.class)));
            names.append(i == 0 ? "" : ",").append('"').append(SyntheticCluster.nodeName(i)).append('"');
            items.append(i == 0 ? "" : ",").append(node.strip());
        }
        // Half the GPUs of the cluster in use, whole and shared.
        for (int i = 0; i < nodes * 10; i++) {
            podMapper.map(JSON.getGson().fromJson(SyntheticCluster.pod(i, nodes), KubePod.class)).ifPresent(state::upsertPod);
        }
        state.markSynced(true);
        String pod = """
                {"metadata":{"name":"train","namespace":"team","uid":"uid-train","annotations":{"kubegpu.io/gpu":"%s"}},
                 "spec":{"containers":[{"name":"main","resources":{"limits":{"nvidia.com/gpu":"2"},"requests":{"nvidia.com/gpu":"2"}}}]}}"""
                .formatted(request); // the annotation decides the demand; a share's webhook-set resources do not matter here
        namesBody = ("{\"Pod\":" + pod + ",\"Nodes\":null,\"NodeNames\":[" + names + "]}").getBytes(StandardCharsets.UTF_8);
        fullBody = ("{\"Pod\":" + pod + ",\"Nodes\":{\"metadata\":{},\"items\":[" + items + "]},\"NodeNames\":null}")
                .getBytes(StandardCharsets.UTF_8);
        DemandReader demands = new DemandReader(GpuRequestParser.defaults(), config);
        Policy chosen = Policy.parse(policy).orElseThrow();
        WorkloadProfile profile = new WorkloadProfile(config.vendors().all());
        profile.refresh(state.snapshot());
        GpuFit fit = new GpuFit(new MemoryGuard(GpuCatalog.builtIn()), config.vendors().all(), chosen, profile);
        NodeScorer scorer = new NodeScorer(chosen, LiveLoad.NONE, 0.3, config.vendors().all(), profile);
        service = new ExtenderService(state, nodeMapper, demands, fit, scorer, new ExplainStore(),
                new ExtenderMetrics(new SimpleMeterRegistry()), FilterMode.ALL, Clock.systemUTC());
        // The shipped mode. Its hold on the chosen node is dropped again by the next call for the same pod.
        bestService = new ExtenderService(state, nodeMapper, demands, fit, scorer, new ExplainStore(),
                new ExtenderMetrics(new SimpleMeterRegistry()), FilterMode.BEST, Clock.systemUTC());
        codec = new ExtenderCodec();
        namesArgs = codec.readArgs(namesBody);
        namesResult = service.filter(namesArgs);
    }

    /** Decision time of one filter call over pre-read names-only arguments. */
    @Benchmark
    public Object decideFilterNamesOnly() {
        return service.filter(namesArgs);
    }

    /** Decision time of one prioritize call (every node sent, not only those that passed filter). */
    @Benchmark
    public Object decidePrioritizeNamesOnly() {
        return service.prioritize(namesArgs);
    }

    /** Wire cost alone: reading a names-only filter body. */
    @Benchmark
    public Object readNamesOnly() {
        return codec.readArgs(namesBody);
    }

    /** Wire cost alone: reading a full-node filter body (nodes cached after the first call, as in steady state). */
    @Benchmark
    public Object readFullNodes() {
        return codec.readArgs(fullBody);
    }

    /** Wire cost alone: writing a names-only filter reply. */
    @Benchmark
    public Object writeNamesOnlyFilterReply() {
        return codec.filterReply(namesArgs, namesResult.verdicts(), -1, "");
    }

    /**
     * What one pod costs the extender as shipped (names only, {@code --filter-returns best}): one filter call that
     * also ranks the nodes and keeps the best, so kube-scheduler sends no prioritize.
     */
    @Benchmark
    public Object filterBestNamesOnly() {
        ExtenderArgs filterArgs = codec.readArgs(namesBody);
        var result = bestService.filter(filterArgs);
        return codec.filterReply(filterArgs, result.verdicts(), result.chosen(), "");
    }

    /**
     * {@link #filterBestNamesOnly} with the CPU caches emptied before each call. End to end, kube-scheduler, the API
     * server and etcd share the extender's cores and run between its calls, so a call finds little of the snapshot in
     * cache: what JMH's warm caches hide (a lookup's dependent reads of node state, name and its bytes) shows here.
     */
    @Benchmark
    public Object filterBestNamesOnlyColdCache(CacheEvictor evictor) {
        return filterBestNamesOnly();
    }

    /** Writes over more memory than the machine's last-level cache before each invocation. */
    @State(Scope.Thread)
    public static class CacheEvictor {
        private final long[] memory = new long[(64 << 20) / Long.BYTES];

        @Setup(Level.Invocation)
        public void evict() {
            for (int i = 0; i < memory.length; i += 8) {
                memory[i]++;
            }
        }
    }

    /** The same with full Node objects. */
    @Benchmark
    public Object filterBestFullNodes() {
        ExtenderArgs filterArgs = codec.readArgs(fullBody);
        var result = bestService.filter(filterArgs);
        return codec.filterReply(filterArgs, result.verdicts(), result.chosen(), "");
    }

    /** What one pod costs the extender with {@code --filter-returns all}: read both bodies, decide, write both replies. */
    @Benchmark
    public void filterAndPrioritizeNamesOnly(Blackhole hole) {
        ExtenderArgs filterArgs = codec.readArgs(namesBody);
        var result = service.filter(filterArgs);
        hole.consume(codec.filterReply(filterArgs, result.verdicts(), -1, ""));
        ExtenderArgs prioritizeArgs = codec.readArgs(namesBody);
        hole.consume(codec.prioritizeReply(prioritizeArgs.names(), service.prioritize(prioritizeArgs)));
    }

    /** The same with full Node objects in both requests (nodeCacheCapable: false). */
    @Benchmark
    public void filterAndPrioritizeFullNodes(Blackhole hole) {
        ExtenderArgs filterArgs = codec.readArgs(fullBody);
        var result = service.filter(filterArgs);
        hole.consume(codec.filterReply(filterArgs, result.verdicts(), -1, ""));
        ExtenderArgs prioritizeArgs = codec.readArgs(fullBody);
        hole.consume(codec.prioritizeReply(prioritizeArgs.names(), service.prioritize(prioritizeArgs)));
    }
}
