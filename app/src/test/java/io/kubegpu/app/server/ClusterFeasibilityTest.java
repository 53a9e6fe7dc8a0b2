package io.kubegpu.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.manifest.ManifestLoader;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequestParser;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** Cluster-aware admission on the built-in sample cluster (V100, A100, H100, T4, L40S, A10 nodes). */
class ClusterFeasibilityTest {
    private final ClusterState state = new ClusterState(Clock.systemUTC());
    private final GpuRequestParser parser = GpuRequestParser.defaults();
    private final ClusterFeasibility feasibility = new ClusterFeasibility(state, new DemandReader(parser, ClusterConfig.defaults()),
            new GpuFit(new MemoryGuard(GpuCatalog.builtIn()), ClusterConfig.defaults().vendors().all()));

    @Test
    void refusesWhatNoNodeOfThisClusterCanEverRun() {
        assertThat(feasibility.neverFits(parser.parse("16(V100)"), 0)).as("before the state is synced: no opinion").isEmpty();
        new ManifestLoader(ClusterConfig.defaults()).loadSample(state);

        // Some node can, even if it is full, NotReady (L40S) or cordoned (A10) right now.
        assertThat(feasibility.neverFits(parser.parse("8(A100-80G)"), 0)).isEmpty();
        assertThat(feasibility.neverFits(parser.parse("4(L40S)"), 0)).isEmpty();
        assertThat(feasibility.neverFits(parser.parse("8G,0.5(T4)"), 0)).isEmpty();

        assertThat(feasibility.neverFits(parser.parse("16"), 0)).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("none of the 11 nodes can ever take it (").contains("node has 8 nvidia.com/gpu, the pod needs 16"));
        // A catalog model that is simply not in this cluster, and a token no node carries.
        assertThat(feasibility.neverFits(parser.parse("1(B200)"), 0)).hasValueSatisfying(r -> assertThat(r).contains("the pod needs B200"));
        assertThat(feasibility.neverFits(parser.parse("1(MYCARD)"), 0)).isPresent();
        // The memory guard on this cluster's cards: nothing here has 200 GiB on one GPU.
        assertThat(feasibility.neverFits(parser.parse("200G"), 0)).isPresent();
    }
}
