package io.kubegpu.scorer.http;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code /docs}: the OpenAPI 3 description of the scorer's API ({@code openapi/scorer.yaml}, plus the paths and tags of
 * any other documents given, such as the extender's routes) at {@code /openapi.json}, and Swagger UI to explore it, its
 * files served from the webjar inside the jar: no CDN, since clusters are often air-gapped. The viewer's files are read
 * once into memory rather than through Vert.x's file cache, which would need a writable disk the chart does not give.
 */
public final class ApiDocs {
    static final String SCORER_DOCUMENT = "/io/kubegpu/scorer/openapi/scorer.yaml";
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final String WEBJAR_VERSION = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
    /** The viewer's files a page needs; nothing else of the webjar is served. */
    private static final Map<String, String> ASSETS = Map.of("swagger-ui.css", "text/css", "swagger-ui-bundle.js",
            "application/javascript", "swagger-ui-standalone-preset.js", "application/javascript", "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png");
    /** Relative links, so the page also works behind a proxy that adds a path prefix. */
    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>GPU utilization scorer API</title>
              <link rel="stylesheet" href="docs/swagger-ui.css">
              <link rel="icon" type="image/png" href="docs/favicon-32x32.png" sizes="32x32">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="docs/swagger-ui-bundle.js"></script>
              <script src="docs/swagger-ui-standalone-preset.js"></script>
              <script>
                window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#swagger-ui", deepLinking: true,
                  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"});
              </script>
            </body>
            </html>
            """;

    private final String json;
    private final Map<String, Buffer> assets = new ConcurrentHashMap<>();

    /** @param extraDocuments class-path resources whose {@code tags}, {@code paths} and {@code components} join the scorer's document */
    public ApiDocs(String version, List<String> extraDocuments) {
        JsonObject document = load(SCORER_DOCUMENT);
        document.getAsJsonObject("info").addProperty("version", version);
        for (String extra : extraDocuments) {
            JsonObject more = load(extra);
            if (more.has("tags")) {
                document.getAsJsonArray("tags").addAll(more.getAsJsonArray("tags"));
            }
            if (more.has("paths")) {
                more.getAsJsonObject("paths").entrySet().forEach(e -> document.getAsJsonObject("paths").add(e.getKey(), e.getValue()));
            }
            if (more.has("components")) {
                // Shared parameters and responses the document's paths refer to, kept under their own names.
                if (!document.has("components")) {
                    document.add("components", new JsonObject());
                }
                JsonObject components = document.getAsJsonObject("components");
                more.getAsJsonObject("components").entrySet().forEach(kind -> {
                    if (!components.has(kind.getKey())) {
                        components.add(kind.getKey(), new JsonObject());
                    }
                    kind.getValue().getAsJsonObject().entrySet().forEach(e -> components.getAsJsonObject(kind.getKey()).add(e.getKey(), e.getValue()));
                });
            }
        }
        this.json = document.toString();
    }

    /** The whole document as JSON. */
    public String json() {
        return json;
    }

    public void mount(Router router) {
        router.get("/openapi.json").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(json));
        router.get("/docs").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").end(PAGE));
        router.get("/docs/:file").handler(this::asset);
    }

    private void asset(RoutingContext ctx) {
        String file = ctx.pathParam("file");
        String type = ASSETS.get(file);
        if (type == null) {
            // Not a bare 404: the listener's error handler answers it in the API's JSON error shape.
            ctx.fail(404);
            return;
        }
        Buffer bytes = assets.computeIfAbsent(file, ApiDocs::readAsset);
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type).putHeader(HttpHeaders.CACHE_CONTROL, "max-age=3600").end(bytes);
    }

    private static Buffer readAsset(String file) {
        try (InputStream in = resource("/" + WEBJAR + webjarVersion() + "/" + file)) {
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String webjarVersion() throws IOException {
        try (InputStream in = resource(WEBJAR_VERSION)) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        }
    }

    private static JsonObject load(String name) {
        try (InputStream in = resource(name)) {
            Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            JsonElement tree = new Gson().toJsonTree(yaml);
            return tree.getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = ApiDocs.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("the class path has no " + name);
        }
        return in;
    }
}
