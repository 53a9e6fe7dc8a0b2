package io.kubegpu.cluster.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.fixtures.GpuNodes;
import io.kubegpu.cluster.it.ManualClock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ClusterStateTest {
    private static final String GPU = "nvidia.com/gpu";
    private static final String GPU_MEM = "aliyun.com/gpu-mem";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final ClusterState state = new ClusterState(clock);

    private static GpuNode node(String name, int gpus) {
        return GpuNodes.node(name).gpus(gpus).build();
    }

    private static GpuPod pod(String uid, String nodeName, long gpus) {
        return new GpuPod(uid, "ns", "pod-" + uid, nodeName, false, Map.of(GPU, gpus), List.of());
    }

    private static GpuPod shared(String uid, String nodeName, GpuSlice... slices) {
        int memory = 0;
        for (GpuSlice slice : slices) {
            memory += slice.memoryMiB() / 1024;
        }
        return new GpuPod(uid, "ns", "pod-" + uid, nodeName, false, Map.of(GPU_MEM, (long) memory), List.of(slices));
    }

    private NodeState nodeState(String name) {
        return state.snapshot().node(name).orElseThrow();
    }

    @Test
    void countsBoundPodsOnTheirNode() {
        state.upsertNode(node("n1", 8));
        state.upsertPod(pod("a", "n1", 2));
        state.upsertPod(pod("b", "n1", 3));
        state.upsertPod(pod("pending", null, 4));
        assertThat(nodeState("n1").used(GPU)).isEqualTo(5);
        assertThat(nodeState("n1").pods()).extracting(GpuPod::uid).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void sumsEachResourceOnItsOwnWhateverStringInstanceAsksForIt() {
        state.upsertNode(node("n1", 8));
        state.upsertPod(pod("a", "n1", 2));
        state.upsertPod(new GpuPod("b", "ns", "pod-b", "n1", false, Map.of(GPU, 1L, "amd.com/gpu", 3L), List.of()));
        state.upsertPod(shared("c", "n1", new GpuSlice(0, 8192, 500)));
        NodeState n1 = nodeState("n1");
        assertThat(n1.used(GPU)).isEqualTo(3);
        assertThat(n1.used("amd.com/gpu")).isEqualTo(3);
        assertThat(n1.used(GPU_MEM)).isEqualTo(8);
        // Readers pass names they built themselves (a vendor's configured resource), not the constants the pods used.
        assertThat(n1.used(new String("nvidia.com/gpu"))).isEqualTo(3);
        assertThat(n1.used("example.com/gpu")).as("a resource no pod holds").isZero();
        assertThat(n1.used(null)).isZero();
    }

    @Test
    void finishedDeletedAndRescheduledPodsAreAccountedCorrectly() {
        state.upsertNode(node("n1", 8));
        state.upsertNode(node("n2", 8));
        state.upsertPod(pod("a", "n1", 2));
        state.upsertPod(new GpuPod("a", "ns", "pod-a", "n1", true, Map.of(GPU, 2L), List.of()));
        assertThat(nodeState("n1").used(GPU)).as("Succeeded/Failed pods hold nothing").isZero();

        state.upsertPod(pod("b", "n1", 1));
        state.upsertPod(pod("b", "n2", 1));
        assertThat(nodeState("n1").used(GPU)).isZero();
        assertThat(nodeState("n2").used(GPU)).isEqualTo(1);

        state.deletePod("b");
        assertThat(nodeState("n2").used(GPU)).isZero();
        assertThat(state.pod("b")).isNull();
    }

    @Test
    void keepsUsageOfPodsThatArriveBeforeTheirNode() {
        state.upsertPod(pod("a", "late-node", 2));
        assertThat(nodeState("late-node").node()).isNull();
        assertThat(nodeState("late-node").used(GPU)).isEqualTo(2);
        assertThat(state.snapshot().nodeCount()).isZero();

        state.upsertNode(node("late-node", 4));
        assertThat(nodeState("late-node").node().gpuCount()).isEqualTo(4);
        assertThat(nodeState("late-node").used(GPU)).isEqualTo(2);
        assertThat(state.snapshot().nodeCount()).isEqualTo(1);
    }

    @Test
    void deletingANodeKeepsItsPodsUntilTheyGo() {
        state.upsertNode(node("n1", 8));
        state.upsertPod(pod("a", "n1", 2));
        state.deleteNode("n1");
        assertThat(nodeState("n1").node()).isNull();
        assertThat(nodeState("n1").used(GPU)).isEqualTo(2);
        state.deletePod("a");
        assertThat(state.snapshot().node("n1")).isEmpty();
    }

    @Test
    void sumsSharedMemoryAndComputePerGpu() {
        state.upsertNode(node("t4", 4));
        state.upsertPod(shared("a", "t4", new GpuSlice(0, 8192, 500)));
        state.upsertPod(shared("b", "t4", new GpuSlice(0, 4096, 250), new GpuSlice(2, 2048, 0)));
        NodeState t4 = nodeState("t4");
        assertThat(t4.sharedMemoryMiB(0)).isEqualTo(12288);
        assertThat(t4.sharedMilli(0)).isEqualTo(750);
        assertThat(t4.sharedHolders(0)).isEqualTo(2);
        assertThat(t4.sharedMemoryMiB(1)).isZero();
        assertThat(t4.sharedMemoryMiB(2)).isEqualTo(2048);
        assertThat(t4.sharedMemoryMiB(9)).isZero();
        assertThat(t4.sharedGpusInUse()).isEqualTo(2);
        assertThat(t4.used(GPU_MEM)).isEqualTo(14);
    }

    @Test
    void snapshotsAreImmutableAndVersioned() {
        state.upsertNode(node("n1", 8));
        ClusterSnapshot before = state.snapshot();
        state.upsertPod(pod("a", "n1", 2));
        state.upsertNode(node("n2", 8));
        ClusterSnapshot after = state.snapshot();
        assertThat(before.node("n1").orElseThrow().used(GPU)).isZero();
        assertThat(before.node("n2")).isEmpty();
        assertThat(before.nodes()).hasSize(1);
        assertThat(after.node("n1").orElseThrow().used(GPU)).isEqualTo(2);
        assertThat(after.version()).isGreaterThan(before.version());
        assertThat(after.nodes()).hasSize(2);
    }

    @Test
    void anUnchangedPodUpdatePublishesNothing() {
        state.upsertNode(node("n1", 8));
        state.upsertPod(pod("a", "n1", 2));
        long version = state.snapshot().version();
        state.upsertPod(pod("a", "n1", 2));
        assertThat(state.snapshot().version()).isEqualTo(version);
    }

    @Test
    void eventsOfPendingPodsPublishNothing() {
        state.upsertNode(node("n1", 8));
        long version = state.snapshot().version();
        state.upsertPod(pod("pending", null, 2));
        state.upsertPod(pod("pending", null, 2));
        assertThat(state.snapshot().version()).isEqualTo(version);
    }

    @Test
    void reservationsCountUntilTheWatchShowsThePodBound() {
        state.upsertNode(node("n1", 8));
        state.upsertPod(pod("a", null, 2));
        state.reserve(new Reservation("a", "ns/pod-a", "n1", Map.of(GPU, 2L), List.of(), clock.instant(), clock.instant().plusSeconds(30)));
        assertThat(nodeState("n1").used(GPU)).isEqualTo(2);
        assertThat(nodeState("n1").reservations()).hasSize(1);

        // The watch shows it bound: the pod replaces the reservation, never both.
        state.upsertPod(pod("a", "n1", 2));
        assertThat(nodeState("n1").used(GPU)).isEqualTo(2);
        assertThat(nodeState("n1").reservations()).isEmpty();
    }

    @Test
    void reservationsEndWhenThePodIsDeletedReleasedOrExpired() {
        state.upsertNode(node("n1", 8));
        state.reserve(new Reservation("a", "ns/a", "n1", Map.of(GPU, 1L), List.of(), clock.instant(), clock.instant().plusSeconds(30)));
        state.deletePod("a");
        assertThat(nodeState("n1").used(GPU)).isZero();

        state.reserve(new Reservation("b", "ns/b", "n1", Map.of(GPU, 1L), List.of(), clock.instant(), clock.instant().plusSeconds(30)));
        state.release("b");
        assertThat(nodeState("n1").used(GPU)).isZero();

        state.reserve(new Reservation("c", "ns/c", "n1", Map.of(GPU, 1L), List.of(new GpuSlice(1, 1024, 100)), clock.instant(), clock.instant().plusSeconds(30)));
        clock.advance(Duration.ofSeconds(29));
        assertThat(state.expireReservations()).isZero();
        assertThat(nodeState("n1").sharedMemoryMiB(1)).isEqualTo(1024);
        clock.advance(Duration.ofSeconds(1));
        assertThat(state.expireReservations()).isEqualTo(1);
        assertThat(nodeState("n1").used(GPU)).isZero();
        assertThat(nodeState("n1").sharedMemoryMiB(1)).isZero();
    }

    @Test
    void aNewReservationForThePodReplacesTheOldOne() {
        state.upsertNode(node("n1", 8));
        state.upsertNode(node("n2", 8));
        state.reserve(new Reservation("a", "ns/a", "n1", Map.of(GPU, 2L), List.of(), clock.instant(), clock.instant().plusSeconds(30)));
        state.reserve(new Reservation("a", "ns/a", "n2", Map.of(GPU, 2L), List.of(), clock.instant(), clock.instant().plusSeconds(30)));
        assertThat(nodeState("n1").used(GPU)).isZero();
        assertThat(nodeState("n2").used(GPU)).isEqualTo(2);
    }

    @Test
    void syncedFlagIsPublished() {
        assertThat(state.snapshot().synced()).isFalse();
        state.markSynced(true);
        assertThat(state.snapshot().synced()).isTrue();
    }

    @Test
    void concurrentWritersNeverLoseUpdatesAndReadersSeeConsistentNodes() throws Exception {
        int nodes = 50;
        int podsPerWriter = 400;
        int writers = 4;
        for (int n = 0; n < nodes; n++) {
            state.upsertNode(node("n" + n, 1_000_000));
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        Future<Integer> reader = pool.submit(() -> {
            start.await();
            int checked = 0;
            while (!done.get()) {
                for (NodeState node : state.snapshot().nodes()) {
                    long fromPods = node.pods().stream().mapToLong(p -> p.request(GPU)).sum()
                            + node.reservations().stream().mapToLong(r -> r.requests().getOrDefault(GPU, 0L)).sum();
                    assertThat(node.used(GPU)).isEqualTo(fromPods);
                    checked++;
                }
            }
            return checked;
        });
        List<Future<?>> writes = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            writes.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < podsPerWriter; i++) {
                    String uid = writer + "-" + i;
                    String nodeName = "n" + (i % nodes);
                    if (i % 3 == 0) {
                        state.reserve(new Reservation(uid, uid, nodeName, Map.of(GPU, 1L), List.of(), clock.instant(), clock.instant().plusSeconds(60)));
                    }
                    state.upsertPod(pod(uid, nodeName, 1));
                    if (i % 5 == 0) {
                        state.deletePod(uid);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> write : writes) {
            write.get(60, TimeUnit.SECONDS);
        }
        done.set(true);
        assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
        pool.shutdown();

        long expected = writers * (podsPerWriter - (podsPerWriter + 4) / 5);
        long total = state.snapshot().nodes().stream().mapToLong(n -> n.used(GPU)).sum();
        assertThat(total).isEqualTo(expected);
        assertThat(state.snapshot().nodes()).allSatisfy(n -> assertThat(n.reservations()).isEmpty());
    }

    @Test
    void slotsOfNodesThatAreGoneAreReusedSoChurnDoesNotGrowTheState() {
        // An autoscaled pool: nodes come and go under new names all day.
        for (int round = 0; round < 200; round++) {
            state.upsertNode(node("burst-" + round + "-a", 8));
            state.upsertNode(node("burst-" + round + "-b", 8));
            state.upsertPod(pod("p" + round, "burst-" + round + "-a", 1));
            state.deletePod("p" + round);
            state.deleteNode("burst-" + round + "-a");
            state.deleteNode("burst-" + round + "-b");
        }
        state.upsertNode(node("stays", 8));
        assertThat(state.slotCapacity()).as("at most the nodes present at once, plus one").isLessThanOrEqualTo(3);
        assertThat(state.snapshot().nodes()).extracting(NodeState::name).containsExactly("stays");
        assertThat(state.snapshot().node("burst-7-a")).isEmpty();
    }

    @Test
    void anOldSnapshotStillAnswersForItsNodesAfterTheirSlotWasReused() {
        state.upsertNode(node("old", 8));
        state.upsertPod(pod("a", "old", 3));
        ClusterSnapshot before = state.snapshot();
        state.deletePod("a");
        state.deleteNode("old");
        state.upsertNode(node("new", 2)); // takes the freed slot
        assertThat(before.node("old").orElseThrow().used(GPU)).isEqualTo(3);
        assertThat(before.node("new")).isEmpty();
        assertThat(state.snapshot().node("new").orElseThrow().node().gpuCount()).isEqualTo(2);
        assertThat(state.snapshot().node("old")).isEmpty();
    }

    @Test
    void aFullPodListReplacesWhatWasKnownAndDropsReservationsOfPodsThatAreGone() {
        state.upsertNode(node("n1", 8));
        state.upsertPod(pod("deleted-while-the-watch-was-down", "n1", 2));
        state.upsertPod(pod("kept", "n1", 1));
        state.reserve(new Reservation("gone-pending", "ns/gone", "n1", Map.of(GPU, 1L), List.of(), clock.instant(), clock.instant().plusSeconds(60)));
        state.reserve(new Reservation("still-pending", "ns/p", "n1", Map.of(GPU, 1L), List.of(), clock.instant(), clock.instant().plusSeconds(60)));
        long version = state.snapshot().version();

        state.replacePods(List.of(pod("kept", "n1", 1), pod("bound-while-the-watch-was-down", "n1", 4), pod("still-pending", null, 1)));

        NodeState n1 = nodeState("n1");
        assertThat(n1.pods()).extracting(GpuPod::uid).containsExactlyInAnyOrder("kept", "bound-while-the-watch-was-down");
        assertThat(n1.reservations()).extracting(Reservation::podUid).containsExactly("still-pending");
        assertThat(n1.used(GPU)).isEqualTo(1 + 4 + 1);
        assertThat(state.snapshot().version()).as("one published change").isEqualTo(version + 1);
    }

    @Test
    void aFullNodeListRemovesNodesThatAreGone() {
        state.upsertNode(node("n1", 8));
        state.upsertNode(node("gone", 8));
        state.replaceNodes(List.of(node("n1", 4), node("n2", 2)));
        assertThat(state.snapshot().nodes()).extracting(NodeState::name).containsExactlyInAnyOrder("n1", "n2");
        assertThat(nodeState("n1").node().gpuCount()).isEqualTo(4);
        assertThat(state.snapshot().nodeCount()).isEqualTo(2);
    }

    @Test
    void gpusALiveSignalReportsBrokenJoinTheNodesOwnReportAndComeBackWhenHealthy() {
        state.upsertNode(GpuNodes.node("n1").gpus(4).unhealthy(3).build());
        state.setLiveUnhealthy(Map.of("n1", List.of(1), "unknown-node", List.of(0)));
        assertThat(nodeState("n1").node().unhealthyGpus()).containsExactly(1, 3);
        // A node update from the watch keeps the live signal.
        state.upsertNode(GpuNodes.node("n1").gpus(4).build());
        assertThat(nodeState("n1").node().unhealthyGpus()).containsExactly(1);
        long version = state.snapshot().version();
        state.setLiveUnhealthy(Map.of("n1", List.of(1), "unknown-node", List.of(0)));
        assertThat(state.snapshot().version()).as("nothing changed, nothing published").isEqualTo(version);
        state.setLiveUnhealthy(Map.of());
        assertThat(nodeState("n1").node().unhealthyGpus()).isEmpty();
    }
}
