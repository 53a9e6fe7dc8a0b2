package io.kubegpu.console.view;

import io.kubegpu.cluster.manifest.ManifestLoader;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.PendingPods;
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
import java.io.StringReader;
import java.time.Instant;
import java.util.List;

/**
 * The built-in sample cluster (the demo's) loaded through the real manifest loader, with the extender's own parser, fit
 * and scorer as the server builds them: what the console's views are tested on.
 */
public final class SampleCluster {
    public static final Instant LOADED = Instant.parse("2026-12-01T10:00:00Z");
    public static final Instant NOW = LOADED.plusSeconds(600);

    public final ClusterConfig config = ClusterConfig.defaults();
    public final ClusterState state = new ClusterState(java.time.Clock.fixed(LOADED, java.time.ZoneOffset.UTC));
    public final PendingPods pending = new PendingPods();
    public final GpuRequestParser parser = GpuRequestParser.defaults();
    public final DemandReader demands = new DemandReader(parser, config);
    public final List<Vendor> vendors = config.vendors().all();
    public final WorkloadProfile profile = new WorkloadProfile(vendors);
    public final GpuFit fit = new GpuFit(new MemoryGuard(config.catalog()), vendors, Policy.FRAGMENTATION, profile, config.gpushare().memoryUnitMiB());
    public final NodeScorer scorer = new NodeScorer(Policy.FRAGMENTATION, LiveLoad.NONE, 0.3, vendors, profile);
    public final ViewConfig view = new ViewConfig(vendors.stream().map(Vendor::resource).toList(), config.gpushare().memoryResource(),
            config.gpushare().memoryUnitMiB(), TeamGroups.NONE, QuotaSource.NONE);

    public SampleCluster() {
        new ManifestLoader(config).loadSample(state, pending, LOADED);
    }

    /** The sample plus more manifests (more nodes, pods, pending pods). */
    public SampleCluster with(String yaml) {
        new ManifestLoader(config).load(new StringReader(yaml), "test", state, pending, LOADED);
        return this;
    }

    public ConsoleInputs inputs() {
        return inputs(null);
    }

    public ConsoleInputs inputs(AnalysisSnapshot analysis) {
        return new ConsoleInputs(state.snapshot(), pending.list(), analysis, NOW);
    }

    /** One scorer result: a GPU of a pod on a host. */
    public static GpuScore score(String gpu, String host, String namespace, String pod, double util, double temperature, GpuStatus status) {
        return new GpuScore(gpu, pod, namespace, "main", host, "Tesla T4", util, 0, 1000, 16000, 50, 1300, temperature, util, status, "");
    }

    public static AnalysisSnapshot analysis(GpuScore... scores) {
        return AnalysisSnapshot.of(NOW.minusSeconds(30), List.of(scores), 20, NOW.minusSeconds(29));
    }
}
