package io.kubegpu.app.it;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Pod;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for dcgm-exporter on the nodes of a test (no GPU here): at each scrape, one GPU per running pod of the
 * selector, labelled as dcgm-exporter labels a GPU in use by a pod, at the utilization the test sets.
 */
final class DcgmExporterStandIn implements AutoCloseable {
    private final HttpServer server;
    private volatile double utilization;

    private DcgmExporterStandIn(HttpServer server) {
        this.server = server;
    }

    static DcgmExporterStandIn start(Vertx vertx, ApiClient client, String namespace, String selector) throws Exception {
        DcgmExporterStandIn[] self = new DcgmExporterStandIn[1];
        HttpServer server = vertx.createHttpServer().requestHandler(request -> vertx.executeBlocking(() -> {
            StringBuilder out = new StringBuilder("# TYPE DCGM_FI_DEV_GPU_UTIL gauge\n");
            StringBuilder used = new StringBuilder("# TYPE DCGM_FI_DEV_FB_USED gauge\n");
            StringBuilder free = new StringBuilder("# TYPE DCGM_FI_DEV_FB_FREE gauge\n");
            int gpu = 0;
            for (V1Pod pod : TestPods.running(client, namespace, selector)) {
                String labels = String.format(Locale.ROOT, "{gpu=\"0\",UUID=\"GPU-%s\",device=\"nvidia0\",modelName=\"Tesla T4\",Hostname=\"node-%d\","
                        + "container=\"c\",namespace=\"%s\",pod=\"%s\"}", pod.getMetadata().getUid(), gpu++, namespace, pod.getMetadata().getName());
                double percent = self[0].utilization;
                out.append("DCGM_FI_DEV_GPU_UTIL").append(labels).append(' ').append(percent).append('\n');
                // 16 GiB cards with the same share of their memory in use as of their cores.
                used.append("DCGM_FI_DEV_FB_USED").append(labels).append(' ').append(16384 * percent / 100).append('\n');
                free.append("DCGM_FI_DEV_FB_FREE").append(labels).append(' ').append(16384 * (100 - percent) / 100).append('\n');
            }
            return out.append(used).append(free).toString();
        }, false).onComplete(done -> request.response().putHeader("Content-Type", "text/plain; version=0.0.4")
                .setStatusCode(done.succeeded() ? 200 : 500).end(done.succeeded() ? done.result() : String.valueOf(done.cause()))))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        self[0] = new DcgmExporterStandIn(server);
        return self[0];
    }

    String target() {
        return "127.0.0.1:" + server.actualPort();
    }

    void utilization(double percent) {
        utilization = percent;
    }

    @Override
    public void close() {
        server.close();
    }
}
