package io.kubegpu.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.app.server.Server;
import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.ControlPlaneAccess;
import io.kubegpu.cluster.it.Eventually;
import io.kubegpu.cluster.it.NodeAgent;
import io.kubegpu.cluster.it.TestCluster;
import io.kubegpu.controllers.ControllerHost;
import io.kubegpu.controllers.autoscale.AutoscaleController;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.vertx.core.Vertx;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GPU autoscaling end to end on the real control plane: a Deployment annotated {@code cpu:50%,gpu:60%} (1..4 replicas)
 * gets its autoscaler from our controller, the real HPA controller of kube-controller-manager reads container_gpu_usage
 * from our custom.metrics.k8s.io (behind the API server's aggregation layer, front-proxy certificate checked, access
 * reviewed) and CPU from a stand-in metrics-server, and the Deployment scales up when its pods' GPUs report 90 % (DCGM
 * series in a real Prometheus) and back down at 10 %.
 */
class GpuAutoscaleIT {
    private static final Duration WAIT = Duration.ofSeconds(150);

    private static ApiClient client;
    private static ControlPlaneAccess access;
    private static TestCluster cluster;
    private static Vertx vertx;
    private static ScrapingPrometheus prometheus;
    private static DcgmExporterStandIn exporter;
    private static MetricsServerStandIn metricsServer;
    private static NodeAgent agent;
    private static Server server;
    private static String node;
    private static final List<String> registered = new ArrayList<>();

