package io.kubegpu.app.server;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the memory that request bodies may take, before any body is read. Every body with content must declare its
 * length (kube-scheduler, the API server and Prometheus all do); a body over the route's limit is refused with 413,
 * and one that would take the process's in-flight bodies over the shared budget with 503, so a few slow uploads of
 * large bodies cannot exhaust the heap. The reservation is returned when the response ends or the connection closes.
 */
final class RequestLimits {
    /** Writes an error reply in the shape of the listener's own API. */
    @FunctionalInterface
    interface ErrorReply {
        void send(RoutingContext ctx, int status, String message);
    }

    private final AtomicLong budget;
    private final long total;

    /** @param totalBytes the most body bytes all requests of the process may hold at once */
    RequestLimits(long totalBytes) {
        this.total = totalBytes;
        this.budget = new AtomicLong(totalBytes);
    }

    /** The budget for this JVM: a quarter of its heap, at most {@code ceiling}. */
    static RequestLimits forHeap(long ceiling) {
        return new RequestLimits(Math.max(1 << 20, Math.min(ceiling, Runtime.getRuntime().maxMemory() / 4)));
    }

    long available() {
        return budget.get();
    }

    /** A handler for a router whose bodies may be at most {@code perRequest} bytes. */
    Handler<RoutingContext> handler(long perRequest, ErrorReply reply) {
        return ctx -> {
            HttpMethod method = ctx.request().method();
            if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
                ctx.next();
                return;
            }
            String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (declared == null) {
                if (ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
                    reply.send(ctx, 411, "send the request body with a Content-Length header");
                } else {
                    ctx.next(); // No body at all.
                }
                return;
            }
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                reply.send(ctx, 400, "Content-Length '" + declared + "' is not a number");
                return;
            }
            if (length < 0 || length > perRequest) {
                reply.send(ctx, 413, "request body of " + length + " bytes is larger than the limit of " + perRequest + " bytes");
                return;
            }
            if (!take(length)) {
                reply.send(ctx, 503, "too many large requests in flight (" + total + " bytes at most); try again");
                return;
            }
            ctx.addEndHandler(done -> budget.addAndGet(length));
            ctx.next();
        };
    }

    private boolean take(long length) {
        while (true) {
            long left = budget.get();
            if (left < length) {
                return false;
            }
            if (budget.compareAndSet(left, left - length)) {
                return true;
            }
        }
    }
}
