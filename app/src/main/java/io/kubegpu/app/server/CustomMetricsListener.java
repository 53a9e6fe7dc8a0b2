package io.kubegpu.app.server;

import io.kubegpu.scorer.metricsapi.CustomMetricsRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.Router;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS listener of custom.metrics.k8s.io. It asks every client for a certificate and accepts any in the handshake:
 * the routes check it against the front-proxy CA as it is now (the CA can rotate without a restart) and refuse requests
 * without one, with a Status the API server passes on.
 */
final class CustomMetricsListener {
    private static final Logger LOG = LoggerFactory.getLogger(CustomMetricsListener.class);
    private static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    /** Accepts any client chain at the handshake; {@link io.kubegpu.scorer.metricsapi.FrontProxyAuthentication} judges it. */
    private static final X509TrustManager ANY_CLIENT = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a server trust manager only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    private CustomMetricsListener() {
    }

    static HttpServer start(Vertx vertx, ServerSettings.CustomMetrics settings, CustomMetricsRoutes routes) throws Exception {
        Router router = Router.router(vertx);
        router.route().order(-100).handler(io.vertx.ext.web.handler.TimeoutHandler.create(Server.REQUEST_TIMEOUT_MS, 503));
        routes.mount(router);
        HttpServerOptions options = new HttpServerOptions().setHost(settings.listen().host()).setPort(settings.listen().port()).setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(settings.cert().toString()).setKeyPath(settings.key().toString()))
                .setTrustOptions(TrustOptions.wrap(ANY_CLIENT)).setClientAuth(ClientAuth.REQUEST)
                .setEnabledSecureTransportProtocols(PROTOCOLS).setIdleTimeout(Server.IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS);
        HttpServer server = vertx.createHttpServer(options).requestHandler(router).listen().toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        LOG.info("custom.metrics.k8s.io (v1beta1, v1beta2) listening on https://{}:{}", settings.listen().host(), server.actualPort());
        return server;
    }
}
