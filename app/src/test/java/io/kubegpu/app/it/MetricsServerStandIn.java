package io.kubegpu.app.it;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Pod;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for metrics-server (which needs kubelets, and none run here) the way NodeAgent stands in for the kubelet:
 * metrics.k8s.io/v1beta1 PodMetrics for the running pods a label selector picks, each container using {@code cpuMilli}
 * of CPU. In Kubernetes 1.20 an autoscaler refuses to scale down while any of its metrics is missing, so the test's
 * {@code cpu:50%} target needs it. Test code only: it checks no caller.
 */
final class MetricsServerStandIn implements AutoCloseable {
    private final HttpServer server;

    private MetricsServerStandIn(HttpServer server) {
        this.server = server;
    }

    static MetricsServerStandIn start(Vertx vertx, ApiClient client, String host, Path cert, Path key, int cpuMilli) throws Exception {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setHost(host).setPort(0)
                        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString())))
                .requestHandler(request -> {
                    String path = request.path();
                    if (path.equals("/apis/metrics.k8s.io/v1beta1")) {
                        request.response().putHeader("Content-Type", "application/json").end("""
                                {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"metrics.k8s.io/v1beta1","resources":[
                                 {"name":"pods","singularName":"","namespaced":true,"kind":"PodMetrics","verbs":["get","list"]}]}""");
                        return;
                    }
                    String[] parts = path.split("/");
                    // /apis/metrics.k8s.io/v1beta1/namespaces/NS/pods
                    if (parts.length != 7 || !parts[4].equals("namespaces") || !parts[6].equals("pods")) {
                        request.response().setStatusCode(404).end();
                        return;
                    }
                    String namespace = parts[5];
                    String selector = request.getParam("labelSelector", "");
                    vertx.executeBlocking(() -> {
                        JsonObject list = new JsonObject();
                        list.addProperty("kind", "PodMetricsList");
                        list.addProperty("apiVersion", "metrics.k8s.io/v1beta1");
                        list.add("metadata", new JsonObject());
                        JsonArray items = new JsonArray();
                        for (V1Pod pod : TestPods.running(client, namespace, selector)) {
                            JsonObject item = new JsonObject();
                            JsonObject metadata = new JsonObject();
                            metadata.addProperty("name", pod.getMetadata().getName());
                            metadata.addProperty("namespace", namespace);
                            item.add("metadata", metadata);
                            item.addProperty("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                            item.addProperty("window", "1s");
                            JsonArray containers = new JsonArray();
                            for (V1Container container : pod.getSpec().getContainers()) {
                                JsonObject usage = new JsonObject();
                                usage.addProperty("cpu", cpuMilli + "m");
                                usage.addProperty("memory", "64Mi");
                                JsonObject entry = new JsonObject();
                                entry.addProperty("name", container.getName());
                                entry.add("usage", usage);
                                containers.add(entry);
                            }
                            item.add("containers", containers);
                            items.add(item);
                        }
                        list.add("items", items);
                        return list.toString();
                    }, false).onComplete(done -> request.response().putHeader("Content-Type", "application/json")
                            .setStatusCode(done.succeeded() ? 200 : 500).end(done.succeeded() ? done.result() : String.valueOf(done.cause())));
                }).listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new MetricsServerStandIn(server);
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
