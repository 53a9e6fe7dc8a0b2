package io.kubegpu.extender.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.cluster.model.NodeMapper;
import io.kubegpu.cluster.it.ManualClock;
import io.kubegpu.cluster.fixtures.GpuNodes;
import io.kubegpu.cluster.fixtures.GpuPods;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.LiveLoad;
import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.wire.ExtenderArgs;
import io.kubegpu.extender.wire.ExtenderCodec;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequestParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --filter-returns best}: the filter keeps only the node the policy ranks first, and holds what the pod takes there
 * (a whole-GPU pod's GPUs, a share's card) until the watch shows it bound.
 */
class BestNodeFilterTest {
    private static final String GPU = "nvidia.com/gpu";
    private static final ClusterConfig CONFIG = ClusterConfig.defaults();

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T00:00:00Z"));
    private ClusterState state;
    private ExplainStore explanations;
    private ExtenderService service;
    private final ExtenderCodec codec = new ExtenderCodec();

    @BeforeEach
    void setUp() {
        MetadataTrimming.install();
        state = new ClusterState(clock);
        for (String name : List.of("a-empty", "b-busy", "c-empty", "d-t4")) {
            state.upsertNode(node(name, name.equals("d-t4") ? "T4" : "A100", 8));
        }
        state.upsertPod(GpuPods.pod("busy").on("b-busy").whole(6).build());
        state.markSynced(true);
        explanations = new ExplainStore(clock);
        GpuFit fit = new GpuFit(new MemoryGuard(GpuCatalog.builtIn()), CONFIG.vendors().all());
        service = new ExtenderService(state, new NodeMapper(CONFIG), new DemandReader(GpuRequestParser.defaults(), CONFIG), fit,
                new NodeScorer(Policy.BINPACK, LiveLoad.NONE, 0, CONFIG.vendors().all()), explanations,
                new ExtenderMetrics(new SimpleMeterRegistry()), FilterMode.BEST, clock);
    }

    private static GpuNode node(String name, String product, int gpus) {
        return GpuNodes.node(name).model(product).gpus(gpus).build();
    }

    private static ExtenderArgs args(ExtenderCodec codec, String uid, String gpu, String... nodes) {
        String names = String.join("\",\"", nodes);
        String body = """
                {"Pod":{"metadata":{"name":"%1$s","namespace":"ns","uid":"%1$s","annotations":{"kubegpu.io/gpu":"%2$s"}},
                 "spec":{"containers":[{"name":"c"}]}},"Nodes":null,"NodeNames":["%3$s"]}""".formatted(uid, gpu, names);
        return codec.readArgs(body.getBytes(StandardCharsets.UTF_8));
    }

    private JsonObject filter(String uid, String gpu, String... nodes) {
        ExtenderArgs args = args(codec, uid, gpu, nodes);
        return reply(args, service.filter(args));
    }

    private JsonObject reply(ExtenderArgs args, ExtenderService.FilterResult result) {
        return JsonParser.parseString(new String(codec.filterReply(args, result.verdicts(), result.chosen(), ""),
                StandardCharsets.UTF_8)).getAsJsonObject();
    }

    private long held(String node) {
        return state.snapshot().node(node).orElseThrow().used(GPU);
    }

