package io.kubegpu.console.view;

import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.PendingPod;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything one view is built from, read once so the view is consistent.
 *
 * @param cluster     the cluster snapshot
 * @param pending     the GPU pods waiting for a node
 * @param utilization the scorer's latest analysis, or {@code null} when the scorer does not run in this process
 * @param now         the time the view is for
 */
public record ConsoleInputs(ClusterSnapshot cluster, List<PendingPod> pending, AnalysisSnapshot utilization, Instant now) {
    public ConsoleInputs {
        Objects.requireNonNull(cluster, "cluster");
        pending = List.copyOf(pending);
        Objects.requireNonNull(now, "now");
    }
}