    /** This machine's own IPv4 address: the API server may not dial loopback endpoints. */
    private static String ownAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        }
        throw new IllegalStateException("no non-loopback IPv4 address: the aggregation layer cannot reach a test API server");
    }

    /** A selector-less Service and Endpoints at {@code ip:port}, and the APIService of {@code group}/{@code version} behind it. */
    private static void aggregate(String service, String ip, int port, String group, String version, String caBundle, int priority) throws Exception {
        String ns = cluster.namespace;
        if (!registered.contains("service:" + service)) {
            access.call("POST", "/api/v1/namespaces/" + ns + "/services", """
                    {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s"},"spec":{"ports":[{"port":443,"targetPort":%d}]}}"""
                    .formatted(service, port));
            access.call("POST", "/api/v1/namespaces/" + ns + "/endpoints", """
                    {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"%s"},"subsets":[{"addresses":[{"ip":"%s"}],"ports":[{"port":%d}]}]}"""
                    .formatted(service, ip, port));
            registered.add("service:" + service);
        }
        String name = version + "." + group;
        access.call("POST", "/apis/apiregistration.k8s.io/v1/apiservices", """
                {"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"%s"},
                 "spec":{"group":"%s","version":"%s","service":{"namespace":"%s","name":"%s","port":443},"caBundle":"%s",
                  "groupPriorityMinimum":100,"versionPriority":%d}}""".formatted(name, group, version, ns, service, caBundle, priority));
        registered.add(name);
    }

    @BeforeAll
    static void start() throws Exception {
        client = ControlPlane.client();
        access = new ControlPlaneAccess();
        cluster = new TestCluster(client);
        vertx = Vertx.vertx();
        Path dir = Files.createTempDirectory("gpu-autoscale-it");
        String ip = ownAddress();
        TestCertificates certificates = TestCertificates.create(dir);
        String ns = cluster.namespace;

        exporter = DcgmExporterStandIn.start(vertx, client, ns, "app=infer");
        exporter.utilization(90);
        prometheus = ScrapingPrometheus.scraping(exporter.target(), dir);

        // The scorer's custom metrics API on this machine's address, and our controller, in one serve process.
        Map<String, String> env = Map.of("PROM_URL", prometheus.url().toString(), "INTERVAL", "3600");
        var scorer = new ServerSettings.ScorerRole(ServerSettings.Endpoint.loopback(0), ScorerConfigLoader.load(env), false)
                .withCustomMetrics(new ServerSettings.CustomMetrics(new ServerSettings.Endpoint(ip, 0),
                        certificates.serving("custom-metrics", "custom-metrics." + ns + ".svc"), certificates.key("custom-metrics"),
                        Duration.ofSeconds(3), Duration.ofSeconds(1)));
        var controllers = new ServerSettings.ControllersRole(List.of(new AutoscaleController(false, Duration.ofMinutes(10))),
                new ControllerHost.Election(ns, "autoscale-e2e", "e2e", Duration.ofSeconds(5)));
        server = Server.start(ServerSettings.embedded().withExtender(null).withSource(new ServerSettings.ClusterSource.Kubernetes(ControlPlane.kubeconfig()))
                .withScorer(scorer).withControllers(controllers));

        metricsServer = MetricsServerStandIn.start(vertx, client, ip, certificates.serving("metrics-server", "metrics-server." + ns + ".svc"),
                certificates.key("metrics-server"), 10);
        aggregate("custom-metrics", ip, server.customMetricsPort(), "custom.metrics.k8s.io", "v1beta1", certificates.caBundle(), 100);
        aggregate("custom-metrics", ip, server.customMetricsPort(), "custom.metrics.k8s.io", "v1beta2", certificates.caBundle(), 200);
        aggregate("metrics-server", ip, metricsServer.port(), "metrics.k8s.io", "v1beta1", certificates.caBundle(), 100);

        node = cluster.createNode("gpu-node", Map.of(), Map.of("cpu", "32", "memory", "128Gi"));
        agent = new NodeAgent(client, Set.of(node)).start();
        // Scale-down waits 5 s of stable recommendations (default 5 min); a new pod's CPU counts after 1 s of readiness.
        ControlPlane.startControllerManager("--horizontal-pod-autoscaler-downscale-stabilization=5s",
                "--horizontal-pod-autoscaler-cpu-initialization-period=10s", "--horizontal-pod-autoscaler-initial-readiness-delay=1s");
    }

    @AfterAll
    static void stop() throws Exception {
        ControlPlane.stopControllerManager();
        // APIServices first: one left behind without its server breaks discovery for every later client of this API server.
        for (String name : registered) {
            if (!name.startsWith("service:")) {
                try {
                    access.call("DELETE", "/apis/apiregistration.k8s.io/v1/apiservices/" + name, null);
                } catch (Exception e) {
                    // Best effort.
                }
            }
        }
        for (AutoCloseable closeable : new AutoCloseable[] {agent, server, metricsServer, prometheus, exporter}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int replicas() {
        try {
            var deployment = new AppsV1Api(client).readNamespacedDeployment("infer", cluster.namespace).execute();
            return deployment.getSpec().getReplicas();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String kubectl(String... args) throws Exception {
        Path kubectl = ControlPlane.kubeconfig().getParent().getParent().resolve("kubernetes-1.20.2/bin/kubectl");
        List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", ControlPlane.kubeconfig().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** Polls {@code condition} every half second (it asks the API server) until it holds. */
    private static void until(String description, java.util.function.BooleanSupplier condition) {
        long[] next = {0};
        boolean[] last = {false};
        Eventually.until(WAIT, description, () -> {
            if (System.nanoTime() >= next[0]) {
                last[0] = condition.getAsBoolean();
                next[0] = System.nanoTime() + 500_000_000L;
            }
            return last[0];
        });
    }

    /** Whether the aggregation layer reached the APIService's server and marked it Available. */
    private static boolean available(String apiService) {
        var response = new io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi("apiregistration.k8s.io", "v1", "apiservices", client)
                .get(apiService);
        if (!response.isSuccess()) {
            return false;
        }
        var status = response.getObject().getRaw().getAsJsonObject("status");
        return status != null && status.has("conditions") && status.getAsJsonArray("conditions").toString()
                .contains("\"type\":\"Available\",\"status\":\"True\"");
    }

    @Test
    void aDeploymentScalesUpAndDownOnGpuUtilization() throws Exception {
        for (String apiService : List.of("v1beta1.custom.metrics.k8s.io", "v1beta2.custom.metrics.k8s.io", "v1beta1.metrics.k8s.io")) {
            until(apiService + " is Available (the API server runs the aggregation layer and reaches our server)", () -> available(apiService));
        }
        access.call("POST", "/apis/apps/v1/namespaces/" + cluster.namespace + "/deployments", """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"infer",
                  "annotations":{"kubegpu.io/autoscale":"cpu:50%%,gpu:60%%","kubegpu.io/autoscale-min":"1","kubegpu.io/autoscale-max":"4"}},
                 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"infer"}},
                  "template":{"metadata":{"labels":{"app":"infer"}},
                   "spec":{"nodeName":"%s","containers":[{"name":"c","image":"registry.invalid/infer:1","resources":{"requests":{"cpu":"100m"}}}]}}}}"""
                .formatted(node));

        // 90 % on every pod's GPU against a 60 % target: ceil(1 x 0.9 / 0.6) = 2, then 3, then 5 capped at 4. CPU (10m of 100m) wants 1.
        until("the Deployment scales up to its maximum on GPU utilization", () -> replicas() == 4);

        // What the HPA read, as kubectl reads it: every pod at 900m.
        until("kubectl reads 900m for each of the four pods", () -> {
            try {
                JsonObject list = JsonParser.parseString(kubectl("get", "--raw", "/apis/custom.metrics.k8s.io/v1beta1/namespaces/" + cluster.namespace
                        + "/pods/*/container_gpu_usage?labelSelector=app%3Dinfer")).getAsJsonObject();
                var items = list.getAsJsonArray("items");
                boolean all = items.size() == 4;
                for (var item : items) {
                    JsonObject value = item.getAsJsonObject();
                    all &= value.get("value").getAsString().equals("900m") && value.get("metricName").getAsString().equals("container_gpu_usage")
                            && value.getAsJsonObject("describedObject").get("kind").getAsString().equals("Pod");
                }
                return all;
            } catch (Exception e) {
                return false;
            }
        });

        // 10 %: ceil(4 x 0.1 / 0.6) = 1 for the GPU, ceil(4 x 10 / 50) = 1 for the CPU, after the 5 s stabilization.
        exporter.utilization(10);
        until("the Deployment scales back down to its minimum", () -> replicas() == 1);

        // The controller counted the rescales from the autoscaler's status, and the custom metrics API served the HPA.
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.healthPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("kubegpu_autoscale_scale_events_total\\{direction=\"up\"[^}]*} [1-9]")
                .containsPattern("kubegpu_autoscale_scale_events_total\\{direction=\"down\"[^}]*} [1-9]")
                .containsPattern("kubegpu_autoscale_writes_total\\{action=\"create\",outcome=\"ok\"[^}]*} 1\\.0")
                .containsPattern("kubegpu_custom_metrics_requests_total\\{outcome=\"served\"[^}]*} [1-9]");
    }
}
