package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kubegpu.cluster.it.Eventually;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The controllers Deployment from the jar ({@code serve --roles=controllers}, the chart's controllers ServiceAccount with
 * the rendered ClusterRole and the leader-election Role, nothing more): it becomes ready, takes the Lease under its pod's
 * name, and acts through the API server with exactly those rights. As shipped (default values), the autoscale controller
 * gives a Deployment annotated {@code kubegpu.io/autoscale} its HorizontalPodAutoscaler, owned by the Deployment, with an
 * Event and a metric to show it, updates it in place and deletes it with the annotation (every verb the rules grant on
 * autoscalers); with {@code pools.enabled} (the same container with the pool and balancer arguments, and
 * the pools rules in the ClusterRole), the balancer moves an idle node to an overloaded group. A request the API server
 * refuses to the ServiceAccount fails the check, whatever else worked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ControllersDeploymentChecks {
    /** The Lease the replicas compete for, in the release's namespace (the role's fixed name). */
    private static final String LEASE = "kube-gpu-extender-controllers";
    private static final Duration READY = Duration.ofSeconds(120);

    private final List<AutoCloseable> started = new ArrayList<>();

    /** Each check stops what it started: a controllers process left running would act on the next check's objects. */
    @AfterEach
    void stop() {
        List<AutoCloseable> lastFirst = new ArrayList<>(started);
        Collections.reverse(lastFirst);
        started.clear();
        Closing.all(lastFirst.toArray(AutoCloseable[]::new));
    }

    private <T extends AutoCloseable> T started(T resource) {
        started.add(resource);
        return resource;
    }

    @Test
    @Order(1)
    void asShippedItTakesTheLeaseAndGivesAnAnnotatedDeploymentItsAutoscaler() throws Exception {
        Workload work = started(new Workload());
        ChartInstall install = started(ChartInstall.render(Map.of()));
        RenderedContainer controllers = RenderedContainer.of(install, install.fullname() + "-controllers", "controllers");
        assertThat(controllers.renderedArgs()).contains("--roles=controllers", "--in-cluster").noneMatch(a -> a.startsWith("--pool-label="));
        Running running = start(install, controllers, "controllers");

        String namespace = work.namespace;
        JsonObject deployment = AdminApi.get().call("POST", "/apis/apps/v1/namespaces/" + namespace + "/deployments", new Gson().toJson(Map.of(
                "apiVersion", "apps/v1", "kind", "Deployment",
                "metadata", Map.of("name", "infer", "annotations", Map.of("kubegpu.io/autoscale", "gpu:60%", "kubegpu.io/autoscale-min", "1",
                        "kubegpu.io/autoscale-max", "3")),
                "spec", Map.of("replicas", 1, "selector", Map.of("matchLabels", Map.of("app", "infer")),
                        "template", Map.of("metadata", Map.of("labels", Map.of("app", "infer")), "spec", Map.of("containers", List.of(Map.of(
                                "name", "main", "image", "registry.invalid/infer:1", "resources", Map.of("limits", Map.of("nvidia.com/gpu", "1"))))))))));
        String uid = deployment.getAsJsonObject("metadata").get("uid").getAsString();

        // 1.20 serves autoscaling/v2beta2 as its newest autoscaling version: the controller writes that one.
        String hpaPath = "/apis/autoscaling/v2beta2/namespaces/" + namespace + "/horizontalpodautoscalers/infer";
        JsonObject hpa = running.await("the Deployment's HorizontalPodAutoscaler is created", () -> {
            AdminApi.Answer answer = AdminApi.get().send("GET", hpaPath, null);
            return answer.status() == 200 ? answer.json() : null;
        });
        JsonObject owner = hpa.getAsJsonObject("metadata").getAsJsonArray("ownerReferences").get(0).getAsJsonObject();
        assertThat(owner.get("kind").getAsString()).isEqualTo("Deployment");
        assertThat(owner.get("name").getAsString()).isEqualTo("infer");
        assertThat(owner.get("uid").getAsString()).as("owned by this Deployment, so garbage collection takes it along").isEqualTo(uid);
        assertThat(owner.get("controller").getAsBoolean()).isTrue();
        JsonObject spec = hpa.getAsJsonObject("spec");
        assertThat(spec.get("minReplicas").getAsInt()).isEqualTo(1);
        assertThat(spec.get("maxReplicas").getAsInt()).isEqualTo(3);
        assertThat(spec.getAsJsonObject("scaleTargetRef").get("name").getAsString()).isEqualTo("infer");
        // gpu:60% is 600m of container_gpu_usage per pod, averaged.
        JsonObject pods = spec.getAsJsonArray("metrics").get(0).getAsJsonObject().getAsJsonObject("pods");
        assertThat(pods.getAsJsonObject("metric").get("name").getAsString()).isEqualTo("container_gpu_usage");
        assertThat(pods.getAsJsonObject("target").get("averageValue").getAsString()).isEqualTo("600m");

        JsonObject event = running.await("an AutoscalerCreated Event on the Deployment", () -> event(namespace, "infer", "AutoscalerCreated"));
        assertThat(event.getAsJsonObject("involvedObject").get("uid").getAsString()).isEqualTo(uid);
        assertThat(event.getAsJsonObject("source").get("component").getAsString()).isEqualTo("kube-gpu-extender");
        running.until("/metrics counts the create", () -> running.metric("kubegpu_autoscale_writes_total", Map.of("action", "create",
                "outcome", "ok")) >= 1);

        // The other writes the rules grant: a changed annotation updates the autoscaler in place, a removed one deletes it.
        String hpaUid = hpa.getAsJsonObject("metadata").get("uid").getAsString();
        String deploymentPath = "/apis/apps/v1/namespaces/" + namespace + "/deployments/infer";
        AdminApi.get().call("PATCH", deploymentPath, "{\"metadata\":{\"annotations\":{\"kubegpu.io/autoscale-max\":\"4\"}}}");
        JsonObject updated = running.await("the autoscaler is updated to 4 replicas", () -> {
            AdminApi.Answer answer = AdminApi.get().send("GET", hpaPath, null);
            return answer.status() == 200 && answer.json().getAsJsonObject("spec").get("maxReplicas").getAsInt() == 4 ? answer.json() : null;
        });
        assertThat(updated.getAsJsonObject("metadata").get("uid").getAsString()).as("updated in place, not recreated").isEqualTo(hpaUid);
        AdminApi.get().call("PATCH", deploymentPath, "{\"metadata\":{\"annotations\":{\"kubegpu.io/autoscale\":null,"
                + "\"kubegpu.io/autoscale-min\":null,\"kubegpu.io/autoscale-max\":null}}}");
        running.until("the autoscaler is deleted with the annotation", () -> AdminApi.get().send("GET", hpaPath, null).status() == 404);
        for (String action : List.of("update", "delete")) {
            running.until("/metrics counts the " + action, () -> running.metric("kubegpu_autoscale_writes_total", Map.of("action", action,
                    "outcome", "ok")) >= 1);
        }
        assertThat(running.await("an AutoscalerDeleted Event", () -> event(namespace, "infer", "AutoscalerDeleted"))).isNotNull();

        running.assertNothingRefused();
        Served.record(controllers);
        AdminApi.get().send("DELETE", deploymentPath, null);
    }

    /**
     * {@code pools.enabled} renders the same container with the pool label and the balancer's arguments (and the pools
     * controller's rules): here in apply mode, with one node per group allowed, over nodes and namespaces labelled with a
     * key of this run only. a: one 8-GPU node, idle, and 16 GPUs pending in its namespace: (0 + 16) / 8 = 200 %. b: two
     * 8-GPU nodes, idle: 0 of 16 = 0 %. The gap (200 points) is over the 20-point threshold and b has more than its
     * minimum of 1: one of b's idle nodes moves to a (then a 16 / 16 = 100 %, b 0 of 8, at its minimum: nothing more).
     */
    @Test
    @Order(2)
    void withPoolsTheBalancerMovesAnIdleNodeToTheOverloadedGroup() throws Exception {
        Workload work = started(new Workload());
        String key = "e2e.kubegpu.io/pool-" + work.cluster.suffix;
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("pools.enabled", "true");
        values.put("pools.nodeLabel", key);
        values.put("pools.balance.mode", "apply");
        values.put("pools.balance.minNodes", "1");
        ChartInstall install = started(ChartInstall.render(values));
        RenderedContainer controllers = RenderedContainer.of(install, install.fullname() + "-controllers", "controllers");
        assertThat(controllers.renderedArgs()).contains("--roles=controllers", "--pool-label=" + key, "--balance=apply", "--balance-min-nodes=1");

        String a = work.v100("pool-a", 8, Map.of(key, "a"));
        String b1 = work.v100("pool-b1", 8, Map.of(key, "b"));
        String b2 = work.v100("pool-b2", 8, Map.of(key, "b"));
        String groupA = work.cluster.name("pool-a");
        AdminApi.get().call("POST", "/api/v1/namespaces", new Gson().toJson(Map.of("apiVersion", "v1", "kind", "Namespace",
                "metadata", Map.of("name", groupA, "labels", Map.of(key, "a")))));
        started(() -> AdminApi.get().send("DELETE", "/api/v1/namespaces/" + groupA, null));
        for (int i = 0; i < 2; i++) {
            // For a scheduler nobody runs: pending for good.
            AdminApi.get().call("POST", "/api/v1/namespaces/" + groupA + "/pods", new Gson().toJson(Workload.pod("train-" + i, "e2e-nobody",
                    Workload.PodSpec.whole(8, "V100"))));
        }
        started(() -> AdminApi.get().send("DELETE", "/api/v1/namespaces/" + groupA + "/pods", null));

        Running running = start(install, controllers, "controllers-pools");
        String moved = running.await("one of b's nodes is moved to a", () -> {
            List<String> inA = new ArrayList<>();
            for (String node : List.of(b1, b2)) {
                if ("a".equals(labels(node).get(key))) {
                    inA.add(node);
                }
            }
            return inA.size() == 1 ? inA.get(0) : null;
        });
        assertThat(labels(a)).containsEntry(key, "a");
        JsonObject annotations = AdminApi.get().call("GET", "/api/v1/nodes/" + moved, null).getAsJsonObject("metadata").getAsJsonObject("annotations");
        assertThat(annotations.get("kubegpu.io/pool-moved-from").getAsString()).isEqualTo("b");
        assertThat(annotations.has("kubegpu.io/pool-moved-at")).isTrue();
        JsonObject event = running.await("a PoolNodeMoved Event on the node", () -> event(null, moved, "PoolNodeMoved"));
        assertThat(event.get("message").getAsString()).startsWith("moved from group b to a");
        running.until("/metrics counts the move", () -> running.metric("kubegpu_balance_moves_total", Map.of("from", "b", "to", "a",
                "outcome", "applied")) == 1);
        JsonObject balance = Http.json(running.url("/balance")).getAsJsonObject();
        assertThat(balance.get("mode").getAsString()).isEqualTo("apply");
        assertThat(balance.get("running").getAsBoolean()).isTrue();
        assertThat(balance.getAsJsonArray("history")).hasSize(1);

        running.assertNothingRefused();
        Served.record(controllers);
    }

    /** Starts the container's process, waits until it is ready and holds the Lease (as its pod, by name). */
    private Running start(ChartInstall install, RenderedContainer container, String name) {
        JarProcess process = started(container.start(name));
        Running running = new Running(install, container, process);
        process.awaitOk(URI.create(running.url("/readyz")), READY);
        String leasePath = "/apis/coordination.k8s.io/v1/namespaces/" + install.namespace + "/leases/" + LEASE;
        String holder = running.await("the process holds the Lease " + install.namespace + "/" + LEASE, () -> {
            AdminApi.Answer answer = AdminApi.get().send("GET", leasePath, null);
            JsonObject spec = answer.status() == 200 ? answer.json().getAsJsonObject("spec") : null;
            return spec != null && spec.has("holderIdentity") ? spec.get("holderIdentity").getAsString() : null;
        });
        assertThat(holder).as("the Lease names the pod (POD_NAME from the downward API) and a replica suffix").startsWith(container.podName() + "-");
        running.until("kubegpu_controllers_leader is 1", () -> running.metric("kubegpu_controllers_leader", Map.of()) == 1);
        return running;
    }

    /** Labels of a node. */
    private static Map<String, String> labels(String node) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonObject metadata = AdminApi.get().call("GET", "/api/v1/nodes/" + node, null).getAsJsonObject("metadata");
        if (metadata.has("labels")) {
            metadata.getAsJsonObject("labels").entrySet().forEach(e -> out.put(e.getKey(), e.getValue().getAsString()));
        }
        return out;
    }

    /** The Event of {@code reason} about the object named {@code name} (in {@code namespace}, or any), or null. */
    private static JsonObject event(String namespace, String name, String reason) {
        String selector = URLEncoder.encode("involvedObject.name=" + name + ",reason=" + reason, StandardCharsets.UTF_8);
        String path = (namespace == null ? "/api/v1/events" : "/api/v1/namespaces/" + namespace + "/events") + "?fieldSelector=" + selector;
        JsonArray items = AdminApi.get().call("GET", path, null).getAsJsonArray("items");
        return items.isEmpty() ? null : items.get(0).getAsJsonObject();
    }

    /** A started controllers process: its HTTP port, its metrics, its log. */
    private record Running(ChartInstall install, RenderedContainer container, JarProcess process) {
        String url(String path) {
            return "http://127.0.0.1:" + container.port("--port") + path;
        }

        /** The sum of the samples of {@code name} with (at least) {@code labels} in /metrics; -1 when there is none. */
        double metric(String name, Map<String, String> labels) {
            return PrometheusText.sum(Http.get(url("/metrics")).body(), name, labels);
        }

        /**
         * Waits for {@code value} to be non-null, failing at once when the process has exited or a request of it was refused
         * (a missing right stalls a controller rather than crashing it: the refusal says why, the timeout would not).
         */
        <T> T await(String description, Supplier<T> value) {
            return Eventually.value(Workload.WAIT, description, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError(process.name() + " exited while waiting until " + description + ":\n" + process.tail(30));
                }
                assertNothingRefused();
                return value.get();
            });
        }

        void until(String description, BooleanSupplier condition) {
            await(description, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
        }

        /**
         * No request of the process was refused to its ServiceAccount: the API server's message for a missing right names the
         * user ({@code User "system:serviceaccount:NS:SA" cannot VERB resource …}), and the client logs the answer's body.
         */
        void assertNothingRefused() {
            String user = "system:serviceaccount:" + install.namespace + ":" + install.fullname() + "-controllers";
            List<String> refused = process.log().lines().filter(line -> line.contains(user) && line.contains(" cannot ")).toList();
            assertThat(refused).as("requests the API server refused to " + user + " (a right the chart does not grant)").isEmpty();
        }
    }
}
