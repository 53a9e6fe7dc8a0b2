package io.kubegpu.app.server;

import io.kubegpu.console.http.Console;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console's HTTP listener: its pages and {@code /api/v1/} on their own port, with {@code /healthz}. Health,
 * metrics and {@code /explain} stay on their own listeners, so a console token guards everything the console shows.
 */
final class ConsoleListener {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleListener.class);

    private ConsoleListener() {
    }

    static HttpServer start(Vertx vertx, ServerSettings.Endpoint endpoint, Console console) throws Exception {
        Router router = Router.router(vertx);
        router.route().order(-100).handler(TimeoutHandler.create(Server.REQUEST_TIMEOUT_MS, 503));
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain").end("ok"));
        console.mount(router);
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(endpoint.host()).setPort(endpoint.port())
                        .setCompressionSupported(true).setIdleTimeout(Server.IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS))
                .requestHandler(router).listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        String host = endpoint.host().equals("0.0.0.0") ? "localhost" : endpoint.host();
        LOG.info("console listening on http://{}:{}/ (JSON under /api/v1/)", host, server.actualPort());
        return server;
    }
}
