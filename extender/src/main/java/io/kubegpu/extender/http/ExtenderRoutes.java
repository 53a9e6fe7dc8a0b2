package io.kubegpu.extender.http;

import io.kubegpu.api.LogSafe;
import io.kubegpu.extender.bind.Binder;
import io.kubegpu.extender.bind.PodCache;
import io.kubegpu.extender.service.ExplainStore;
import io.kubegpu.extender.service.ExtenderMetrics;
import io.kubegpu.extender.service.ExtenderService;
import io.kubegpu.extender.wire.BindArgs;
import io.kubegpu.extender.wire.ExtenderArgs;
import io.kubegpu.extender.wire.ExtenderCodec;
import io.kubegpu.extender.wire.MalformedRequestException;
import io.kubegpu.extender.wire.PreemptArgs;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extender's HTTP surface: {@code POST <prefix>/filter|prioritize|preempt|bind} as kube-scheduler calls
 * them, and {@code GET /explain/{namespace}/{pod}}. Every error is a JSON {@code {"Error":"…"}} with a
 * 4xx status for bad input; the server keeps serving.
 */
public final class ExtenderRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ExtenderRoutes.class);
    /** Bodies above this are decoded on a worker thread, not the event loop (full Node objects at scale). */
    private static final int EVENT_LOOP_BODY_LIMIT = 256 * 1024;
    private static final String JSON = "application/json";
    /**
     * Threads for binds, which wait on the API server's write of the Binding. kube-scheduler sends binds concurrently
     * (a goroutine per pod), so they are not throttled here: on Vert.x's shared pool of 20 workers, shares at 390 pods/s
     * queued behind one another, and our bind p50 was 42–220 ms while the API server's own handling of the same writes
     * was 26–31 ms (its apiserver_request_duration_seconds, same run). The pool's queue and use show in the
     * {@code vertx_pool_*} metrics under {@value #BIND_POOL}.
     */
    static final int BIND_THREADS = 128;
    static final String BIND_POOL = "extender-bind";

    private final Vertx vertx;
    private final ExtenderService service;
    private final ExtenderCodec codec;
    private final Binder binder;
    private final PodCache pods;
    private final ExplainStore explanations;
    private final ExtenderMetrics metrics;
    private final WorkerExecutor bindWorkers;

    public ExtenderRoutes(Vertx vertx, ExtenderService service, ExtenderCodec codec, Binder binder, PodCache pods,
                          ExplainStore explanations, ExtenderMetrics metrics) {
        this.vertx = vertx;
        this.service = service;
        this.codec = codec;
        this.binder = binder;
        this.pods = pods;
        this.explanations = explanations;
        this.metrics = metrics;
        // Shared by name: every mount in this Vert.x instance binds on the one pool.
        this.bindWorkers = vertx.createSharedWorkerExecutor(BIND_POOL, BIND_THREADS);
    }

    /** The reply while the cluster state is not synced: kube-scheduler treats it as a failed attempt and retries the pod. */
    static final String NOT_SYNCED = "the GPU extender's cluster state is not synced with the API server yet (starting, or relisting "
            + "after a watch was lost); no GPU decision is made until it is, and kube-scheduler retries the pod";

    /**
     * Mounts the verbs on {@code router} under {@code prefix} (e.g. {@code /gpu-scheduler}, or empty). Until
     * {@code synced} holds, every verb answers an error instead of deciding: a decision on a partial state could give a
     * GPU that is taken. Mount health and metrics first: with an empty prefix the verb routes sit at the root.
     */
    public void mount(Router router, String prefix, long bodyLimitBytes, BooleanSupplier synced) {
        String base = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        BodyHandler body = BodyHandler.create(false).setBodyLimit(bodyLimitBytes);
        // The protocol is JSON whatever the Content-Type says; a form type would make the body handler parse a form.
        router.post(base + "/*").order(-1).handler(ctx -> {
            ctx.request().headers().set("Content-Type", JSON);
            ctx.next();
        });
        router.post(base + "/filter").handler(body).handler(ctx -> answer(ctx, "filter", synced, () -> {
            ExtenderArgs args = codec.readArgs(bytes(ctx));
            pods.remember(args.pod());
            ExtenderService.FilterResult result = service.filter(args);
            return io.vertx.core.buffer.Buffer.buffer(codec.filterReply(args, result.verdicts(), result.chosen(), result.error()));
        }));
        router.post(base + "/prioritize").handler(body).handler(ctx -> answer(ctx, "prioritize", synced, () -> {
            ExtenderArgs args = codec.readArgs(bytes(ctx));
            return io.vertx.core.buffer.Buffer.buffer(codec.prioritizeReply(args.names(), service.prioritize(args)));
        }));
        router.post(base + "/preempt").handler(body).handler(ctx -> answer(ctx, "preempt", synced, () -> {
            PreemptArgs args = codec.readPreempt(bytes(ctx));
            return io.vertx.core.buffer.Buffer.buffer(codec.preemptReply(service.preempt(args)));
        }));
        router.post(base + "/bind").handler(body).handler(ctx -> {
            Timer.Sample sample = Timer.start();
            BindArgs args;
            try {
                args = codec.readBind(bytes(ctx));
            } catch (MalformedRequestException e) {
                badRequest(ctx, "bind", e.getMessage());
                return;
            }
            if (!synced.getAsBoolean()) {
                metrics.decision("bind", "not_synced");
                reply(ctx, 200, codec.errorReply(NOT_SYNCED));
                return;
            }
            // Binding talks to the API server: never on the event loop, and on the binds' own pool.
            bindWorkers.executeBlocking(() -> binder.bind(args), false).onComplete(result -> {
                sample.stop(metrics.latency("bind"));
                if (result.failed()) {
                    LOG.warn("bind {} to {} failed", LogSafe.quote(args.podKey()), LogSafe.quote(args.node()), result.cause());
                    metrics.decision("bind", "error");
                    reply(ctx, 200, codec.errorReply("binding " + args.podKey() + " to " + args.node() + " failed: " + result.cause().getMessage()));
                    return;
                }
                String error = result.result();
                metrics.decision("bind", error.isEmpty() ? "bound" : "refused");
                reply(ctx, 200, codec.errorReply(error));
            });
        });
        router.post(base + "/:verb").handler(ctx -> reply(ctx, 404, codec.errorReply("unknown extender verb '" + ctx.pathParam("verb")
                + "'; use filter, prioritize, preempt or bind")));
        router.routeWithRegex(java.util.regex.Pattern.quote(base) + "/(filter|prioritize|preempt|bind)").handler(ctx ->
                reply(ctx, 405, codec.errorReply("extender verbs take POST, not " + ctx.request().method().name())));
        router.errorHandler(413, ctx -> reply(ctx, 413, codec.errorReply("request body is larger than the limit of " + bodyLimitBytes
                + " bytes; raise --body-limit-mb")));
    }

    /** {@code GET /explain/{namespace}/{pod}}: read-only, so it may sit on the listener probes and metrics use. */
    public void mountExplain(Router router) {
        router.get("/explain/:namespace/:pod").handler(ctx -> {
            String key = ctx.pathParam("namespace") + "/" + ctx.pathParam("pod");
            explanations.get(key).ifPresentOrElse(record -> reply(ctx, 200, record.toString()),
                    () -> reply(ctx, 404, codec.errorReply("no decision recorded for pod " + key + " (decisions are kept for an hour, "
                            + "and in a burst only the latest: about the last 870 pods at 230 candidate nodes)")));
        });
    }

    private void answer(RoutingContext ctx, String verb, BooleanSupplier synced, Callable<io.vertx.core.buffer.Buffer> work) {
        if (!synced.getAsBoolean()) {
            metrics.decision(verb, "not_synced");
            // Filter: an Error kube-scheduler retries. Prioritize: a non-200, which it logs and ignores (no score). Preempt: a
            // non-200 (its reply has no Error field), which fails this preemption attempt; the pod is retried.
            reply(ctx, verb.equals("filter") ? 200 : 503, codec.errorReply(NOT_SYNCED));
            return;
        }
        Timer.Sample sample = Timer.start();
        Future<io.vertx.core.buffer.Buffer> result = ctx.body().length() > EVENT_LOOP_BODY_LIMIT ? vertx.executeBlocking(work, false) : run(work);
        result.onComplete(done -> {
            sample.stop(metrics.latency(verb));
            if (done.succeeded()) {
                ctx.response().setStatusCode(200).putHeader("Content-Type", JSON).end(done.result());
            } else if (done.cause() instanceof MalformedRequestException malformed) {
                badRequest(ctx, verb, malformed.getMessage());
            } else {
                // A bug, not bad input: the details go to our log, not to the caller.
                LOG.error("{} failed", verb, done.cause());
                metrics.decision(verb, "error");
                reply(ctx, 500, codec.errorReply("internal error in " + verb + "; the extender's log has the details"));
            }
        });
    }

    private static <T> Future<T> run(Callable<T> work) {
        try {
            return Future.succeededFuture(work.call());
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
    }

    private void badRequest(RoutingContext ctx, String verb, String reason) {
        LOG.warn("bad {} request from {}: {}", verb, ctx.request().remoteAddress(), LogSafe.quote(reason));
        metrics.badRequest(verb);
        reply(ctx, 400, codec.errorReply(reason));
    }

    private static byte[] bytes(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
            throw new MalformedRequestException("empty request body");
        }
        return ctx.body().buffer().getBytes();
    }

    private static void reply(RoutingContext ctx, int status, String json) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(json);
    }

    /** {@code /healthz} (alive) and {@code /readyz} ({@code ready}: e.g. the cluster state has synced). */
    public static void mountHealth(Router router, BooleanSupplier ready, String notReady) {
        mountHealth(router, () -> ready.getAsBoolean() ? "" : notReady);
    }

    /** {@code /healthz} (alive) and {@code /readyz}: ready while {@code notReady} answers empty, else 503 with its reason. */
    public static void mountHealth(Router router, Supplier<String> notReady) {
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain").end("ok"));
        router.get("/readyz").handler(ctx -> {
            String reason = notReady.get();
            boolean yes = reason.isEmpty();
            ctx.response().setStatusCode(yes ? 200 : 503).putHeader("Content-Type", "text/plain").end(yes ? "ok" : reason);
        });
    }
}
