package io.kubegpu.scorer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.scorer.Scorer;
import io.kubegpu.scorer.run.SyntheticSource;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /docs}: every route the scorer registers is in its OpenAPI document, and the viewer is served from the jar. */
class ApiDocsTest {
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newHttpClient();
    private Scorer scorer;
    private Router router;
    private int port;

    @BeforeEach
    void start() throws Exception {
        scorer = Scorer.create(vertx, ScorerConfigLoader.load(Map.of()), new SyntheticSource(List.of()), GpuCatalog.builtIn(),
                new SimpleMeterRegistry(), Clock.systemUTC());
        router = Router.router(vertx);
        scorer.mount(router);
        port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        scorer.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** "GET /results/low"-style names of the routes on the router, path parameters as OpenAPI writes them. */
    private TreeSet<String> registered() {
        TreeSet<String> out = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            assertThat(route.getPath()).as("every scorer route has a plain path the document can name").isNotNull();
            String path = route.getPath().replaceAll(":([a-zA-Z]+)", "{$1}");
            for (HttpMethod method : route.methods()) {
                out.add(method.name() + " " + path);
            }
        }
        return out;
    }

    private static TreeSet<String> documented(JsonObject document, String tag) {
        TreeSet<String> out = new TreeSet<>();
        document.getAsJsonObject("paths").entrySet().forEach(path -> path.getValue().getAsJsonObject().entrySet().forEach(op -> {
            if (op.getValue().isJsonObject() && op.getValue().getAsJsonObject().has("tags")
                    && (tag == null || op.getValue().getAsJsonObject().getAsJsonArray("tags").toString().contains("\"" + tag + "\""))) {
                out.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return out;
    }

    @Test
    void everyRouteTheScorerRegistersIsDocumentedAndEveryScorerPathIsRegistered() throws Exception {
        JsonObject document = JsonParser.parseString(get("/openapi.json").body()).getAsJsonObject();
        assertThat(document.get("openapi").getAsString()).startsWith("3.");
        TreeSet<String> registered = registered();
        assertThat(registered).contains("GET /", "GET /health", "GET /analyze", "GET /results", "GET /results/low", "GET /results/stats",
                "GET /config", "POST /config/update", "GET /docs", "GET /openapi.json");
        assertThat(documented(document, null)).containsAll(registered);
        assertThat(registered).containsAll(documented(document, "scorer"));
        assertThat(document.getAsJsonObject("info").get("version").getAsString()).isEqualTo(BuildVersion.get()).doesNotContain("${");
    }

    @Test
    void theViewerIsServedFromTheJarWithoutAnyCdn() throws Exception {
        HttpResponse<String> page = get("/docs");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("docs/swagger-ui-bundle.js").contains("openapi.json").doesNotContain("://");
        HttpResponse<String> bundle = get("/docs/swagger-ui-bundle.js");
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.body()).contains("SwaggerUIBundle");
        assertThat(get("/docs/swagger-ui.css").statusCode()).isEqualTo(200);
        assertThat(get("/docs/swagger-ui-standalone-preset.js").statusCode()).isEqualTo(200);
        assertThat(get("/docs/index.html").statusCode()).as("only the viewer's files are served").isEqualTo(404);
        assertThat(get("/docs/..%2Fscorer.yaml").statusCode()).isEqualTo(404);
    }

    @Test
    void otherDocumentsAddTheirPathsAndTags() {
        ApiDocs docs = new ApiDocs("1.2.3", List.of("/io/kubegpu/scorer/openapi/test-extra.yaml"));
        JsonObject document = JsonParser.parseString(docs.json()).getAsJsonObject();
        assertThat(document.getAsJsonObject("paths").keySet()).contains("/results", "/filter");
        assertThat(document.getAsJsonArray("tags").toString()).contains("\"extender\"");
        assertThat(document.getAsJsonObject("info").get("version").getAsString()).isEqualTo("1.2.3");
    }
}
