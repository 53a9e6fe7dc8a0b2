package io.kubegpu.extender.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.cluster.model.NodeMapper;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.extender.bind.BindGate;
import io.kubegpu.extender.bind.GpuAllocator;
import io.kubegpu.extender.bind.InMemoryBinder;
import io.kubegpu.extender.bind.PodCache;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.LiveLoad;
import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.service.ExplainStore;
import io.kubegpu.extender.service.ExtenderMetrics;
import io.kubegpu.extender.service.ExtenderService;
import io.kubegpu.extender.service.FilterMode;
import io.kubegpu.extender.service.NoFitReply;
import io.kubegpu.extender.wire.ExtenderCodec;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequestParser;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /preempt} over real HTTP in both of kube-scheduler's forms (meta victims by UID, full victim pods), bad
 * bodies, the sync gate, metrics and {@code /explain}. Two T4s on node t4, each 3/4 taken by three 5 GiB quarter shares.
 */
class PreemptHttpTest {
    private static final String GPU_MEM = "aliyun.com/gpu-mem";
    private static final Instant T0 = Instant.parse("2021-01-01T00:00:00Z");

    private Vertx vertx;
    private HttpServer server;
    private WebClient client;
    private ClusterState state;

    @BeforeEach
    void start() throws Exception {
        start(NoFitReply.FAILED_NODES);
    }

    private void start(NoFitReply noFit) throws Exception {
        MetadataTrimming.install();
        ClusterConfig config = ClusterConfig.defaults();
        state = new ClusterState(Clock.systemUTC());
        var t4 = GpuCatalog.builtIn().resolve("T4").orElseThrow();
        state.upsertNode(new GpuNode("t4", true, false, List.of(), "T4", t4, 16384, 2, Map.of(GPU_MEM, 32L, "nvidia.com/gpu", 2L)));
        int second = 0;
        for (int gpu = 0; gpu < 2; gpu++) {
            for (String name : gpu == 0 ? new String[] {"a", "b", "c"} : new String[] {"d", "e", "f"}) {
                state.upsertPod(new GpuPod("uid-" + name, "low", name, "t4", false, Map.of(GPU_MEM, 5L), List.of(new GpuSlice(gpu, 5120, 250)), -1000,
                        T0.plusSeconds(second++), false));
            }
        }
        state.markSynced(true);
        DemandReader demands = new DemandReader(GpuRequestParser.defaults(), config);
        GpuFit fit = new GpuFit(new MemoryGuard(GpuCatalog.builtIn()), config.vendors().all());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ExtenderMetrics metrics = new ExtenderMetrics(registry);
        ExplainStore explanations = new ExplainStore();
        PodCache pods = new PodCache();
        NodeMapper nodes = new NodeMapper(config);
        ExtenderService service = new ExtenderService(state, nodes, demands, fit, new NodeScorer(Policy.BINPACK, LiveLoad.NONE, 0, config.vendors().all()),
                explanations, metrics, FilterMode.BEST, Clock.systemUTC(), noFit);
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
        ExtenderRoutes routes = new ExtenderRoutes(vertx, service, new ExtenderCodec(),
                new InMemoryBinder(state, new GpuAllocator(state, fit, Duration.ofSeconds(60), Clock.systemUTC()), demands, pods,
                        new BindGate(java.util.Set.of(BindGate.DEFAULT_SCHEDULER))), pods, explanations, metrics);
        routes.mountExplain(router);
        routes.mount(router, "", 1024 * 1024, () -> state.snapshot().synced());
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        client = WebClient.create(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private HttpResponse<Buffer> post(String path, String body) throws Exception {
        return client.post(server.actualPort(), "127.0.0.1", path).putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)).await(10, TimeUnit.SECONDS);
    }

    private String get(String path) throws Exception {
        return client.get(server.actualPort(), "127.0.0.1", path).send().await(10, TimeUnit.SECONDS).bodyAsString();
    }

