package io.kubegpu.app.server;

import io.kubegpu.app.server.ServerSettings.Endpoint;
import io.kubegpu.webhook.http.AdmissionRoutes;
import io.kubegpu.webhook.mutation.PodMutator;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admission webhook's HTTPS listener (the API server only calls webhooks over TLS). The PEM files are
 * checked every few seconds and reloaded when they change, so a rotated certificate (cert-manager)
 * takes effect without a restart and without dropping the listener. A new pair is used only when its key
 * signs what its certificate verifies: a writer that replaced one file and not yet the other, or a wrong key,
 * leaves the old pair serving.
 */
final class WebhookListener {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookListener.class);
    static final Duration RELOAD_CHECK = Duration.ofSeconds(5);
    private static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    private final Vertx vertx;
    private final HttpServer server;
    private final Path cert;
    private final Path key;
    private volatile String seen;

    private WebhookListener(Vertx vertx, HttpServer server, Path cert, Path key, String seen) {
        this.vertx = vertx;
        this.server = server;
        this.cert = cert;
        this.key = key;
        this.seen = seen;
    }

    static WebhookListener start(Vertx vertx, Endpoint endpoint, Path cert, Path key, PodMutator mutator, MeterRegistry registry,
                                 Router health, Handler<RoutingContext> limits, Periodic periodic) throws Exception {
        PemKeyCertOptions pem = pem(cert, key);
        String problem = mismatch(vertx, pem);
        if (problem != null) {
            throw new IOException("the webhook certificate " + cert + " and key " + key + " do not go together: " + problem);
        }
        Router router = Router.router(vertx);
        JsonErrors.install(router, WebhookListener::error);
        router.route().order(-100).handler(TimeoutHandler.create(Server.REQUEST_TIMEOUT_MS, 503));
        router.route().order(-99).handler(limits);
        router.route().subRouter(health);
        new AdmissionRoutes(mutator, registry).mount(router);
        HttpServerOptions options = new HttpServerOptions().setHost(endpoint.host()).setPort(endpoint.port()).setSsl(true)
                .setKeyCertOptions(pem).setEnabledSecureTransportProtocols(PROTOCOLS)
                .setIdleTimeout(Server.IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS);
        HttpServer server = vertx.createHttpServer(options).requestHandler(router).listen().toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        WebhookListener listener = new WebhookListener(vertx, server, cert, key, fingerprint(cert, key));
        periodic.every(RELOAD_CHECK, listener::reloadIfChanged);
        LOG.info("webhook listening on https://{}:{}/mutate", endpoint.host(), server.actualPort());
        return listener;
    }

    int port() {
        return server.actualPort();
    }

    HttpServer server() {
        return server;
    }

    /** The error body of the webhook's surface: {@code {"error":"…"}}. */
    static void error(RoutingContext ctx, int status, String message) {
        com.google.gson.JsonObject body = new com.google.gson.JsonObject();
        body.addProperty("error", message);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
    }

    /** Reloads the certificate when either file changed and the new pair is usable; keeps the old one otherwise. */
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
        PemKeyCertOptions pem = pem(cert, key);
        String problem = mismatch(vertx, pem);
        if (problem != null) {
            // Not remembered as seen: a writer that is half-way through is checked again at the next tick.
            LOG.warn("the new webhook certificate in {} is not usable yet, keeping the current one: {}", cert, problem);
            return;
        }
        // Forced: the paths are unchanged, so without it Vert.x would consider the options equal and keep the old files.
        server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(pem).setEnabledSecureTransportProtocols(PROTOCOLS), true)
                .onComplete(done -> {
                    if (done.succeeded() && Boolean.TRUE.equals(done.result())) {
                        seen = now;
                        LOG.info("reloaded the webhook certificate from {}", cert);
                    } else {
                        LOG.warn("the new webhook certificate in {} did not load; keeping the current one: {}", cert,
                                done.cause() == null ? "rejected" : done.cause().getMessage());
                    }
                });
    }

    /**
     * Null when the key and the first certificate of the chain belong together (the key signs a random challenge that the
     * certificate's public key verifies), else what is wrong.
     */
    static String mismatch(Vertx vertx, PemKeyCertOptions pem) {
        try {
            X509KeyManager manager = null;
            for (KeyManager candidate : pem.getKeyManagerFactory(vertx).getKeyManagers()) {
                if (candidate instanceof X509KeyManager x509) {
                    manager = x509;
                }
            }
            if (manager == null) {
                return "no key manager for the PEM files";
            }
            String alias = manager.chooseServerAlias("RSA", null, null);
            if (alias == null) {
                alias = manager.chooseServerAlias("EC", null, null);
            }
            if (alias == null) {
                return "no certificate and key found";
            }
            PrivateKey privateKey = manager.getPrivateKey(alias);
            X509Certificate[] chain = manager.getCertificateChain(alias);
            if (privateKey == null || chain == null || chain.length == 0) {
                return "no certificate and key found";
            }
            String algorithm = privateKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + privateKey.getAlgorithm();
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(privateKey);
            sign.update(challenge);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(chain[0].getPublicKey());
            verify.update(challenge);
            return verify.verify(signature) ? null : "the private key does not belong to the certificate";
        } catch (Exception e) {
            return Server.rootMessage(e);
        }
    }

    private static PemKeyCertOptions pem(Path cert, Path key) {
        return new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString());
    }

    private static String fingerprint(Path cert, Path key) throws IOException {
        FileTime certTime = Files.getLastModifiedTime(cert);
        FileTime keyTime = Files.getLastModifiedTime(key);
        return certTime + "/" + Files.size(cert) + "/" + keyTime + "/" + Files.size(key) + "/"
                + java.util.Arrays.hashCode(Files.readAllBytes(cert)) + "/" + java.util.Arrays.hashCode(Files.readAllBytes(key));
    }
}
