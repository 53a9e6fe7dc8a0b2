package io.kubegpu.console.http;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The pages' files, read from the jar once into memory: the console's own HTML, script and style, and uPlot from its
 * webjar. Nothing is fetched from anywhere else (clusters are often air-gapped), and nothing outside this list is served.
 */
final class StaticAssets {
    private static final String OWN = "/io/kubegpu/console/web/";
    private static final String UPLOT = "META-INF/resources/webjars/uplot/";
    private static final String UPLOT_VERSION = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";

    /** An asset: its bytes and content type. */
    record Asset(Buffer body, String contentType) {
    }

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    StaticAssets() {
        put("/", OWN + "index.html", "text/html; charset=utf-8");
        put("/assets/console.js", OWN + "console.js", "application/javascript; charset=utf-8");
        put("/assets/console.css", OWN + "console.css", "text/css; charset=utf-8");
        put("/assets/favicon.svg", OWN + "favicon.svg", "image/svg+xml");
        put("/favicon.ico", OWN + "favicon.svg", "image/svg+xml");
        String uplot = "/" + UPLOT + uplotVersion() + "/dist/";
        put("/assets/uPlot.iife.min.js", uplot + "uPlot.iife.min.js", "application/javascript; charset=utf-8");
        put("/assets/uPlot.min.css", uplot + "uPlot.min.css", "text/css; charset=utf-8");
    }

    private void put(String path, String resource, String type) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            assets.put(path, new Asset(Buffer.buffer(in.readAllBytes()), type));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String uplotVersion() {
        try (InputStream in = StaticAssets.class.getResourceAsStream(UPLOT_VERSION)) {
            if (in == null) {
                throw new IllegalStateException("uPlot's webjar is missing from the class path");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<String, Asset> all() {
        return assets;
    }
}