    /** The preemptor as kube-scheduler sends it: the webhook's gpu-mem request, priority resolved from its class. */
    private static final String PREEMPTOR = """
            {"metadata":{"name":"urgent","namespace":"prod","uid":"uid-urgent","annotations":{"kubegpu.io/gpu":"8G,0.5(T4)"}},
             "spec":{"priority":1000000,"priorityClassName":"kubegpu-high",
              "containers":[{"name":"c","resources":{"limits":{"aliyun.com/gpu-mem":"8"}}}]}}""";

    private static String meta(String... uids) {
        StringBuilder pods = new StringBuilder();
        for (String uid : uids) {
            pods.append(pods.length() == 0 ? "" : ",").append("{\"UID\":\"").append(uid).append("\"}");
        }
        return "{\"Pods\":[" + pods + "],\"NumPDBViolations\":0}";
    }

    @Test
    void metaVictimsSpreadOverCardsDropTheNodeAndVictimsOnOneCardAreKept() throws Exception {
        // Node t4: c (GPU 0) and f (GPU 1) leave 6 GiB on each card; node t4 alone is judged per proposal, so two requests.
        HttpResponse<Buffer> spread = post("/preempt", "{\"Pod\":" + PREEMPTOR + ",\"NodeNameToVictims\":null,\"NodeNameToMetaVictims\":{\"t4\":"
                + meta("uid-c", "uid-f") + "}}");
        assertThat(spread.statusCode()).isEqualTo(200);
        assertThat(spread.bodyAsString()).isEqualTo("{\"NodeNameToMetaVictims\":{}}");

        // b, c and f proposed: b and c free GPU 0 (1 + 5 + 5 = 11 GiB, 0.75); f is not needed.
        HttpResponse<Buffer> oneCard = post("/preempt", "{\"Pod\":" + PREEMPTOR + ",\"NodeNameToMetaVictims\":{\"t4\":"
                + meta("uid-b", "uid-c", "uid-f", "uid-not-a-gpu-pod") + "}}");
        assertThat(oneCard.bodyAsString()).isEqualTo("{\"NodeNameToMetaVictims\":{\"t4\":{\"Pods\":[{\"UID\":\"uid-b\"},{\"UID\":\"uid-c\"},"
                + "{\"UID\":\"uid-not-a-gpu-pod\"}],\"NumPDBViolations\":0}}}");

        JsonObject explain = JsonParser.parseString(get("/explain/prod/urgent")).getAsJsonObject().getAsJsonObject("preempt");
        assertThat(explain.get("demand").getAsString()).isEqualTo("8G,0.5(T4)");
        assertThat(explain.get("priority").getAsInt()).isEqualTo(1000000);
        JsonObject node = explain.getAsJsonArray("nodes").get(0).getAsJsonObject();
        assertThat(node.get("outcome").getAsString()).isEqualTo("preempt");
        assertThat(node.get("gpu").getAsInt()).isZero();
        assertThat(node.getAsJsonArray("victims").toString())
                .contains("{\"pod\":\"low/b\",\"uid\":\"uid-b\",\"decision\":\"evict\",\"priority\":-1000,\"gpus\":[0],\"why\":\"needed: holds 5 GiB and 0.25 "
                        + "of its compute on GPU 0; the pod does not fit on GPU 0 with it kept\"}")
                .contains("{\"pod\":\"low/f\",\"uid\":\"uid-f\",\"decision\":\"keep\",\"priority\":-1000,\"gpus\":[1],\"why\":\"not needed: the pod fits "
                        + "on GPU 0 with it kept\"}")
                .contains("\"decision\":\"pass-through\"");

        // kube-scheduler filters the preemptor again once the victims are gone: why they went is still shown beside it.
        post("/filter", "{\"Pod\":" + PREEMPTOR + ",\"NodeNames\":[\"t4\"]}");
        JsonObject afterFilter = JsonParser.parseString(get("/explain/prod/urgent")).getAsJsonObject();
        assertThat(afterFilter.has("filter")).isTrue();
        assertThat(afterFilter.getAsJsonObject("preempt")).isEqualTo(explain);

        String metrics = get("/metrics");
        assertThat(metrics).contains("kubegpu_extender_decisions_total{outcome=\"no_fit\",verb=\"preempt\"} 1.0")
                .contains("kubegpu_extender_decisions_total{outcome=\"victims\",verb=\"preempt\"} 1.0");
    }

