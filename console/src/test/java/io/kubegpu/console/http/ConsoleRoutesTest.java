package io.kubegpu.console.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.console.view.DecisionLookup;
import io.kubegpu.console.view.SampleCluster;
import io.kubegpu.extender.decision.Policy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The console's routes over HTTP: every route's JSON, every bad parameter named, the token, no internals, no secrets. */
class ConsoleRoutesTest {
    private final SampleCluster sample = new SampleCluster();
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<Console> consoles = new ArrayList<>();
    private int port;

    private record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        JsonObject json() {
            return JsonParser.parseString(body).getAsJsonObject();
        }
    }

    private Console start(ConsoleSettings settings, DecisionLookup decisions) throws Exception {
        ConsoleSources sources = new ConsoleSources(sample.state::snapshot, sample.pending::list, () -> null, decisions, sample.parser,
                sample.demands, sample.fit, sample.scorer, Policy.FRAGMENTATION, sample.view);
        Console console = new Console(vertx, sources, settings, registry, Clock.fixed(SampleCluster.NOW, ZoneOffset.UTC));
        consoles.add(console);
        Router router = Router.router(vertx);
        console.mount(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        port = server.actualPort();
        return console;
    }

    private Console start() throws Exception {
        return start(ConsoleSettings.defaults(), DecisionLookup.NONE);
    }

    @AfterEach
    void stop() throws Exception {
        consoles.forEach(Console::close);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Reply get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body(), response.headers());
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void everyRouteAnswersJson() throws Exception {
        start();
        assertThat(get("/api/v1/cluster/status").json().get("gpus").getAsInt()).isEqualTo(58);
        Reply nodes = get("/api/v1/cluster/nodes?model=T4&limit=1");
        assertThat(nodes.status()).isEqualTo(200);
        assertThat(nodes.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(nodes.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(nodes.json().get("total").getAsInt()).isEqualTo(2);
        assertThat(nodes.json().getAsJsonArray("nodes")).hasSize(1);
        assertThat(get("/api/v1/gpu/metrics?node=gpu-t4-1").json().getAsJsonArray("gpus")).hasSize(4);
        assertThat(get("/api/v1/teams").json().getAsJsonArray("namespaces")).hasSize(5);
        assertThat(get("/api/v1/pending?team=team-cv").json().get("total").getAsInt()).isEqualTo(1);
        assertThat(get("/api/v1/pending/team-cv/waiting-a100-80g").json().get("explanation").getAsString())
                .isEqualTo("1 node: all GPUs in use; it would fit on gpu-a100-80g-1 if team-llm/train-llama finished");
        JsonObject answer = get("/api/v1/whatif?request=" + q("2(V100)") + "&namespace=team-nlp&annotation=" + q("kubegpu.io/min-gpu-memory=40G"))
                .json();
        assertThat(answer.getAsJsonObject("placement").getAsJsonObject("node").get("node").getAsString()).isEqualTo("gpu-v100-1");
        JsonObject info = get("/api/v1/info").json();
        assertThat(info.get("trends").getAsString()).isEqualTo("memory");
        assertThat(info.get("decisions").getAsString()).startsWith("none");
        assertThat(info.getAsJsonArray("routes")).hasSize(ConsoleRoutes.ROUTES.size());
        JsonObject trends = get("/api/v1/trends?hours=2").json();
        assertThat(trends.get("source").getAsString()).isEqualTo("memory");
        assertThat(trends.get("hours").getAsInt()).isEqualTo(2);
        assertThat(trends.get("maxHours").getAsInt()).isEqualTo(48);
        assertThat(trends.getAsJsonArray("teams").toString()).contains("team-cv");
    }

    @Test
    void everyBadParameterIsA400NamingItsValueAndFix() throws Exception {
        start();
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("/api/v1/cluster/nodes?limit=abc", "limit");
        bad.put("/api/v1/cluster/nodes?limit=0", "limit");
        bad.put("/api/v1/cluster/nodes?state=sleepy", "state");
        bad.put("/api/v1/cluster/nodes?modle=T4", "modle");
        bad.put("/api/v1/cluster/nodes?limit=1&limit=2", "limit");
        bad.put("/api/v1/cluster/nodes?team=Team_CV", "team");
        bad.put("/api/v1/cluster/nodes?model=" + q("T4 or A100"), "model");
        bad.put("/api/v1/gpu/metrics?node=" + q("<script>"), "node");
        bad.put("/api/v1/gpu/metrics?offset=-1", "offset");
        bad.put("/api/v1/pending?limit=500", "limit");
        bad.put("/api/v1/teams?sort=gpus", "sort");
        bad.put("/api/v1/whatif", "request");
        bad.put("/api/v1/whatif?request=1&namespace=" + q("Team NLP"), "namespace");
        bad.put("/api/v1/whatif?request=1&annotation=nokey", "annotation");
        bad.put("/api/v1/whatif?request=1&annotation=" + q("kubegpu.io/policy=fast"), "annotation");
        bad.put("/api/v1/trends?hours=0", "hours");
        bad.put("/api/v1/trends?hours=49", "hours");
        bad.put("/api/v1/trends?hours=six", "hours");
        bad.put("/api/v1/cluster/nodes?node=" + "a".repeat(300), "node");
        for (var e : bad.entrySet()) {
            Reply reply = get(e.getKey());
            assertThat(reply.status()).as(e.getKey()).isEqualTo(400);
            JsonObject body = reply.json();
            assertThat(body.get("parameter").getAsString()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(body.has("error") && body.has("fix") && body.has("value")).as(e.getKey() + " " + body).isTrue();
        }
        JsonObject parse = get("/api/v1/whatif?request=1.5").json();
        assertThat(parse.get("error").getAsString()).isEqualTo("'1.5' is not a whole number of GPUs; use 2, or 0.5 for a share of one GPU");
        assertThat(parse.get("column").getAsInt()).isEqualTo(1);
        assertThat(parse.get("code").getAsString()).isEqualTo("FRACTIONAL_GPUS");
        assertThat(parse.get("value").getAsString()).isEqualTo("1.5");
    }

    @Test
    void unknownRoutesOtherMethodsAndGonePodsAreJsonToo() throws Exception {
        start();
        Reply unknown = get("/api/v1/nodes");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("fix").getAsString()).contains("/api/v1/cluster/nodes");
        Reply gone = get("/api/v1/pending/team-cv/long-gone");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("error").getAsString()).contains("team-cv/long-gone");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/whatif?request=1"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
        assertThat(JsonParser.parseString(post.body()).getAsJsonObject().get("error").getAsString()).contains("read-only");
    }

    @Test
    void aFailureInAViewIsA500ThatTellsNothingOfTheInternals() throws Exception {
        start(ConsoleSettings.defaults(), key -> {
            throw new IllegalStateException("internal detail /var/run/secrets/token");
        });
        Reply reply = get("/api/v1/pending");
        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.json().get("error").getAsString()).isEqualTo("the console could not build this view; the server's log has the details");
        assertThat(reply.body()).doesNotContain("internal detail").doesNotContain("IllegalStateException");
    }

    @Test
    void withATokenTheApiAsksForItAndThePagesStillLoad() throws Exception {
        start(ConsoleSettings.defaults().withToken("s3cr3t-t0ken"), DecisionLookup.NONE);
        Reply none = get("/api/v1/cluster/status");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("parameter").getAsString()).isEqualTo("Authorization");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(get("/api/v1/cluster/status", "Authorization", "Bearer guess").status()).isEqualTo(401);
        assertThat(get("/api/v1/nodes").status()).as("even where a route does not exist").isEqualTo(401);
        Reply ok = get("/api/v1/cluster/status", "Authorization", "Bearer s3cr3t-t0ken");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(get("/api/v1/cluster/status", "Authorization", "bearer s3cr3t-t0ken").status()).as("the scheme in any case").isEqualTo(200);
        assertThat(get("/api/v1/cluster/status", "Authorization", "Basic s3cr3t-t0ken").status()).isEqualTo(401);
        assertThat(get("/api/v1/cluster/status", "Authorization", "Bearer s3cr3t-t0ke").status()).isEqualTo(401);
        for (String path : List.of("/api/v1/info", "/api/v1/teams", "/api/v1/pending", "/api/v1/trends", "/api/v1/whatif?request=1")) {
            assertThat(get(path, "Authorization", "Bearer s3cr3t-t0ken").body()).as(path).doesNotContain("s3cr3t");
        }
        Reply page = get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"assets/console.js\"></script>").doesNotContain("s3cr3t");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'self'")
                .doesNotContain("unsafe"));
        assertThat(settingsText()).doesNotContain("s3cr3t");
    }

    private static String settingsText() {
        return ConsoleSettings.defaults().withToken("s3cr3t-t0ken").withPrometheus("http://user:pa55@prometheus:9090").toString();
    }

    @Test
    void prometheusUnreachableIsA502WithoutItsAddress() throws Exception {
        start(ConsoleSettings.defaults().withPrometheus("http://user:pa55@127.0.0.1:1"), DecisionLookup.NONE);
        Reply reply = get("/api/v1/trends?hours=24");
        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.body()).doesNotContain("pa55").doesNotContain("127.0.0.1:1");
        assertThat(reply.json().get("error").getAsString()).isEqualTo("Prometheus cannot be reached; the server's log has the details");
        assertThat(get("/api/v1/info").body()).contains("\"trends\":\"prometheus\"").doesNotContain("pa55");
        assertThat(get("/api/v1/trends?hours=700").status()).as("Prometheus keeps a month").isNotEqualTo(400);
    }

    @Test
    void thePagesAndChartsAreServedFromTheJar() throws Exception {
        start();
        assertThat(get("/assets/console.js").headers().firstValue("Content-Type")).hasValue("application/javascript; charset=utf-8");
        Reply uplot = get("/assets/uPlot.iife.min.js");
        assertThat(uplot.status()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot");
        assertThat(get("/assets/uPlot.min.css").body()).contains(".uplot");
        assertThat(get("/favicon.ico").headers().firstValue("Content-Type")).hasValue("image/svg+xml");
        // Nothing the pages load comes from elsewhere.
        for (String asset : List.of("/", "/assets/console.js", "/assets/console.css")) {
            assertThat(get(asset).body()).as(asset).doesNotContain("http://").doesNotContain("https://");
        }
    }

    @Test
    void samplesFeedTheHistoryAndTheNamespaceMetrics() throws Exception {
        Console console = start();
        console.sample();
        console.sample();
        assertThat(console.history().size()).isEqualTo(2);
        String metrics = registry.scrape();
        assertThat(metrics).contains("kubegpu_namespace_gpu_allocated{namespace=\"team-cv\"} 4.53")
                .contains("kubegpu_namespace_pending_gpu_pods{namespace=\"team-llm\"} 1.0").contains("kubegpu_pending_gpu_pods 2.0");
        JsonObject trends = get("/api/v1/trends?hours=1&team=team-cv").json();
        assertThat(trends.getAsJsonArray("points")).hasSize(2).first().satisfies(p -> {
            assertThat(p.getAsJsonObject().get("allocatedGpus").getAsDouble()).isEqualTo(4.53);
            assertThat(p.getAsJsonObject().get("pending").getAsDouble()).isEqualTo(1.0);
            assertThat(p.getAsJsonObject().has("allocation")).as("a team has no capacity of its own").isFalse();
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyRouteAndParameterIsInTheOpenApiDocument() throws Exception {
        Map<String, Object> document;
        try (InputStream in = getClass().getResourceAsStream("/io/kubegpu/console/openapi/console.yaml")) {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
        Map<String, Object> paths = (Map<String, Object>) document.get("paths");
        Map<String, Object> parameters = (Map<String, Object>) ((Map<String, Object>) document.get("components")).get("parameters");
        Set<String> documented = new TreeSet<>();
        ConsoleRoutes.ROUTES.forEach((route, params) -> {
            String path = route.replaceAll(":([a-z]+)", "{$1}");
            assertThat(paths).as(route).containsKey(path);
            documented.add(path);
            Map<String, Object> get = (Map<String, Object>) ((Map<String, Object>) paths.get(path)).get("get");
            Set<String> names = new TreeSet<>();
            for (Map<String, Object> p : (List<Map<String, Object>>) get.getOrDefault("parameters", List.of())) {
                Map<String, Object> resolved = p.containsKey("$ref") ? (Map<String, Object>) parameters.get(((String) p.get("$ref"))
                        .substring("#/components/parameters/".length())) : p;
                if ("query".equals(resolved.get("in"))) {
                    names.add((String) resolved.get("name"));
                }
            }
            assertThat(names).as(route).isEqualTo(new TreeSet<>(params));
        });
        assertThat(paths.keySet()).isEqualTo(documented);
    }
}
