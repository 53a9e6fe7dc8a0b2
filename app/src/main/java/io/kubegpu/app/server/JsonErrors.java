package io.kubegpu.app.server;

import io.kubegpu.api.LogSafe;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers Vert.x would otherwise give itself — an HTML 404 page, an empty 405, a bare "Bad Request" — in the JSON
 * error shape of the listener's own API, so every answer to bad input is a status and a JSON error a client can read,
 * and a failure inside a handler shows no internals (its details go to the log).
 */
final class JsonErrors {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrors.class);

    private JsonErrors() {
    }

    /** Installs the handlers on {@code router}; install them before routes that set their own (the extender's 413). */
    static void install(Router router, RequestLimits.ErrorReply reply) {
        router.errorHandler(400, ctx -> send(ctx, reply, 400, "bad request"));
        router.errorHandler(404, ctx -> send(ctx, reply, 404, "no route for " + ctx.request().method().name() + " " + path(ctx)));
        router.errorHandler(405, ctx -> send(ctx, reply, 405, ctx.request().method().name() + " is not allowed on " + path(ctx)));
        router.errorHandler(413, ctx -> send(ctx, reply, 413, "request body too large"));
        router.errorHandler(500, ctx -> {
            if (ctx.failure() != null) {
                LOG.error("{} {} failed", ctx.request().method().name(), LogSafe.quote(ctx.request().path()), ctx.failure());
            }
            send(ctx, reply, 500, "internal error; the server's log has the details");
        });
    }

    private static String path(RoutingContext ctx) {
        String path = ctx.request().path();
        return path == null ? "(no path)" : path.length() > 200 ? path.substring(0, 200) + "…" : path;
    }

    private static void send(RoutingContext ctx, RequestLimits.ErrorReply reply, int status, String message) {
        if (ctx.response().ended()) {
            return;
        }
        if (ctx.response().headWritten()) {
            ctx.response().reset(); // Half an answer already went out: the only honest ending is a broken one.
            return;
        }
        // A failed request may have left headers of its own (an Allow header on 405 is kept: it is useful).
        ctx.response().headers().remove("Content-Type");
        reply.send(ctx, status, message);
    }
}
