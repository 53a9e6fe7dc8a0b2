package io.kubegpu.console.http;

import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.PendingPod;
import io.kubegpu.console.view.DecisionLookup;
import io.kubegpu.console.view.ViewConfig;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the console reads, all owned by the process that runs it: the cluster state, the pending GPU pods, the scorer's
 * latest analysis (a supplier returning null when the scorer does not run here), the extender's last decisions, and the
 * extender's own parser, demand reader, fit and scorer for what-if.
 */
public record ConsoleSources(Supplier<ClusterSnapshot> cluster, Supplier<List<PendingPod>> pending, Supplier<AnalysisSnapshot> utilization,
                             DecisionLookup decisions, GpuRequestParser parser, DemandReader demands, GpuFit fit, NodeScorer scorer,
                             Policy defaultPolicy, ViewConfig config) {
    public ConsoleSources {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(utilization, "utilization");
        Objects.requireNonNull(decisions, "decisions");
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(demands, "demands");
        Objects.requireNonNull(fit, "fit");
        Objects.requireNonNull(scorer, "scorer");
        Objects.requireNonNull(defaultPolicy, "defaultPolicy");
        Objects.requireNonNull(config, "config");
    }
}