    @Test
    void keepsOnlyThePolicysBestNodeAndLeavesTheOtherFittingNodesOutOfBothLists() {
        JsonObject reply = filter("p1", "2(A100)", "c-empty", "b-busy", "a-empty", "d-t4");
        // binpack: the node that is fullest after placing the pod.
        assertThat(reply.getAsJsonArray("NodeNames").toString()).isEqualTo("[\"b-busy\"]");
        // The T4 node failed and says why; the two empty A100 nodes fit but were not chosen: they are in neither list.
        assertThat(reply.getAsJsonObject("FailedNodes").keySet()).containsExactly("d-t4");
        assertThat(explanations.get("ns/p1").orElseThrow().getAsJsonObject("filter").get("chosen").getAsString()).isEqualTo("b-busy");
        assertThat(explanations.get("ns/p1").orElseThrow().getAsJsonObject("prioritize").get("by").getAsString()).isEqualTo("filter");
        // The same decision as values, for the console's Pending page: when, each node's verdict, the node kept.
        ExplainStore.LastFilter last = explanations.lastFilter("ns/p1").orElseThrow();
        assertThat(last.at()).isEqualTo(clock.instant());
        assertThat(last.chosen()).isEqualTo("b-busy");
        assertThat(last.candidates()).extracting(c -> c.verdict().node(), c -> c.verdict().fits()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("c-empty", true), org.assertj.core.groups.Tuple.tuple("b-busy", true),
                org.assertj.core.groups.Tuple.tuple("a-empty", true), org.assertj.core.groups.Tuple.tuple("d-t4", false));
        assertThat(explanations.lastFilter("ns/nobody")).isEmpty();
    }

    @Test
    void aPodWithSoftPreferencesGetsEveryFittingNodeSoKubeSchedulerScoresThem() {
        // kube-scheduler skips its scoring (preferred affinity, ScheduleAnyway spread) when a filter leaves one node.
        String body = """
                {"Pod":{"metadata":{"name":"soft","namespace":"ns","uid":"soft","annotations":{"kubegpu.io/gpu":"2(A100)"}},
                 "spec":{"containers":[{"name":"c"}],"affinity":{"nodeAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[
                   {"weight":10,"preference":{"matchExpressions":[{"key":"zone","operator":"In","values":["b"]}]}}]}}}},
                 "Nodes":null,"NodeNames":["c-empty","b-busy","a-empty","d-t4"]}""";
        ExtenderArgs args = codec.readArgs(body.getBytes(StandardCharsets.UTF_8));
        JsonObject reply = reply(args, service.filter(args));
        assertThat(reply.getAsJsonArray("NodeNames").toString()).isEqualTo("[\"c-empty\",\"b-busy\",\"a-empty\"]");
        assertThat(reply.getAsJsonObject("FailedNodes").keySet()).containsExactly("d-t4");
        assertThat(held("a-empty") + held("c-empty")).as("no node chosen, so none held").isZero();
    }

    @Test
    void equalNodesGoToTheSmallestNameWhateverOrderTheyComeIn() {
        assertThat(filter("p1", "4", "c-empty", "a-empty").getAsJsonArray("NodeNames").toString()).isEqualTo("[\"a-empty\"]");
        assertThat(filter("p2", "4", "a-empty", "c-empty").getAsJsonArray("NodeNames").toString())
                .as("a-empty now holds p1's 4 GPUs, so binpack prefers it again").isEqualTo("[\"a-empty\"]");
    }

    @Test
    void aWholeGpuPodsChoiceIsHeldUntilTheWatchShowsItBound() {
        filter("p1", "2", "a-empty", "b-busy");
        assertThat(held("b-busy")).as("the busy node's 6 GPUs plus p1's 2").isEqualTo(8);
        // b-busy is now full: the next pod goes elsewhere instead of being placed on GPUs p1 already has.
        assertThat(filter("p2", "1", "a-empty", "b-busy").getAsJsonArray("NodeNames").toString()).isEqualTo("[\"a-empty\"]");

        // The same pod filtered again (its cycle failed after our answer) does not find its own hold in the way.
        assertThat(filter("p1", "2", "a-empty", "b-busy").getAsJsonArray("NodeNames").toString()).isEqualTo("[\"b-busy\"]");
        assertThat(held("b-busy")).as("held once, not twice").isEqualTo(8);

        // kube-scheduler's binding shows up through the watch: the pod counts once, as a pod, no longer as a hold.
        state.upsertPod(new GpuPod("p1", "ns", "p1", "b-busy", false, Map.of(GPU, 2L), List.of()));
        assertThat(held("b-busy")).isEqualTo(8);
        assertThat(state.snapshot().node("b-busy").orElseThrow().reservations()).isEmpty();
    }