    @Test
    void fullVictimPodsAreReadByTheirUidAndAnsweredAsMetaVictims() throws Exception {
        String body = "{\"Pod\":" + PREEMPTOR + ",\"NodeNameToVictims\":{\"t4\":{\"Pods\":["
                + "{\"metadata\":{\"name\":\"b\",\"namespace\":\"low\",\"uid\":\"uid-b\"},\"spec\":{}},"
                + "{\"metadata\":{\"name\":\"c\",\"namespace\":\"low\",\"uid\":\"uid-c\"},\"spec\":{}}],\"NumPDBViolations\":1}},"
                + "\"NodeNameToMetaVictims\":null}";
        assertThat(post("/preempt", body).bodyAsString())
                .isEqualTo("{\"NodeNameToMetaVictims\":{\"t4\":{\"Pods\":[{\"UID\":\"uid-b\"},{\"UID\":\"uid-c\"}],\"NumPDBViolations\":1}}}");
    }

    @Test
    void aLowerPriorityPreemptorNeverEvictsAndAPodWithoutGpusGetsTheProposalBack() throws Exception {
        String equal = PREEMPTOR.replace("1000000", "-1000");
        assertThat(post("/preempt", "{\"Pod\":" + equal + ",\"NodeNameToMetaVictims\":{\"t4\":" + meta("uid-b", "uid-c") + "}}").bodyAsString())
                .isEqualTo("{\"NodeNameToMetaVictims\":{}}");
        String cpuOnly = "{\"metadata\":{\"name\":\"web\",\"namespace\":\"prod\",\"uid\":\"w\"},\"spec\":{\"priority\":5}}";
        assertThat(post("/preempt", "{\"Pod\":" + cpuOnly + ",\"NodeNameToMetaVictims\":{\"t4\":" + meta("uid-a") + ",\"empty\":" + meta() + "}}")
                .bodyAsString()).isEqualTo("{\"NodeNameToMetaVictims\":{\"t4\":{\"Pods\":[{\"UID\":\"uid-a\"}],\"NumPDBViolations\":0}}}");
    }

    /**
     * kube-scheduler 1.20/1.21 panics when two candidates tie and one has no victim (kubernetes/kubernetes#101548): a node is
     * never answered without victims, whether none were proposed (its totals fit; t4's cards do not, 1 GiB free on each) or
     * none of those proposed is needed (a 1 GiB quarter share fits GPU 0 as it is).
     */
    @Test
    void aNodeIsNeverAnsweredWithoutVictims() throws Exception {
        assertThat(post("/preempt", "{\"Pod\":" + PREEMPTOR + ",\"NodeNameToMetaVictims\":{\"t4\":" + meta() + "}}").bodyAsString())
                .isEqualTo("{\"NodeNameToMetaVictims\":{}}");
        assertThat(JsonParser.parseString(get("/explain/prod/urgent")).getAsJsonObject().getAsJsonObject("preempt").getAsJsonArray("nodes").toString())
                .contains("\"outcome\":\"dropped\",\"reason\":\"no proposed victim may be evicted, and the pod does not fit as the node is: no GPU has "
                        + "8 GiB and 0.5 of its compute free");
        String small = PREEMPTOR.replace("8G,0.5(T4)", "1G,0.25(T4)").replace("\"8\"", "\"1\"");
        assertThat(post("/preempt", "{\"Pod\":" + small + ",\"NodeNameToMetaVictims\":{\"t4\":" + meta("uid-a") + "}}").bodyAsString())
                .isEqualTo("{\"NodeNameToMetaVictims\":{}}");
    }

