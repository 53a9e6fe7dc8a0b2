package io.kubegpu.controllers.pools;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.Eventually;
import io.kubegpu.cluster.it.NodeAgent;
import io.kubegpu.cluster.it.TestCluster;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.controllers.ControllerHost;
import io.kubegpu.pools.balance.BalancePolicy;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Binding;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pool balancer on a real kube-apiserver: GPU nodes of three project groups with skewed load (bound pods made Running by
 * {@link NodeAgent}, pending pods of the busiest group), passes a second apart, leader-elected like in production.
 */
class PoolBalancerIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private TestCluster cluster;
    private ApiClient client;
    private String label;
    private final Map<String, String> groups = new TreeMap<>();
    private final List<String> nodes = new ArrayList<>();
    private NodeAgent agent;
    private ControllerHost host;

    @BeforeEach
    void start() throws Exception {
        client = ControlPlane.client();
        cluster = new TestCluster(client);
        // A label key of this run only, so nodes other tests left behind are in no pool of ours.
        label = "it.kubegpu.io/pool-" + cluster.suffix;
        for (String group : List.of("a", "b", "c")) {
            String namespace = cluster.name("pool-" + group);
            groups.put(group, namespace);
            cluster.api.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(namespace).labels(Map.of(label, group)))).execute();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
        if (agent != null) {
            agent.close();
        }
        for (String namespace : groups.values()) {
            for (V1Pod pod : cluster.api.listNamespacedPod(namespace).execute().getItems()) {
                cluster.api.deleteNamespacedPod(pod.getMetadata().getName(), namespace).gracePeriodSeconds(0).execute();
            }
            try {
                cluster.api.deleteNamespace(namespace).execute();
            } catch (ApiException e) {
                // Stays Terminating without a namespace controller; names are unique per run.
            }
        }
        cluster.close();
    }

    private String node(String name, String group) throws ApiException {
        String created = cluster.createNode(name, Map.of(label, group, "nvidia.com/gpu.product", "NVIDIA-A100-SXM4-80GB"),
                Map.of("nvidia.com/gpu", "8"));
        nodes.add(created);
        return created;
    }

    /** A pod of the group asking for {@code gpus} whole GPUs, bound to {@code node} (or pending when null). */
    private void pod(String group, int gpus, String node) throws ApiException {
        String namespace = groups.get(group);
        V1Pod pod = new V1Pod().metadata(new V1ObjectMeta().generateName("job-").namespace(namespace)).spec(new V1PodSpec().overhead(null)
                .containers(List.of(new V1Container().name("main").image("registry.invalid/train:1").resources(new V1ResourceRequirements()
                        .limits(Map.of("nvidia.com/gpu", new Quantity(Integer.toString(gpus))))))));
        V1Pod created = cluster.api.createNamespacedPod(namespace, pod).execute();
        if (node == null) {
            return;
        }
        V1Binding binding = new V1Binding().metadata(new V1ObjectMeta().name(created.getMetadata().getName()).namespace(namespace))
                .target(new V1ObjectReference().kind("Node").apiVersion("v1").name(node));
        try (okhttp3.Response response = cluster.api.createNamespacedBinding(namespace, binding).buildCall(null).execute()) {
            assertThat(response.code()).isEqualTo(201);
        } catch (java.io.IOException e) {
            throw new ApiException(e);
        }
    }

    private Map<String, String> groupsOfNodes() throws ApiException {
        Map<String, String> out = new TreeMap<>();
        for (String node : nodes) {
            out.put(node, cluster.api.readNode(node).execute().getMetadata().getLabels().get(label));
        }
        return out;
    }

    private PoolBalancer balancer(boolean apply, Duration cooldown) {
        BalancePolicy policy = new BalancePolicy(0.20, 3, cooldown, 0.05, false, "public");
        return new PoolBalancer(new PoolBalancer.Settings(ClusterConfig.defaults(), label, label, policy, INTERVAL, apply));
    }

    private void run(PoolBalancer balancer) throws Exception {
        host = ControllerHost.start(client, new ControllerHost.Election(cluster.namespace, "pools-it", "it", Duration.ofSeconds(3)),
                List.of(balancer), new SimpleMeterRegistry(), Clock.systemUTC());
        Eventually.until(WAIT, "the balancer leads", host::leading);
    }

    /**
     * a: 3 nodes, full (24 of 24 GPUs) with 16 GPUs more pending: 167 %. b: 5 nodes, b1 idle, b2..b5 each running a 1-GPU pod
     * of b: 4 of 40 = 10 %. c: 4 nodes, c1 and c2 full: 16 of 32 = 50 %.
     */
    private void skewed() throws Exception {
        for (int i = 1; i <= 3; i++) {
            pod("a", 8, node("a" + i, "a"));
        }
        pod("a", 8, null);
        pod("a", 8, null);
        node("b1", "b");
        for (int i = 2; i <= 5; i++) {
            pod("b", 1, node("b" + i, "b"));
        }
        for (int i = 1; i <= 4; i++) {
            String c = node("c" + i, "c");
            if (i <= 2) {
                pod("c", 8, c);
            }
        }
        agent = new NodeAgent(client, Set.copyOf(nodes)).start();
    }

    @Test
    void threeSkewedGroupsConvergeWithoutFlappingAndNodesRunningTheirGroupsPodsStay() throws Exception {
        skewed();
        // A cooldown shorter than the test: what keeps nodes from moving back is the rule (hysteresis), not the cooldown.
        PoolBalancer balancer = balancer(true, Duration.ofSeconds(2));
        run(balancer);
        // Pass 1: a 167 % vs b 10 %: b1 (idle) moves to a → a 40 of 32 = 125 %, b 4 of 32 = 12.5 %.
        // Pass 2: b's nodes all run pods of b: none may go. c (50 %) is 75 points below a and has 4 nodes: an idle one (c3)
        //         moves → a 40 of 40 = 100 %, c 16 of 24 = 67 % (the reverse gap, −33 points, stays below 15).
        // Then: b still refused (its pods), c at its minimum of 3 nodes: nothing moves, pass after pass.
        Map<String, String> expected = new TreeMap<>(Map.of(cluster.name("a1"), "a", cluster.name("a2"), "a", cluster.name("a3"), "a",
                cluster.name("b1"), "a", cluster.name("b2"), "b", cluster.name("b3"), "b", cluster.name("b4"), "b", cluster.name("b5"), "b",
                cluster.name("c1"), "c", cluster.name("c2"), "c"));
        expected.put(cluster.name("c3"), "a");
        expected.put(cluster.name("c4"), "c");
        Eventually.assertThat(WAIT, () -> {
            try {
                assertThat(groupsOfNodes()).isEqualTo(expected);
            } catch (ApiException e) {
                throw new AssertionError(e);
            }
        });
        long settledAt = balancer.passes();
        Eventually.until(WAIT, "ten more passes (past the 2 s cooldown)", () -> balancer.passes() >= settledAt + 10);
        assertThat(groupsOfNodes()).as("no flapping: nothing moved after convergence").isEqualTo(expected);

        JsonObject view = JsonParser.parseString(balancer.views().get("/balance").get()).getAsJsonObject();
        assertThat(view.get("mode").getAsString()).isEqualTo("apply");
        assertThat(view.getAsJsonArray("history")).as("exactly the two moves, each node once").hasSize(2);
        assertThat(view.getAsJsonArray("history").get(1).getAsJsonObject().get("node").getAsString()).isEqualTo(cluster.name("b1"));
        assertThat(view.getAsJsonArray("history").get(0).getAsJsonObject().get("node").getAsString()).isEqualTo(cluster.name("c3"));
        JsonObject decision = view.getAsJsonObject("last").getAsJsonObject("decision");
        assertThat(decision.get("action").getAsString()).isEqualTo("none");
        assertThat(decision.get("why").getAsString()).contains(cluster.name("b2") + " runs 1 GPU pods of b")
                .contains("c has 3 nodes and keeps at least 3");
        // Moved nodes carry when (the cooldown survives a change of leader) and where from.
        var moved = cluster.api.readNode(cluster.name("b1")).execute().getMetadata().getAnnotations();
        assertThat(moved).containsEntry("kubegpu.io/pool-moved-from", "b").containsKey("kubegpu.io/pool-moved-at");
        // And an Event on each moved node says why.
        Eventually.until(WAIT, "the move's Event is recorded", () -> events(cluster.name("b1")).stream()
                .anyMatch(e -> e.getReason().equals("PoolNodeMoved") && e.getMessage().startsWith("moved from group b to a: a: 24 of 24 GPUs + 16 "
                        + "pending = 167 % and b: 4 of 40 GPUs = 10 % differ by 157 points")));
    }

    @Test
    void aDryRunChangesNoLabelAndSaysWhatItWouldDo() throws Exception {
        skewed();
        PoolBalancer balancer = balancer(false, Duration.ofMinutes(30));
        run(balancer);
        Eventually.until(WAIT, "three passes", () -> balancer.passes() >= 3);
        assertThat(groupsOfNodes().values()).as("labels untouched").containsOnly("a", "b", "c").filteredOn("a"::equals).hasSize(3);
        JsonObject view = JsonParser.parseString(balancer.views().get("/balance").get()).getAsJsonObject();
        assertThat(view.get("mode").getAsString()).isEqualTo("dry-run");
        JsonObject decision = view.getAsJsonObject("last").getAsJsonObject("decision");
        assertThat(decision.get("action").getAsString()).isEqualTo("move");
        assertThat(decision.get("node").getAsString()).isEqualTo(cluster.name("b1"));
        assertThat(decision.get("outcome").getAsString()).isEqualTo("dry_run");
        Eventually.until(WAIT, "the dry run's Event is recorded", () -> events(cluster.name("b1")).stream()
                .anyMatch(e -> e.getReason().equals("PoolNodeWouldMove") && e.getMessage().startsWith("dry run: would move from group b to a")));
    }

    private List<CoreV1Event> events(String node) {
        try {
            return cluster.api.listNamespacedEvent("default").fieldSelector("involvedObject.name=" + node).execute().getItems();
        } catch (ApiException e) {
            return List.of();
        }
    }
}
