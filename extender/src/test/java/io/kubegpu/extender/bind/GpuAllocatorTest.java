package io.kubegpu.extender.bind;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.fixtures.GpuNodes;
import io.kubegpu.cluster.fixtures.GpuPods;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.PodDemand;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.decision.WorkloadProfile;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What bind reserves: the placement policy's GPU, or the GPU an interrupted attempt chose while it still fits. */
class GpuAllocatorTest {
    private static final ClusterConfig CONFIG = ClusterConfig.defaults();

    private static GpuPod shared(String uid, int index, int memoryMiB, int milli) {
        return GpuPods.pod(uid).on("n").share(index, memoryMiB, milli).build();
    }

    private static PodDemand share(String uid, int memoryMiB, int milli) {
        return new PodDemand(PodDemand.Kind.SHARED, "ns/" + uid, uid, GpuRequest.memory(memoryMiB, milli), "aliyun.com/gpu-mem", 1, memoryMiB, milli,
                List.of(), 0, null, null);
    }

    private static ClusterState twoT4s(GpuPod... pods) {
        ClusterState state = new ClusterState(Clock.systemUTC());
        state.upsertNode(GpuNodes.node("n").model("Tesla-T4").gpus(2).build());
        for (GpuPod pod : pods) {
            state.upsertPod(pod);
        }
        return state;
    }

    @Test
    void underTheFragmentationPolicyBindReservesThePolicysGpu() {
        ClusterState state = twoT4s(shared("a", 0, 4096, 250), shared("b", 1, 6554, 400));
        GpuFit fragmentation = new GpuFit(new MemoryGuard(GpuCatalog.builtIn()), CONFIG.vendors().all(), Policy.FRAGMENTATION,
                WorkloadProfile.generic(CONFIG.vendors().all()));
        var allocation = new GpuAllocator(state, fragmentation, Duration.ofMinutes(1), Clock.systemUTC()).allocate(share("q", 4096, 250), "n");
        // Best fit would take GPU 1 (less left over); the fragmentation policy keeps GPU 1's larger room for other shapes.
        assertThat(allocation.reservation().slices()).extracting(GpuSlice::index).containsExactly(0);
    }

    @Test
    void aRetryKeepsItsEarlierGpuWhileItFitsAndDecidesAfreshOnceItDoesNot() {
        GpuFit fit = new GpuFit(new MemoryGuard(GpuCatalog.builtIn()), CONFIG.vendors().all());
        List<GpuSlice> earlier = List.of(new GpuSlice(1, 8192, 500));
        ClusterState free = twoT4s();
        assertThat(new GpuAllocator(free, fit, Duration.ofMinutes(1), Clock.systemUTC()).allocate(share("p", 8192, 500), "n", earlier)
                .reservation().slices()).isEqualTo(earlier);
        ClusterState filled = twoT4s(shared("x", 1, 12288, 800));
        assertThat(new GpuAllocator(filled, fit, Duration.ofMinutes(1), Clock.systemUTC()).allocate(share("p", 8192, 500), "n", earlier)
                .reservation().slices()).containsExactly(new GpuSlice(0, 8192, 500));
    }
}
