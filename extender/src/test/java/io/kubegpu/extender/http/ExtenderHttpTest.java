package io.kubegpu.extender.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.KubeNode;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.cluster.model.NodeMapper;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.extender.bind.BindGate;
import io.kubegpu.extender.bind.GpuAllocator;
import io.kubegpu.extender.bind.InMemoryBinder;
import io.kubegpu.extender.bind.PodCache;
import io.kubegpu.extender.service.ExplainStore;
import io.kubegpu.extender.service.ExtenderMetrics;
import io.kubegpu.extender.service.ExtenderService;
import io.kubegpu.extender.service.FilterMode;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.GpuFit;
import io.kubegpu.extender.decision.LiveLoad;
import io.kubegpu.extender.decision.NodeScorer;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.wire.ExtenderCodec;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequestParser;
import io.kubernetes.client.openapi.JSON;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every route over real HTTP, with request bodies captured from a real kube-scheduler 1.20.2 in both
 * node modes. The cluster state holds the two fixture nodes, as the informers would.
 */
class ExtenderHttpTest {
    private static final long BODY_LIMIT = 1024 * 1024;

    private Vertx vertx;
    private HttpServer server;
    private WebClient client;
    private ClusterState state;
    private PrometheusMeterRegistry registry;

    @BeforeEach
    void start() throws Exception {
        MetadataTrimming.install();
        ClusterConfig config = ClusterConfig.defaults();
        state = new ClusterState(Clock.systemUTC());
        NodeMapper nodes = new NodeMapper(config);
        for (JsonElement node : fixture("extender-filter-args-full-nodes.json").getAsJsonObject("Nodes").getAsJsonArray("items")) {
            state.upsertNode(nodes.map(JSON.getGson().fromJson(node, KubeNode.class)));
        }
        state.markSynced(true);
        DemandReader demands = new DemandReader(GpuRequestParser.defaults(), config);
        GpuFit fit = new GpuFit(new MemoryGuard(GpuCatalog.builtIn()), config.vendors().all());
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ExtenderMetrics metrics = new ExtenderMetrics(registry);
        ExplainStore explanations = new ExplainStore();
        PodCache pods = new PodCache();
        ExtenderService service = new ExtenderService(state, nodes, demands, fit,
                new NodeScorer(Policy.BINPACK, LiveLoad.NONE, 0, config.vendors().all()), explanations, metrics, FilterMode.ALL,
                Clock.systemUTC());
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        ExtenderRoutes.mountHealth(router, () -> state.snapshot().synced(), "cluster state not synced yet");
        router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
        ExtenderRoutes routes = new ExtenderRoutes(vertx, service, new ExtenderCodec(),
                new InMemoryBinder(state, new GpuAllocator(state, fit, Duration.ofSeconds(60), Clock.systemUTC()), demands, pods,
                        new BindGate(java.util.Set.of(BindGate.DEFAULT_SCHEDULER))),
                pods, explanations, metrics);
        routes.mountExplain(router);
        routes.mount(router, "", BODY_LIMIT, () -> state.snapshot().synced());
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        client = WebClient.create(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static JsonObject fixture(String name) throws IOException {
        return JsonParser.parseString(text(name)).getAsJsonObject();
    }

    private static String text(String name) throws IOException {
        try (InputStream in = ExtenderHttpTest.class.getResourceAsStream("/io/kubegpu/extender/wire/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private HttpResponse<Buffer> post(String path, String body) throws Exception {
        return client.post(server.actualPort(), "127.0.0.1", path).putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)).await(10, TimeUnit.SECONDS);
    }

    private HttpResponse<Buffer> get(String path) throws Exception {
        return client.get(server.actualPort(), "127.0.0.1", path).send().await(10, TimeUnit.SECONDS);
    }

    private static JsonObject json(HttpResponse<Buffer> response) {
        return JsonParser.parseString(response.bodyAsString()).getAsJsonObject();
    }

    @Test
    void filterWithNodeNamesKeepsTheV100NodeAndExplainsTheOther() throws Exception {
        HttpResponse<Buffer> response = post("/filter", text("extender-filter-args-node-names.json"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        JsonObject reply = json(response);
        assertThat(reply.keySet()).containsExactly("Nodes", "NodeNames", "FailedNodes", "FailedAndUnresolvableNodes", "Error");
        assertThat(reply.get("Nodes").isJsonNull()).isTrue();
        assertThat(reply.getAsJsonArray("NodeNames").toString()).isEqualTo("[\"gpu-v100-node-1\"]");
        assertThat(reply.getAsJsonObject("FailedAndUnresolvableNodes").get("gpu-a100-node-1").getAsString())
                .isEqualTo("node has A100-80GB, the pod needs V100");
        // kube-scheduler 1.20 only reads FailedNodes, so unresolvable nodes are there too.
        assertThat(reply.getAsJsonObject("FailedNodes").has("gpu-a100-node-1")).isTrue();
        assertThat(reply.get("Error").getAsString()).isEmpty();
    }

    @Test
    void filterWithFullNodesEchoesThePassingNodeObjectsUnchanged() throws Exception {
        JsonObject args = fixture("extender-filter-args-full-nodes.json");
        JsonObject reply = json(post("/filter", text("extender-filter-args-full-nodes.json")));
        assertThat(reply.get("NodeNames").isJsonNull()).isTrue();
        JsonArray items = reply.getAsJsonObject("Nodes").getAsJsonArray("items");
        assertThat(items).hasSize(1);
        JsonElement sent = args.getAsJsonObject("Nodes").getAsJsonArray("items").asList().stream()
                .filter(n -> n.getAsJsonObject().getAsJsonObject("metadata").get("name").getAsString().equals("gpu-v100-node-1"))
                .findFirst().orElseThrow();
        assertThat(items.get(0)).isEqualTo(sent);
    }

    @Test
    void multiContainerPodsAskForTheirOneGpuOnAnyModel() throws Exception {
        JsonObject reply = json(post("/filter", text("extender-filter-args-node-names-multi-container.json")));
        assertThat(reply.getAsJsonArray("NodeNames")).hasSize(2);
    }

    @Test
    void prioritizeReturnsABareArrayOfHostsAndScoresInBothModes() throws Exception {
        for (String fixture : new String[] {"extender-prioritize-args-node-names.json", "extender-prioritize-args-full-nodes.json"}) {
            HttpResponse<Buffer> response = post("/prioritize", text(fixture));
            assertThat(response.statusCode()).isEqualTo(200);
            JsonArray scores = JsonParser.parseString(response.bodyAsString()).getAsJsonArray();
            assertThat(scores).hasSize(2);
            for (JsonElement score : scores) {
                assertThat(score.getAsJsonObject().keySet()).containsExactly("Host", "Score");
                assertThat(score.getAsJsonObject().get("Score").getAsInt()).isBetween(0, 10);
            }
            // The A100 node cannot take a V100 pod: 0; the V100 node with 2 of 8 GPUs after placement: 3 under binpack.
            assertThat(scores.toString()).contains("{\"Host\":\"gpu-a100-node-1\",\"Score\":0}", "{\"Host\":\"gpu-v100-node-1\",\"Score\":3}");
        }
    }

    @Test
    void bindRecordsThePlacementAndIsSafeToRetry() throws Exception {
        post("/filter", text("extender-filter-args-node-names.json"));
        // Each capture re-created the pod: bind the incarnation that was filtered (its UID).
        String filteredUid = fixture("extender-filter-args-node-names.json").getAsJsonObject("Pod").getAsJsonObject("metadata").get("uid")
                .getAsString();
        JsonObject args = fixture("extender-bind-args.json");
        args.addProperty("PodUID", filteredUid);
        String bind = args.toString();
        assertThat(json(post("/bind", bind)).get("Error").getAsString()).isEmpty();
        assertThat(json(post("/bind", bind)).get("Error").getAsString()).isEmpty();
        assertThat(state.snapshot().node("gpu-v100-node-1").orElseThrow().used("nvidia.com/gpu")).isEqualTo(2);
        assertThat(state.pod(filteredUid).nodeName()).isEqualTo("gpu-v100-node-1");

        // A pod never seen in a filter request cannot be bound by the embedded cluster, with a reason.
        assertThat(json(post("/bind", text("extender-bind-args-multi-container.json"))).get("Error").getAsString())
                .contains("was not seen in a filter request");
    }

    @Test
    void aPodWithAnInvalidRequestFailsEveryNodeWithTheParseError() throws Exception {
        String body = text("extender-filter-args-node-names.json").replace("\"2(V100)\"", "\"1.5(V100)\"");
        JsonObject reply = json(post("/filter", body));
        assertThat(reply.getAsJsonArray("NodeNames")).isEmpty();
        assertThat(reply.getAsJsonObject("FailedAndUnresolvableNodes").entrySet()).hasSize(2)
                .allSatisfy(e -> assertThat(e.getValue().getAsString()).contains("kubegpu.io/gpu '1.5(V100)' is invalid").contains("use 2"));
    }

    @Test
    void badRequestsGetAClearErrorAndTheServerKeepsServing() throws Exception {
        assertThat(post("/filter", "{\"Pod\":").statusCode()).isEqualTo(400);
        assertThat(json(post("/filter", "{\"Pod\":")).get("Error").getAsString()).startsWith("malformed JSON at byte");
        assertThat(json(post("/filter", "{\"NodeNames\":[\"a\"]}")).get("Error").getAsString()).isEqualTo("the request has no Pod");
        assertThat(json(post("/filter", "[]")).get("Error").getAsString()).startsWith("expected an ExtenderArgs object");
        assertThat(json(post("/filter", "")).get("Error").getAsString()).isEqualTo("empty request body");
        assertThat(json(post("/bind", "{\"PodName\":\"p\"}")).get("Error").getAsString()).contains("bind needs PodName, PodNamespace and Node");
        // Where the body breaks, not which of our classes noticed (the message was once "java.io.EOFException: …").
        assertThat(json(post("/bind", "{\"Pod\":")).get("Error").getAsString()).isEqualTo("malformed JSON: End of input at line 1 column 8 path $.Pod");
        assertThat(json(post("/bind", "{\"Pod\":\"\\uZZ\"}")).get("Error").getAsString()).startsWith("malformed JSON: Malformed Unicode escape")
                .doesNotContain("gson").doesNotContain("Exception");
        assertThat(json(post("/filter", "{\"Pod\":{\"metadata\":{\"name\":\"\\uZZ\"}}}")).get("Error").getAsString())
                .isEqualTo("malformed JSON at byte 31: Unexpected character ('Z' (code 90)): expected a hex-digit for character escape sequence");
        HttpResponse<Buffer> unknown = post("/evict", "{}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("Error").getAsString()).contains("unknown extender verb 'evict'; use filter, prioritize, preempt or bind");
        assertThat(post("/preempt", "{}").statusCode()).isEqualTo(400);
        assertThat(get("/filter").statusCode()).isEqualTo(405);
        HttpResponse<Buffer> huge = post("/filter", "{\"Pod\":\"" + "x".repeat((int) BODY_LIMIT) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(json(huge).get("Error").getAsString()).contains("larger than the limit");
        // Still serving.
        assertThat(post("/filter", text("extender-filter-args-node-names.json")).statusCode()).isEqualTo(200);
    }

    @Test
    void requestEnvelopeNamesAreCaseInsensitiveLikeGosDecoder() throws Exception {
        String body = text("extender-filter-args-node-names.json").replace("\"Pod\"", "\"pod\"").replace("\"NodeNames\"", "\"nodeNames\"");
        assertThat(json(post("/filter", body)).getAsJsonArray("NodeNames").toString()).isEqualTo("[\"gpu-v100-node-1\"]");
    }

    @Test
    void healthReadinessAndMetrics() throws Exception {
        assertThat(get("/healthz").bodyAsString()).isEqualTo("ok");
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        state.markSynced(false);
        assertThat(get("/readyz").statusCode()).isEqualTo(503);
        state.markSynced(true);

        post("/filter", text("extender-filter-args-node-names.json"));
        String metrics = get("/metrics").bodyAsString();
        assertThat(metrics).contains("kubegpu_extender_request_duration_seconds_bucket{verb=\"filter\",le=\"1.0E-4\"}")
                .contains("kubegpu_extender_request_duration_seconds_bucket{verb=\"filter\",le=\"5.0\"}")
                .contains("kubegpu_extender_decisions_total{outcome=\"fits\",verb=\"filter\"} 1.0")
                .contains("kubegpu_extender_node_rejections_total{kind=\"unresolvable\"} 1.0")
                .contains("kubegpu_cluster_snapshot_age_seconds")
                .doesNotContain("quantile=");
    }

    @Test
    void everyVerbRefusesToDecideUntilTheStateIsSyncedAgain() throws Exception {
        // A restart or a relist: the state may lack pods bound meanwhile, so no GPU may be handed out from it.
        state.markSynced(false);
        HttpResponse<Buffer> filter = post("/filter", text("extender-filter-args-node-names.json"));
        assertThat(filter.statusCode()).isEqualTo(200);
        assertThat(json(filter).get("Error").getAsString()).contains("not synced");
        assertThat(json(filter).has("NodeNames")).isFalse();
        assertThat(post("/prioritize", text("extender-prioritize-args-node-names.json")).statusCode()).isEqualTo(503);
        HttpResponse<Buffer> bind = post("/bind", text("extender-bind-args.json"));
        assertThat(json(bind).get("Error").getAsString()).contains("not synced");
        assertThat(get("/metrics").bodyAsString()).contains("kubegpu_extender_decisions_total{outcome=\"not_synced\",verb=\"filter\"} 1.0");

        state.markSynced(true);
        assertThat(json(post("/filter", text("extender-filter-args-node-names.json"))).getAsJsonArray("NodeNames").toString())
                .isEqualTo("[\"gpu-v100-node-1\"]");
    }

    @Test
    void aBadEscapeInNodeNamesIsABadRequestNotAnInternalError() throws Exception {
        String body = text("extender-filter-args-node-names.json").replace("\"gpu-v100-node-1\"", "\"gpu-\\x-node\"");
        HttpResponse<Buffer> response = post("/filter", body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("Error").getAsString()).contains("NodeNames").contains("invalid escape")
                .doesNotContain("Exception").doesNotContain("com.google");
    }

    @Test
    void explainReturnsTheLastDecisionPerNode() throws Exception {
        assertThat(get("/explain/ml-team/resnet50-trainer-0").statusCode()).isEqualTo(404);
        post("/filter", text("extender-filter-args-node-names.json"));
        post("/prioritize", text("extender-prioritize-args-node-names.json"));
        JsonObject explanation = json(get("/explain/ml-team/resnet50-trainer-0"));
        assertThat(explanation.getAsJsonObject("filter").get("demand").getAsString()).isEqualTo("2(V100)");
        assertThat(explanation.getAsJsonObject("filter").getAsJsonArray("nodes").toString())
                .contains("\"node\":\"gpu-a100-node-1\",\"outcome\":\"unresolvable\",\"reason\":\"node has A100-80GB, the pod needs V100\"");
        assertThat(explanation.getAsJsonObject("prioritize").getAsJsonArray("nodes")).hasSize(2);
    }
}
