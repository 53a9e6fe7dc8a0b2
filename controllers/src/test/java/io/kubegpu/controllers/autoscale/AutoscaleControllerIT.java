package io.kubegpu.controllers.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.ControlPlaneAccess;
import io.kubegpu.cluster.it.Eventually;
import io.kubegpu.cluster.it.TestCluster;
import io.kubegpu.controllers.ControllerHost;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The autoscale controller against a real kube-apiserver 1.20 and kube-controller-manager (garbage collection, and the
 * HPA controller acting on what we write): annotations become an autoscaling/v2beta2 HorizontalPodAutoscaler owned by the
 * Deployment, edits are put back in place, removing the annotation removes it, deleting the Deployment deletes it, and
 * what cannot be done is a Warning Event and nothing else. The webhook is not registered here: these objects were not
 * admitted through us.
 */
class AutoscaleControllerIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static ApiClient client;
    private static ControlPlaneAccess access;
    private static DynamicKubernetesApi hpas;
    private TestCluster cluster;
    private SimpleMeterRegistry registry;
    private ControllerHost host;

    @BeforeAll
    static void startControllerManager() throws Exception {
        client = ControlPlane.client();
        access = new ControlPlaneAccess();
        hpas = new DynamicKubernetesApi("autoscaling", "v2beta2", "horizontalpodautoscalers", client);
        ControlPlane.startControllerManager();
    }

    @AfterAll
    static void stopControllerManager() {
        ControlPlane.stopControllerManager();
    }

    @BeforeEach
    void namespace() throws Exception {
        cluster = new TestCluster(client);
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
        cluster.close();
    }

    private void startController(boolean dryRun) {
        host = ControllerHost.start(client, new ControllerHost.Election(cluster.namespace, "autoscale-it", "it", Duration.ofSeconds(5)),
                List.of(new AutoscaleController(dryRun, Duration.ofMinutes(10))), registry, Clock.systemUTC());
        Eventually.until(WAIT, "the controller leads", host::leading);
    }

    private void createDeployment(String name, String annotations) throws Exception {
        access.call("POST", "/apis/apps/v1/namespaces/" + cluster.namespace + "/deployments", """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s","annotations":{%s}},
                 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"%1$s"}},
                  "template":{"metadata":{"labels":{"app":"%1$s"}},
                   "spec":{"containers":[{"name":"c","image":"registry.invalid/infer:1","resources":{"requests":{"cpu":"100m"}}}]}}}}"""
                .formatted(name, annotations));
    }

    private void annotate(String name, String mergePatchAnnotations) throws Exception {
        access.call("PATCH", "/apis/apps/v1/namespaces/" + cluster.namespace + "/deployments/" + name,
                "{\"metadata\":{\"annotations\":{" + mergePatchAnnotations + "}}}");
    }

    private JsonObject hpa(String name) {
        var response = hpas.get(cluster.namespace, name);
        return response.isSuccess() ? response.getObject().getRaw() : null;
    }

    private String deploymentUid(String name) throws Exception {
        return new io.kubernetes.client.openapi.apis.AppsV1Api(client).readNamespacedDeployment(name, cluster.namespace).execute()
                .getMetadata().getUid();
    }

    private List<CoreV1Event> events(String involved) {
        try {
            return cluster.api.listNamespacedEvent(cluster.namespace).fieldSelector("involvedObject.name=" + involved).execute().getItems();
        } catch (Exception e) {
            return List.of();
        }
    }

    private boolean hasEvent(String involved, String reason, String messagePart) {
        return events(involved).stream().anyMatch(e -> reason.equals(e.getReason()) && e.getMessage() != null && e.getMessage().contains(messagePart));
    }

    private double counter(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The supplier's value, asked at most every 250 ms: conditions below call the API server. */
    private static <T> Supplier<T> throttled(Supplier<T> supplier) {
        long[] last = {0};
        Object[] value = {null};
        return () -> {
            long now = System.nanoTime();
            if (last[0] == 0 || now - last[0] > 250_000_000L) {
                value[0] = supplier.get();
                last[0] = now;
            }
            @SuppressWarnings("unchecked")
            T out = (T) value[0];
            return out;
        };
    }

    private void until(String description, Supplier<Boolean> condition) {
        Supplier<Boolean> throttled = throttled(condition);
        Eventually.until(WAIT, description, () -> Boolean.TRUE.equals(throttled.get()));
    }

    @Test
    void anAnnotatedDeploymentGetsItsAutoscalerWhichFollowsTheAnnotationAndGoesWithIt() throws Exception {
        startController(false);
        createDeployment("infer", "\"kubegpu.io/autoscale\":\"cpu:50%,gpu:60%\",\"kubegpu.io/autoscale-max\":\"4\"");
        String uid = deploymentUid("infer");
        until("the autoscaler exists", () -> hpa("infer") != null);
        JsonObject created = hpa("infer");
        assertThat(created.get("apiVersion").getAsString()).isEqualTo("autoscaling/v2beta2");
        // The same spec as asked for; 1.20 stores autoscalers as autoscaling/v1 and returns the metrics in another order.
        assertThat(io.kubegpu.autoscale.plan.HpaDrift.between(created.getAsJsonObject("spec"), JsonParser.parseString("""
                {"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"infer"},"minReplicas":1,"maxReplicas":4,
                 "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}},
                            {"type":"Pods","pods":{"metric":{"name":"container_gpu_usage"},"target":{"type":"AverageValue","averageValue":"600m"}}}]}""")
                .getAsJsonObject())).isEmpty();
        assertThat(created.getAsJsonObject("spec").getAsJsonArray("metrics")).hasSize(2);
        var owner = created.getAsJsonObject("metadata").getAsJsonArray("ownerReferences").get(0).getAsJsonObject();
        assertThat(owner.get("uid").getAsString()).isEqualTo(uid);
        assertThat(owner.get("controller").getAsBoolean()).isTrue();
        String hpaUid = created.getAsJsonObject("metadata").get("uid").getAsString();
        until("an Event says it was created", () -> hasEvent("infer", "AutoscalerCreated", "created HorizontalPodAutoscaler infer for cpu:50%,gpu:60%, 1..4"));
        assertThat(counter("kubegpu.autoscale.writes", "action", "create", "outcome", "ok")).isEqualTo(1);

        // Someone edits the autoscaler: it is put back, in place.
        access.call("PATCH", "/apis/autoscaling/v2beta2/namespaces/" + cluster.namespace + "/horizontalpodautoscalers/infer",
                "{\"spec\":{\"maxReplicas\":10}}");
        until("the edit is undone", () -> {
            JsonObject now = hpa("infer");
            return now != null && now.getAsJsonObject("spec").get("maxReplicas").getAsInt() == 4;
        });
        assertThat(hpa("infer").getAsJsonObject("metadata").get("uid").getAsString()).as("updated, never recreated").isEqualTo(hpaUid);
        until("an Event names the drift", () -> hasEvent("infer", "AutoscalerUpdated", "maxReplicas 10 (want 4)"));

        // The annotation changes: the autoscaler follows, in place.
        annotate("infer", "\"kubegpu.io/autoscale\":\"cpu:50%,gpu:70%\",\"kubegpu.io/autoscale-min\":\"2\"");
        until("the autoscaler follows the annotation", () -> {
            JsonObject now = hpa("infer");
            return now != null && now.getAsJsonObject("spec").get("minReplicas").getAsInt() == 2
                    && now.getAsJsonObject("spec").toString().contains("\"averageValue\":\"700m\"");
        });
        assertThat(hpa("infer").getAsJsonObject("metadata").get("uid").getAsString()).isEqualTo(hpaUid);

        // The annotation goes: so does the autoscaler.
        annotate("infer", "\"kubegpu.io/autoscale\":null");
        until("the autoscaler is deleted", () -> hpa("infer") == null);
        until("an Event says why", () -> hasEvent("infer", "AutoscalerDeleted", "kubegpu.io/autoscale was removed"));

        // Back again, then the Deployment is deleted: kube-controller-manager's garbage collector deletes its autoscaler.
        annotate("infer", "\"kubegpu.io/autoscale\":\"gpu:60%\"");
        until("the autoscaler is back", () -> hpa("infer") != null);
        access.call("DELETE", "/apis/apps/v1/namespaces/" + cluster.namespace + "/deployments/infer", null);
        until("garbage collection deletes the autoscaler with its Deployment", () -> hpa("infer") == null);
    }

    @Test
    void anInvalidAnnotationIsAWarningEventWithCodeAndColumnAndNothingElse() throws Exception {
        startController(false);
        createDeployment("bad", "\"kubegpu.io/autoscale\":\"cpu:150%\",\"kubegpu.io/autoscale-max\":\"4\"");
        until("a Warning Event gives the code and column", () -> hasEvent("bad", "InvalidAutoscale",
                "kubegpu.io/autoscale 'cpu:150%': PERCENT_OUT_OF_RANGE at column 5"));
        assertThat(events("bad")).filteredOn(e -> e.getSource() != null && "kube-gpu-extender".equals(e.getSource().getComponent()))
                .isNotEmpty().allMatch(e -> "Warning".equals(e.getType()));
        assertThat(hpa("bad")).isNull();
        assertThat(counter("kubegpu.autoscale.refusals", "reason", "invalid")).isEqualTo(1);

        // Fixed: the autoscaler appears.
        annotate("bad", "\"kubegpu.io/autoscale\":\"cpu:90%\"");
        until("the autoscaler exists once the annotation is valid", () -> hpa("bad") != null);
    }

    @Test
    void anAutoscalerSomeoneElseOwnsIsNeverTakenOver() throws Exception {
        startController(false);
        access.call("POST", "/apis/autoscaling/v2beta2/namespaces/" + cluster.namespace + "/horizontalpodautoscalers", """
                {"apiVersion":"autoscaling/v2beta2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},
                 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":9,
                  "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":75}}}]}}""");
        createDeployment("web", "\"kubegpu.io/autoscale\":\"gpu:60%\",\"kubegpu.io/autoscale-max\":\"4\"");
        until("a Warning Event says the name is taken", () -> hasEvent("web", "AutoscalerNameTaken",
                "HorizontalPodAutoscaler web already exists and is created by someone else"));
        assertThat(hpa("web").getAsJsonObject("spec").get("maxReplicas").getAsInt()).isEqualTo(9);
        assertThat(counter("kubegpu.autoscale.writes", "action", "update", "outcome", "ok")).isZero();
    }

    @Test
    void dryRunValidatesWithTheApiServerAndOnlyReports() throws Exception {
        startController(true);
        createDeployment("trial", "\"kubegpu.io/autoscale\":\"cpu:50%,gpu:60%\",\"kubegpu.io/autoscale-max\":\"4\"");
        until("an Event says what would be created", () -> hasEvent("trial", "AutoscalerDryRun",
                "dry run: would have created HorizontalPodAutoscaler trial for cpu:50%,gpu:60%, 1..4 replicas"));
        assertThat(counter("kubegpu.autoscale.writes", "action", "create", "outcome", "dry_run")).isPositive();
        assertThat(hpa("trial")).isNull();
    }
}
