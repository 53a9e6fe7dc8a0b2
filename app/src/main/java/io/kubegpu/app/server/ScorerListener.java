package io.kubegpu.app.server;

import io.kubegpu.catalog.GpuModel;
import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.scorer.Scorer;
import io.kubegpu.scorer.run.SyntheticSource;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The utilization scorer's HTTP listener: the monitor's REST API and its {@code /docs} next to {@code /healthz},
 * {@code /readyz} and {@code /metrics}, on its own port so it can be exposed to the platform while the extender stays on
 * loopback beside kube-scheduler.
 */
final class ScorerListener {
    private static final Logger LOG = LoggerFactory.getLogger(ScorerListener.class);
    /** The extender's and webhook's routes, listed beside the scorer's in /docs; edit it with those routes. */
    static final String EXTENDER_ROUTES = "/io/kubegpu/app/openapi/extender.yaml";
    /** The console's /api/v1 routes, listed in /docs too (a test holds the console's routes against it). */
    static final String CONSOLE_ROUTES = "/io/kubegpu/console/openapi/console.yaml";

    private ScorerListener() {
    }

    static HttpServer start(Vertx vertx, ServerSettings.Endpoint endpoint, Scorer scorer, Router health,
                            io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> limits) throws Exception {
        Router router = Router.router(vertx);
        JsonErrors.install(router, Server::plainError);
        router.route().order(-100).handler(io.vertx.ext.web.handler.TimeoutHandler.create(Server.REQUEST_TIMEOUT_MS, 503));
        // Bodies are bounded before they are read, as on the other listeners (chunked uploads included).
        router.route().order(-99).handler(limits);
        router.route().subRouter(health);
        scorer.mount(router, List.of(EXTENDER_ROUTES, CONSOLE_ROUTES));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(endpoint.host()).setPort(endpoint.port())
                        .setCompressionSupported(true).setIdleTimeout(Server.IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS))
                .requestHandler(router).listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.info("scorer listening on http://{}:{} (/results, /results/low, /results/stats, /health, /analyze, /config; API docs at /docs)",
                endpoint.host(), server.actualPort());
        return server;
    }

    /**
     * The demo's GPUs as dcgm-exporter with the default selector ({@code pod!=""}) would show them: the GPUs
     * held by pods — a shared pod's assigned GPUs, a whole-GPU pod's count of GPUs given in order (the
     * embedded cluster has no device assignment to read).
     */
    static List<SyntheticSource.SyntheticGpu> syntheticGpus(ClusterSnapshot snapshot) {
        List<SyntheticSource.SyntheticGpu> out = new ArrayList<>();
        for (NodeState node : snapshot.nodes()) {
            if (node.node().model() == null || node.node().gpuCount() == 0) {
                continue;
            }
            GpuModel model = node.node().model().smallest();
            String product = model.aliases().isEmpty() ? model.id() : model.aliases().get(0);
            int nextWhole = 0;
            java.util.Set<Integer> given = new java.util.HashSet<>();
            for (GpuPod pod : node.pods()) {
                if (!pod.holdsResources()) {
                    continue;
                }
                List<Integer> indices = new ArrayList<>();
                pod.slices().forEach(slice -> indices.add(slice.index()));
                if (indices.isEmpty()) {
                    long whole = pod.requests().entrySet().stream().filter(e -> e.getKey().endsWith("/gpu")).mapToLong(e -> e.getValue())
                            .max().orElse(0);
                    for (int n = 0; n < whole && nextWhole < node.node().gpuCount(); n++) {
                        while (given.contains(nextWhole)) {
                            nextWhole++;
                        }
                        indices.add(nextWhole++);
                    }
                }
                for (int index : indices) {
                    given.add(index);
                    out.add(new SyntheticSource.SyntheticGpu(node.name(), index, product, model.memoryMiB(), model.powerWatts(), pod.name(),
                            pod.namespace()));
                }
            }
        }
        return out;
    }
}
