package io.kubegpu.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.app.server.Server;
import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.ControlPlaneAccess;
import io.kubegpu.cluster.it.Eventually;
import io.kubegpu.cluster.it.TestCluster;
import io.kubegpu.webhook.mutation.MutationConfig;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.yaml.snakeyaml.Yaml;

/**
 * Quotas and group pools as the API server really calls the webhook: two webhook replicas (each its own {@link Server}, with
 * its own pod watch) behind a proxy that spreads the API server's connections over them, the shipped webhook configuration
 * registered on a real kube-apiserver 1.20, pods created through the API.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuotaAdmissionIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Long on purpose: every share freed in these tests is freed by the pod watch, not by a ticket lapsing. */
    private static final Duration TICKET_TTL = Duration.ofMinutes(10);
    private static final int ROOM = 10;

    private static ControlPlaneAccess access;
    private static TestCluster cluster;
    private static final List<Server> replicas = new ArrayList<>();
    private static RoundRobinProxy proxy;
    private static String configName;
    private static String quota;
    private static String group;
    private static final List<V1Pod> admitted = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        access = new ControlPlaneAccess();
        cluster = new TestCluster(ControlPlane.client());
        quota = "team-" + cluster.suffix;
        group = "g-" + cluster.suffix;
        access.call("PATCH", "/api/v1/namespaces/" + cluster.namespace, "{\"metadata\":{\"labels\":{\"org\":\"" + group + "\"}}}");
        // An A100 node, so the webhook's feasibility check knows the model exists.
        cluster.createNode("a100", Map.of("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-80GB", "org", group), Map.of("nvidia.com/gpu", "8"));

        Path dir = Files.createTempDirectory("quota-it");
        access.signServingCertificate(dir);
        Path quotas = dir.resolve("quotas.yaml");
        Files.writeString(quotas, "quotas:\n  " + quota + ":\n    namespaces: [" + cluster.namespace + "]\n    gpus: {A100: " + ROOM + ", \"*\": 20}\n");
        ServerSettings.WebhookRole role = new ServerSettings.WebhookRole(ServerSettings.Endpoint.loopback(0), dir.resolve("tls.crt"),
                dir.resolve("tls.key"), MutationConfig.defaults().withPools(new MutationConfig.Pools("org", "org", "public")),
                new ServerSettings.Quotas(quotas, TICKET_TTL, cluster.namespace));
        for (int i = 0; i < 2; i++) {
            replicas.add(Server.start(ServerSettings.embedded().withExtender(null)
                    .withSource(new ServerSettings.ClusterSource.Kubernetes(ControlPlane.kubeconfig())).withWebhook(role)));
        }
        for (Server replica : replicas) {
            Eventually.until(WAIT, "the replica has read the pods and namespaces", () -> get(replica, "/readyz").statusCode() == 200);
        }
        proxy = new RoundRobinProxy(replicas.stream().map(Server::webhookPort).toList());
        @SuppressWarnings("unchecked")
        Map<String, Object> config = new Yaml().load(Files.readString(ControlPlane.repoPath("webhook/deploy/mutating-webhook-v1.16-1.27.yaml")));
        configName = "kube-gpu-extender-quota-it-" + cluster.suffix;
        access.registerWebhook(config, configName, proxy.port());
        // The API server picks the configuration up within a moment; until then a pod goes through unmutated.
        Eventually.until(WAIT, "the API server calls the webhook", () -> {
            try {
                cluster.forceDelete(create("probe", "1(A100)", true));
                return false;
            } catch (ApiException e) {
                return e.getCode() == 403 || e.getCode() == 400; // Our dry-run probe below is refused as a conflict until then.
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (configName != null) {
            access.unregisterWebhook(configName);
        }
        if (proxy != null) {
            proxy.close();
        }
        replicas.forEach(Server::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Creates an opted-in GPU pod; with {@code conflicting}, one whose nodeSelector names another group, which the webhook
     * refuses (a pod that reaches the API server unmutated is created instead).
     */
    private static V1Pod create(String base, String gpu, boolean conflicting) throws ApiException {
        V1PodSpec spec = new V1PodSpec().overhead(null).containers(List.of(new V1Container().name("main").image("registry.invalid/train:1")));
        if (conflicting) {
            spec.nodeSelector(Map.of("org", "someone-else"));
        }
        V1Pod pod = new V1Pod().metadata(new V1ObjectMeta().generateName(base + "-").namespace(cluster.namespace)
                .labels(Map.of("kubegpu.io/gpu-pod", "true")).annotations(Map.of("kubegpu.io/gpu", gpu))).spec(spec);
        return cluster.api.createNamespacedPod(cluster.namespace, pod).execute();
    }

    private static HttpResponse<String> get(Server server, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed: " + e.getMessage(), e);
        }
    }

    private static double decisions(Server server, String outcome) {
        Matcher m = Pattern.compile("kubegpu_webhook_decisions_total\\{outcome=\"" + outcome + "\",reason=\"[a-z_]*\",?} ([0-9.E]+)")
                .matcher(get(server, "/metrics").body());
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private static JsonObject a100(Server server) {
        JsonObject view = JsonParser.parseString(get(server, "/quotas").body()).getAsJsonObject();
        JsonObject ours = view.getAsJsonArray("quotas").asList().stream().map(e -> e.getAsJsonObject())
                .filter(q -> q.get("name").getAsString().equals(quota)).findFirst().orElseThrow();
        return ours.getAsJsonArray("limits").asList().stream().map(e -> e.getAsJsonObject())
                .filter(l -> l.get("model").getAsString().equals("A100")).findFirst().orElseThrow().getAsJsonObject("gpus");
    }

    @Test
    @Order(1)
    void aBurstOfFiftyConcurrentCreationsThroughTwoReplicasNeverOvershoots() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<String> refusals = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Object>> creations = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                creations.add(pool.submit((Callable<Object>) () -> {
                    go.await();
                    try {
                        return create("burst", "1(A100)", false);
                    } catch (ApiException e) {
                        return e;
                    }
                }));
            }
            go.countDown();
            for (Future<Object> creation : creations) {
                Object outcome = creation.get();
                if (outcome instanceof V1Pod pod) {
                    admitted.add(pod);
                } else {
                    ApiException e = (ApiException) outcome;
                    assertThat(e.getCode()).as(e.getResponseBody()).isEqualTo(403);
                    refusals.add(e.getResponseBody());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(admitted).hasSize(ROOM);
        assertThat(refusals).hasSize(50 - ROOM).allSatisfy(body -> assertThat(body)
                .contains("kubegpu.io/gpu '1(A100)' would exceed quota " + quota + " (namespace " + cluster.namespace + "): A100 GPUs 10 of 10 are "
                        + "in use or admitted and this pod asks for 1.")
                .contains("ask the platform team to raise " + quota + "'s A100 limit in the quota file"));
        for (Server replica : replicas) {
            assertThat(decisions(replica, "mutated") + decisions(replica, "denied")).as("each replica decided some of the burst").isPositive();
        }
        // Every admitted pod carries the ticket of its charge and is held to its group's and the public nodes.
        V1Pod stored = cluster.api.readNamespacedPod(admitted.get(0).getMetadata().getName(), cluster.namespace).execute();
        assertThat(stored.getMetadata().getAnnotations()).containsKey("kubegpu.io/quota-ticket");
        assertThat(stored.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()
                .get(0).getMatchExpressions()).anySatisfy(r -> {
                    assertThat(r.getKey()).isEqualTo("org");
                    assertThat(r.getValues()).containsExactly(group, "public");
                });
    }

    @Test
    @Order(2)
    void quotasShowsTheUsageAndWhyPodsWereRefused() {
        for (Server replica : replicas) {
            // Once both watches have seen the ten pods they count as pending pods, no more as admitted-not-seen.
            Eventually.assertThat(WAIT, () -> assertThat(a100(replica).toString())
                    .isEqualTo("{\"limit\":10,\"used\":10,\"free\":0,\"bound\":0,\"pending\":10,\"admittedNotSeen\":0}"));
        }
        JsonArray refusals = JsonParser.parseString(get(replicas.get(0), "/quotas").body()).getAsJsonObject().getAsJsonArray("refusals");
        assertThat(refusals.size()).isPositive();
        assertThat(refusals.get(0).getAsJsonObject().get("message").getAsString()).contains("would exceed quota " + quota);
        // Metrics are refreshed every few seconds.
        Eventually.assertThat(WAIT, () -> assertThat(get(replicas.get(1), "/metrics").body())
                .contains("kubegpu_quota_used{model=\"A100\",team=\"" + quota + "\"} 10.0")
                .contains("kubegpu_quota_limit{model=\"A100\",team=\"" + quota + "\"} 10.0"));
    }

    @Test
    @Order(3)
    void aDeletedPodFreesItsShareAtOnceAndADryRunTakesNothing() throws Exception {
        assertThatThrownBy(() -> create("full", "1(A100)", false)).isInstanceOf(ApiException.class);
        cluster.forceDelete(admitted.remove(0));
        // Freed by the watch showing the deletion: the pod's ticket would hold for ten minutes.
        V1Pod next = Eventually.value(WAIT, "a pod is admitted in the freed share", () -> {
            try {
                // A dry run first: answered, but it must not take the share.
                V1Pod dry = new V1Pod().metadata(new V1ObjectMeta().generateName("dry-").namespace(cluster.namespace)
                        .labels(Map.of("kubegpu.io/gpu-pod", "true")).annotations(Map.of("kubegpu.io/gpu", "1(A100)")))
                        .spec(new V1PodSpec().overhead(null).containers(List.of(new V1Container().name("main").image("registry.invalid/train:1"))));
                cluster.api.createNamespacedPod(cluster.namespace, dry).dryRun("All").execute();
                return create("freed", "1(A100)", false);
            } catch (ApiException e) {
                return null;
            }
        });
        admitted.add(next);
        assertThatThrownBy(() -> create("full-again", "1(A100)", false)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.getResponseBody()).contains("A100 GPUs 10 of 10"));
    }

    @Test
    @Order(4)
    void aCreationTheApiServerRefusesAfterAdmissionIsCountedUntilItsTicketLapses() throws Exception {
        cluster.forceDelete(admitted.remove(0));
        for (Server replica : replicas) {
            Eventually.assertThat(WAIT, () -> assertThat(a100(replica).get("used").getAsInt()).isEqualTo(9));
        }
        // Admitted by the webhook, then refused by the API server's validation (a container name with capitals).
        V1Pod invalid = new V1Pod().metadata(new V1ObjectMeta().generateName("invalid-").namespace(cluster.namespace)
                .labels(Map.of("kubegpu.io/gpu-pod", "true")).annotations(Map.of("kubegpu.io/gpu", "1(A100)")))
                .spec(new V1PodSpec().overhead(null).containers(List.of(new V1Container().name("Not_Valid").image("registry.invalid/train:1"))));
        assertThatThrownBy(() -> cluster.api.createNamespacedPod(cluster.namespace, invalid).execute()).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.getCode()).isEqualTo(422));
        // Never overshoot: the share stays taken until the ticket lapses (unit-tested with a clock), so the quota is full.
        for (Server replica : replicas) {
            JsonObject a100 = a100(replica);
            assertThat(a100.get("used").getAsInt()).isEqualTo(10);
            assertThat(a100.get("admittedNotSeen").getAsInt()).isEqualTo(1);
        }
        assertThatThrownBy(() -> create("held", "1(A100)", false)).isInstanceOf(ApiException.class);
    }

    @Test
    @Order(5)
    void aPodSelectingAnotherGroupsNodesIsRefused() {
        assertThatThrownBy(() -> create("elsewhere", "1(A100)", true)).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getResponseBody())
                .contains("the pod's nodeSelector org=someone-else asks for another group's GPU nodes: pods of namespace " + cluster.namespace
                        + " (group " + group + ", namespace label org) may run on nodes labelled org=" + group + " or public"));
    }
}