    @Test
    void withNoFitReplyErrorAPodThatFitsNoNodeGetsAnErrorWithTheReasonsAndOneThatFitsGetsItsNode() throws Exception {
        String filter = "{\"Pod\":%s,\"NodeNames\":[\"t4\"]}";
        // The usual answer: the node with its reason, no error (kube-scheduler then preempts).
        JsonObject failedNodes = JsonParser.parseString(post("/filter", filter.formatted(PREEMPTOR)).bodyAsString()).getAsJsonObject();
        assertThat(failedNodes.get("Error").getAsString()).isEmpty();
        assertThat(failedNodes.getAsJsonObject("FailedNodes").get("t4").getAsString()).startsWith("no GPU has 8 GiB and 0.5 of its compute free");

        stop();
        start(NoFitReply.ERROR);
        JsonObject error = JsonParser.parseString(post("/filter", filter.formatted(PREEMPTOR)).bodyAsString()).getAsJsonObject();
        assertThat(error.get("Error").getAsString()).isEqualTo("0/1 nodes fit 8G,0.5(T4): 1 node: no GPU has 8 GiB and 0.5 of its compute free; "
                + "most free: GPU 0 with 1 GiB and 0.25 of its compute (answered as an error, not a fit failure, so that this kube-scheduler does not "
                + "preempt for it: see the extender's --no-fit-reply)");
        // A pod that fits somewhere is answered as always: GPU 0 has 1 GiB and a quarter free.
        String small = PREEMPTOR.replace("8G,0.5(T4)", "1G,0.25(T4)").replace("\"8\"", "\"1\"");
        JsonObject fits = JsonParser.parseString(post("/filter", filter.formatted(small)).bodyAsString()).getAsJsonObject();
        assertThat(fits.get("Error").getAsString()).isEmpty();
        assertThat(fits.getAsJsonArray("NodeNames").toString()).isEqualTo("[\"t4\"]");
        assertThat(get("/metrics")).contains("kubegpu_extender_no_fit_errors_total 1.0");
    }

    @Test
    void malformedBodiesAreBadRequestsNamingTheField() throws Exception {
        Map<String, String> cases = Map.of(
                "not json", "malformed JSON",
                "[1]", "expected an ExtenderPreemptionArgs object, got an array",
                "{\"NodeNameToMetaVictims\":{}}", "the preempt request has no Pod object",
                "{\"Pod\":" + PREEMPTOR + "}", "the preempt request has neither NodeNameToMetaVictims nor NodeNameToVictims",
                "{\"Pod\":" + PREEMPTOR + ",\"NodeNameToMetaVictims\":[]}", "NodeNameToMetaVictims must be an object of node name to victims, got an array",
                "{\"Pod\":" + PREEMPTOR + ",\"NodeNameToMetaVictims\":{\"t4\":{\"Pods\":{}}}}", "NodeNameToMetaVictims.t4.Pods must be an array, got an object",
                "{\"Pod\":" + PREEMPTOR + ",\"NodeNameToMetaVictims\":{\"t4\":{\"Pods\":[{\"uid\":1},{}]}}}", "NodeNameToMetaVictims.t4.Pods has a victim without UID",
                "{\"Pod\":" + PREEMPTOR + ",\"NodeNameToMetaVictims\":{\"t4\":{\"Pods\":[],\"NumPDBViolations\":\"x\"}}}",
                "NodeNameToMetaVictims.t4.NumPDBViolations must be a whole number, got \"x\"");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<Buffer> response = post("/preempt", c.getKey());
            assertThat(response.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(JsonParser.parseString(response.bodyAsString()).getAsJsonObject().get("Error").getAsString()).as(c.getKey()).contains(c.getValue());
        }
        assertThat(get("/metrics")).contains("kubegpu_extender_bad_requests_total{verb=\"preempt\"} 8.0");
        // A victim UID the state does not know is not fatal: passed through beside the GPU victims that decide.
        assertThat(post("/preempt", "{\"pod\":" + PREEMPTOR + ",\"nodenametometavictims\":{\"t4\":" + meta("uid-b", "uid-c", "nobody") + "}}").statusCode())
                .isEqualTo(200);
    }

    @Test
    void nothingIsDecidedOnAStateThatIsNotSynced() throws Exception {
        state.markSynced(false);
        HttpResponse<Buffer> response = post("/preempt", "{\"Pod\":" + PREEMPTOR + ",\"NodeNameToMetaVictims\":{\"t4\":" + meta("uid-b", "uid-c") + "}}");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.bodyAsString()).contains("not synced");
    }
}
