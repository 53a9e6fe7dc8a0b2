package io.kubegpu.perf;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.PendingPod;
import io.kubegpu.cluster.state.PendingPods;
import io.kubegpu.console.http.ConsoleJson;
import io.kubegpu.console.view.ClusterView;
import io.kubegpu.console.view.ConsoleInputs;
import io.kubegpu.console.view.DecisionLookup;
import io.kubegpu.console.view.PendingView;
import io.kubegpu.console.view.QuotaSource;
import io.kubegpu.console.view.TeamGroups;
import io.kubegpu.console.view.TeamsView;
import io.kubegpu.console.view.TrendSample;
import io.kubegpu.console.view.UtilizationIndex;
import io.kubegpu.console.view.ViewConfig;
import io.kubegpu.console.view.WhatIf;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.LiveLoad;
import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.decision.WorkloadProfile;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.Vendor;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The console's views on a large cluster: 5,000 nodes of 8 GPUs (40,000 GPUs) of six models, about 60 % of the GPUs held
 * by 16,000 whole-GPU and shared pods of 40 namespaces, a scorer result per held GPU, 200 pending GPU pods. Each
 * benchmark builds what one API call answers, JSON text included where the route writes it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConsoleBenchmark {
    private static final String[][] MODELS = {
        {"Tesla-V100-SXM2-32GB", "32768"}, {"NVIDIA-A100-SXM4-80GB", "81920"}, {"NVIDIA-A100-SXM4-40GB", "40960"},
        {"Tesla-T4", "15360"}, {"NVIDIA-H100-80GB-HBM3", "81920"}, {"NVIDIA-L40S", "46068"},
    };
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @Param({"5000"})
    int nodes;

    private ConsoleInputs inputs;
    private UtilizationIndex util;
    private ClusterView cluster;
    private TeamsView teams;
    private PendingView pending;
    private WhatIf whatIf;
    private ViewConfig config;

    @Setup
    public void setUp() {
        ClusterConfig clusterConfig = ClusterConfig.defaults();
        GpuCatalog catalog = clusterConfig.catalog();
        List<Vendor> vendors = clusterConfig.vendors().all();
        ClusterState state = new ClusterState(Clock.fixed(NOW, java.time.ZoneOffset.UTC));
        List<GpuScore> scores = new ArrayList<>();
        int pod = 0;
        for (int i = 0; i < nodes; i++) {
            String[] model = MODELS[i % MODELS.length];
            String name = String.format("gpu-node-%05d", i);
            int memory = Integer.parseInt(model[1]);
            state.upsertNode(new GpuNode(name, i % 97 != 0, i % 89 == 0, List.of(), model[0], catalog.resolve(model[0]).orElse(null), memory, 8,
                    Map.of("nvidia.com/gpu", 8L, "aliyun.com/gpu-mem", 8L * memory / 1024)));
            // Per node: a 2-GPU and a 1-GPU job, and on every other node a 2-GPU job and two shares of GPU 7.
            int[] whole = i % 2 == 0 ? new int[] {2, 1, 2} : new int[] {2, 1};
            for (int gpus : whole) {
                String namespace = "team-" + (pod % 40);
                state.upsertPod(new GpuPod("uid-" + pod, namespace, "job-" + pod, name, false, Map.of("nvidia.com/gpu", (long) gpus), List.of()));
                for (int g = 0; g < gpus; g++) {
                    scores.add(new GpuScore("GPU-" + pod + "-" + g, "job-" + pod, namespace, "main", name, model[0], (pod * 7 + g * 13) % 100, 10,
                            1000, memory, 100, 1400, 40 + pod % 40, (pod * 7) % 100, GpuStatus.values()[pod % 4], ""));
                }
                pod++;
            }
            if (i % 2 == 0) {
                for (int s = 0; s < 2; s++) {
                    String namespace = "team-" + (pod % 40);
                    state.upsertPod(new GpuPod("uid-" + pod, namespace, "share-" + pod, name, false, Map.of("aliyun.com/gpu-mem", 4L),
                            List.of(new GpuSlice(7, 4096, 250))));
                    scores.add(new GpuScore("GPU-" + name + "-7", "share-" + pod, namespace, "main", name, model[0], 30, 10, 1000, memory, 100, 1400,
                            50, 30, GpuStatus.NORMAL, ""));
                    pod++;
                }
            }
        }
        state.markSynced(true);
        PendingPods waiting = new PendingPods();
        for (int p = 0; p < 200; p++) {
            waiting.upsert(new PendingPod("pending-" + p, "team-" + (p % 40), "wait-" + p, NOW.minusSeconds(p * 30L), null,
                    Map.of("kubegpu.io/gpu", p % 2 == 0 ? "8(A100-80G)" : "4(H100)"), Map.of("nvidia.com/gpu", p % 2 == 0 ? 8L : 4L)));
        }
        AnalysisSnapshot analysis = AnalysisSnapshot.of(NOW.minusSeconds(60), scores, 20, NOW.minusSeconds(59));
        inputs = new ConsoleInputs(state.snapshot(), waiting.list(), analysis, NOW);
        util = UtilizationIndex.of(analysis);
        config = new ViewConfig(vendors.stream().map(Vendor::resource).toList(), "aliyun.com/gpu-mem", 1024,
                TeamGroups.parse(Map.of("research", "team-1,team-2,team-3")), QuotaSource.NONE);
        GpuRequestParser parser = GpuRequestParser.defaults();
        DemandReader demands = new DemandReader(parser, clusterConfig);
        WorkloadProfile profile = new WorkloadProfile(vendors);
        profile.refresh(state.snapshot());
        GpuFit fit = new GpuFit(new MemoryGuard(catalog), vendors, Policy.FRAGMENTATION, profile, 1024);
        NodeScorer scorer = new NodeScorer(Policy.FRAGMENTATION, LiveLoad.NONE, 0.3, vendors, profile);
        cluster = new ClusterView(config);
        teams = new TeamsView(config);
        pending = new PendingView(config, demands, fit, DecisionLookup.NONE);
        whatIf = new WhatIf(parser, demands, fit, scorer, Policy.FRAGMENTATION, config);
    }

    /** {@code /api/v1/cluster/nodes}: the Cluster page's first 50 nodes with every card, and totals over all 5,000. */
    @Benchmark
    public String clusterNodesPage() {
        return ConsoleJson.write(cluster.nodes(inputs, util, ClusterView.Query.all()));
    }

    /** The same, filtered by model and team. */
    @Benchmark
    public String clusterNodesFiltered() {
        return ConsoleJson.write(cluster.nodes(inputs, util, new ClusterView.Query("A100", "team-7", null, null, 0, 50)));
    }

    /** {@code /api/v1/cluster/status}: the stat cards and totals by model. */
    @Benchmark
    public String clusterStatus() {
        return ConsoleJson.write(cluster.status(inputs, util));
    }

    /** {@code /api/v1/gpu/metrics}: 500 cards, the per-GPU table's largest page. */
    @Benchmark
    public String gpuTablePage() {
        return ConsoleJson.write(cluster.gpus(inputs, util, new ClusterView.Query(null, null, null, null, 20_000, 500)));
    }

    /** {@code /api/v1/teams}. */
    @Benchmark
    public String teams() {
        return ConsoleJson.write(teams.page(inputs, util));
    }

    /** {@code /api/v1/pending}: 50 pending pods, each judged on every node (no filter decision recorded). */
    @Benchmark
    public String pendingList() {
        return ConsoleJson.write(pending.list(inputs, null, 0, 50));
    }

    /** {@code /api/v1/pending/{namespace}/{pod}}: one pod judged on every node, with its counterfactuals. */
    @Benchmark
    public String pendingDetail() {
        return ConsoleJson.write(pending.detail(inputs, "team-0", "wait-0").orElseThrow());
    }

    /** {@code /api/v1/whatif?request=2(A100)}: every node judged, 1,600 fitting ones ranked. */
    @Benchmark
    public String whatIf() {
        return ConsoleJson.write(whatIf.answer(inputs, new WhatIf.Question("2(A100)", "team-1", Map.of())));
    }

    /** One trend sample (each minute, off the request path). */
    @Benchmark
    public TrendSample trendSample() {
        return TrendSample.of(inputs, util, config);
    }

    /** Indexing a 40,000-result analysis, once per analysis. */
    @Benchmark
    public UtilizationIndex indexAnalysis() {
        return UtilizationIndex.of(inputs.utilization());
    }
}