    @Test
    void aHoldThatIsNeverConfirmedExpires() {
        filter("p1", "2", "b-busy");
        assertThat(held("b-busy")).isEqualTo(8);
        clock.advance(ExtenderService.ASSUMED_FOR.plusSeconds(1));
        state.expireReservations();
        assertThat(held("b-busy")).isEqualTo(6);
    }

    /**
     * A share's card is held by the filter as a whole-GPU pod's GPUs are: kube-scheduler calls our bind tens of milliseconds
     * later, and the next share is filtered meanwhile. Two nodes of one 16 GiB T4 each: s1 (10 GiB, half the compute) goes
     * to t4-a (binpack's tie goes to the smallest name) and holds its card; s2 would not fit beside it (6 GiB left), so it
     * goes to t4-b. Without the hold both went to t4-a and s2's bind was refused (kube-scheduler's backoff then held
     * shares to 11 pods/s at 500 nodes).
     */
    @Test
    void aSharesCardIsHeldSoTheNextShareGoesWhereItFits() {
        ClusterState local = new ClusterState(clock);
        local.upsertNode(GpuNodes.node("t4-a").model("Tesla-T4").gpus(1).allocatable("aliyun.com/gpu-mem", 16).build());
        local.upsertNode(GpuNodes.node("t4-b").model("Tesla-T4").gpus(1).allocatable("aliyun.com/gpu-mem", 16).build());
        local.markSynced(true);
        GpuFit fit = new GpuFit(new MemoryGuard(GpuCatalog.builtIn()), CONFIG.vendors().all());
        ExtenderService filters = new ExtenderService(local, new NodeMapper(CONFIG), new DemandReader(GpuRequestParser.defaults(), CONFIG), fit,
                new NodeScorer(Policy.BINPACK, LiveLoad.NONE, 0, CONFIG.vendors().all()), new ExplainStore(clock),
                new ExtenderMetrics(new SimpleMeterRegistry()), FilterMode.BEST, clock);

        ExtenderArgs s1 = args(codec, "s1", "10G,0.5(T4)", "t4-a", "t4-b");
        assertThat(reply(s1, filters.filter(s1)).getAsJsonArray("NodeNames").toString()).isEqualTo("[\"t4-a\"]");
        var held = local.reservation("s1").orElseThrow();
        assertThat(held.nodeName()).isEqualTo("t4-a");
        assertThat(held.slices()).extracting(io.kubegpu.cluster.state.GpuSlice::index, io.kubegpu.cluster.state.GpuSlice::memoryMiB)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, 10240));

        ExtenderArgs s2 = args(codec, "s2", "10G,0.5(T4)", "t4-a", "t4-b");
        assertThat(reply(s2, filters.filter(s2)).getAsJsonArray("NodeNames").toString()).isEqualTo("[\"t4-b\"]");

        // Filtered again (its cycle failed after our answer), s1 does not find its own hold in the way.
        assertThat(reply(s1, filters.filter(s1)).getAsJsonArray("NodeNames").toString()).isEqualTo("[\"t4-a\"]");
        assertThat(local.snapshot().node("t4-a").orElseThrow().reservations()).hasSize(1);
    }

    @Test
    void podsThatAreNotGpuPodsKeepEveryNode() {
        String body = """
                {"Pod":{"metadata":{"name":"web","namespace":"ns","uid":"web"},"spec":{"containers":[{"name":"c"}]}},
                 "Nodes":null,"NodeNames":["a-empty","b-busy"]}""";
        ExtenderArgs args = codec.readArgs(body.getBytes(StandardCharsets.UTF_8));
        ExtenderService.FilterResult result = service.filter(args);
        assertThat(result.chosen()).isEqualTo(-1);
        assertThat(reply(args, result).getAsJsonArray("NodeNames").toString()).isEqualTo("[\"a-empty\",\"b-busy\"]");
        assertThat(state.snapshot().node("a-empty").orElseThrow().reservations()).isEmpty();
    }

    @Test
    void noNodeFitsMeansNoChoiceAndEveryReason() {
        JsonObject reply = filter("p1", "4(T4)", "a-empty", "b-busy");
        assertThat(reply.getAsJsonArray("NodeNames")).isEmpty();
        assertThat(reply.getAsJsonObject("FailedNodes").keySet()).containsExactlyInAnyOrder("a-empty", "b-busy");
    }

    @Test
    void aWholeGpuPodIsHeldOnlyWhereItStillFitsWhenABindTookTheGpuMeanwhile() {
        // t4-last: 2 GPUs, one held by a whole-GPU pod; t4-other: 2 free. Under binpack the filter ranks t4-last first. While
        // it ranks (the live-load lookup runs in the middle of scoring), a share's bind on a worker thread takes t4-last's
        // last free GPU. The hold must be judged on the node as it is then: t4-last no longer fits, t4-other is chosen.
        // (Judged on the filter's snapshot, both took the GPU: one whole pod and a share on a node of 2 GPUs with 1 free.)
        ClusterState local = new ClusterState(clock);
        local.upsertNode(GpuNodes.node("t4-last").model("Tesla-T4").gpus(2).allocatable("aliyun.com/gpu-mem", 30).build());
        local.upsertNode(GpuNodes.node("t4-other").model("Tesla-T4").gpus(2).allocatable("aliyun.com/gpu-mem", 30).build());
        local.upsertPod(GpuPods.pod("whole").on("t4-last").whole(1).build());
        local.markSynced(true);
        GpuFit fit = new GpuFit(new MemoryGuard(GpuCatalog.builtIn()), CONFIG.vendors().all());
        io.kubegpu.extender.bind.GpuAllocator allocator = new io.kubegpu.extender.bind.GpuAllocator(local, fit, java.time.Duration.ofMinutes(1), clock);
        io.kubegpu.extender.decision.PodDemand share = new DemandReader(GpuRequestParser.defaults(), CONFIG).read(args(codec, "share", "8G,0.5",
                "t4-last").pod());
        boolean[] bound = new boolean[1];
        LiveLoad bindDuringScoring = node -> {
            if (!bound[0]) {
                bound[0] = true;
                assertThat(allocator.allocate(share, "t4-last").succeeded()).as("the share takes t4-last's free GPU").isTrue();
            }
            return java.util.OptionalDouble.empty();
        };
        ExtenderService racing = new ExtenderService(local, new NodeMapper(CONFIG), new DemandReader(GpuRequestParser.defaults(), CONFIG), fit,
                new NodeScorer(Policy.BINPACK, bindDuringScoring, 0.3, CONFIG.vendors().all()), new ExplainStore(clock),
                new ExtenderMetrics(new SimpleMeterRegistry()), FilterMode.BEST, clock);

        ExtenderArgs args = args(codec, "w", "1(T4)", "t4-last", "t4-other");
        JsonObject reply = reply(args, racing.filter(args));

        assertThat(bound[0]).isTrue();
        assertThat(reply.getAsJsonArray("NodeNames").toString()).isEqualTo("[\"t4-other\"]");
        assertThat(reply.getAsJsonObject("FailedNodes").get("t4-last").getAsString()).isEqualTo("0 of 2 nvidia.com/gpu free, the pod needs 1");
        // t4-last: the whole pod's GPU and the share's; nothing of w. t4-other: w's hold.
        assertThat(local.snapshot().node("t4-last").orElseThrow().used(GPU)).isEqualTo(1);
        assertThat(local.snapshot().node("t4-last").orElseThrow().sharedGpusInUse()).isEqualTo(1);
        assertThat(local.snapshot().node("t4-other").orElseThrow().used(GPU)).isEqualTo(1);
    }
}
