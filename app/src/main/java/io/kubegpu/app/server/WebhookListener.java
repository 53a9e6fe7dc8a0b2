package io.kubegpu.app.server;

import io.kubegpu.webhook.http.AdmissionRoutes;
import io.kubegpu.webhook.mutation.PodMutator;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admission webhook's HTTPS listener (the API server only calls webhooks over TLS). The PEM files are
 * checked every few seconds and reloaded when they change, so a rotated certificate (cert-manager)
 * takes effect without a restart and without dropping the listener.
 */
final class WebhookListener {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookListener.class);
    private static final long RELOAD_CHECK_MS = 5_000;

    private final HttpServer server;
    private final Path cert;
    private final Path key;
    private volatile String seen;

    private WebhookListener(HttpServer server, Path cert, Path key, String seen) {
        this.server = server;
        this.cert = cert;
        this.key = key;
        this.seen = seen;
    }

    static WebhookListener start(Vertx vertx, String host, int port, Path cert, Path key, PodMutator mutator, MeterRegistry registry,
                                 Router health) throws Exception {
        Router router = Router.router(vertx);
        router.route().subRouter(health);
        new AdmissionRoutes(mutator, registry).mount(router);
        HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setSsl(true)
                .setKeyCertOptions(pem(cert, key))
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
        HttpServer server = vertx.createHttpServer(options).requestHandler(router).listen().toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        WebhookListener listener = new WebhookListener(server, cert, key, fingerprint(cert, key));
        vertx.setPeriodic(RELOAD_CHECK_MS, id -> listener.reloadIfChanged());
        LOG.info("webhook listening on https://{}:{}/mutate", host, server.actualPort());
        return listener;
    }

    int port() {
        return server.actualPort();
    }

    HttpServer server() {
        return server;
    }

    /** Reloads the certificate when either file changed; keeps the old one if the new files do not load. */
    void reloadIfChanged() {
        String now;
        try {
            now = fingerprint(cert, key);
        } catch (IOException e) {
            LOG.warn("cannot read the webhook certificate files ({}); keeping the current certificate", e.getMessage());
            return;
        }
        if (now.equals(seen)) {
            return;
        }
        // Forced: the paths are unchanged, so without it Vert.x would consider the options equal and keep the old files.
        server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(pem(cert, key))
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3")), true).onComplete(done -> {
                    if (done.succeeded() && Boolean.TRUE.equals(done.result())) {
                        seen = now;
                        LOG.info("reloaded the webhook certificate from {}", cert);
                    } else {
                        LOG.warn("the new webhook certificate in {} did not load; keeping the current one: {}", cert,
                                done.cause() == null ? "rejected" : done.cause().getMessage());
                    }
                });
    }

    private static PemKeyCertOptions pem(Path cert, Path key) {
        return new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString());
    }

    private static String fingerprint(Path cert, Path key) throws IOException {
        FileTime certTime = Files.getLastModifiedTime(cert);
        FileTime keyTime = Files.getLastModifiedTime(key);
        return certTime + "/" + Files.size(cert) + "/" + keyTime + "/" + Files.size(key) + "/"
                + java.util.Arrays.hashCode(Files.readAllBytes(cert));
    }
}
