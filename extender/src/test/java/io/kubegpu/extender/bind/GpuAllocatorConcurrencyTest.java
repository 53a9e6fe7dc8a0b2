package io.kubegpu.extender.bind;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.fixtures.GpuNodes;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.PodDemand;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;

/** Concurrent binds never double-book a GPU: the choice and the reservation are one step per node. */
class GpuAllocatorConcurrencyTest {
    @RepeatedTest(5)
    void concurrentSharedBindsNeverOverfillAGpu() throws Exception {
        ClusterConfig config = ClusterConfig.defaults();
        ClusterState state = new ClusterState(Clock.systemUTC());
        state.upsertNode(GpuNodes.node("t4").model("Tesla-T4").gpus(4).build());
        GpuAllocator allocator = new GpuAllocator(state, new GpuFit(new MemoryGuard(GpuCatalog.builtIn()), config.vendors().all()),
                Duration.ofMinutes(5), Clock.systemUTC());

        // 4 GPUs x 4 slices of 4 GiB and 0.25 = 16 pods fit; 64 try at once.
        int attempts = 64;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            String uid = "pod-" + i;
            PodDemand demand = new PodDemand(PodDemand.Kind.SHARED, "ns/" + uid, uid, GpuRequest.memory(4096, 250), "aliyun.com/gpu-mem",
                    1, 4096, 250, List.of(), 0, null, null);
            results.add(pool.submit(() -> {
                go.await();
                return allocator.allocate(demand, "t4", List.of()).succeeded();
            }));
        }
        go.countDown();
        int succeeded = 0;
        for (Future<Boolean> result : results) {
            if (result.get(30, TimeUnit.SECONDS)) {
                succeeded++;
            }
        }
        pool.shutdown();

        assertThat(succeeded).isEqualTo(16);
        NodeState node = state.snapshot().node("t4").orElseThrow();
        assertThat(node.reservations()).hasSize(16);
        for (int gpu = 0; gpu < 4; gpu++) {
            assertThat(node.sharedMemoryMiB(gpu)).isEqualTo(16384);
            assertThat(node.sharedMilli(gpu)).isEqualTo(1000);
        }
    }

    @RepeatedTest(5)
    void concurrentWholeGpuBindsNeverExceedTheNode() throws Exception {
        ClusterConfig config = ClusterConfig.defaults();
        ClusterState state = new ClusterState(Clock.systemUTC());
        state.upsertNode(GpuNodes.node("a100").memoryMiB(81920).gpus(8).build());
        GpuAllocator allocator = new GpuAllocator(state, new GpuFit(new MemoryGuard(GpuCatalog.builtIn()), config.vendors().all()),
                Duration.ofMinutes(5), Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String uid = "job-" + i;
            PodDemand demand = new PodDemand(PodDemand.Kind.WHOLE, "ns/" + uid, uid, GpuRequest.whole(3), "nvidia.com/gpu", 3, 0, 0,
                    List.of(), 0, null, null);
            results.add(pool.submit(() -> allocator.allocate(demand, "a100", List.of()).succeeded()));
        }
        int succeeded = 0;
        for (Future<Boolean> result : results) {
            succeeded += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdown();
        // 8 GPUs hold two pods of 3.
        assertThat(succeeded).isEqualTo(2);
        assertThat(state.snapshot().node("a100").orElseThrow().used("nvidia.com/gpu")).isEqualTo(6);
    }
}
