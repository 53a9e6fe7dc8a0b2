package io.kubegpu.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.app.server.Server;
import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.Eventually;
import io.kubegpu.cluster.it.TestCluster;
import io.kubegpu.cluster.model.ModelLabelSource;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.service.FilterMode;
import io.kubegpu.request.GrammarConfig;
import io.kubernetes.client.openapi.models.V1Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The extender as kube-scheduler really uses it: a kube-scheduler 1.20 started with the shipped
 * {@code scheduler-config/kube-scheduler-v1beta1.yaml} calls our filter (both entries) and bind (shares), on
 * GPU nodes created in a real kube-apiserver.
 */
class SchedulerExtenderIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static TestCluster cluster;
    private static Server extender;
    private static String v100;
    private static String a100;
    private static String t4;

    @BeforeAll
    static void start() throws Exception {
        Path kubeconfig = ControlPlane.kubeconfig();
        cluster = new TestCluster(ControlPlane.client());
        v100 = cluster.createNode("e2e-v100", Map.of("nvidia.com/gpu.product", "Tesla-V100-SXM2-32GB", "nvidia.com/gpu.memory", "32510"),
                Map.of("nvidia.com/gpu", "4", "cpu", "32", "memory", "256Gi"));
        a100 = cluster.createNode("e2e-a100", Map.of("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-80GB"),
                Map.of("nvidia.com/gpu", "8", "cpu", "64", "memory", "512Gi"));
        t4 = cluster.createNode("e2e-t4", Map.of("nvidia.com/gpu.product", "Tesla-T4", "nvidia.com/gpu.memory", "15360"),
                Map.of("nvidia.com/gpu", "4", "aliyun.com/gpu-mem", "64", "aliyun.com/gpu-count", "4", "cpu", "32", "memory", "128Gi"));

        extender = Server.start(ServerSettings.embedded().withSource(new ServerSettings.ClusterSource.Kubernetes(kubeconfig))
                .withExtender(ServerSettings.ExtenderRole.defaults().withPolicy(Policy.BINPACK)));
        Eventually.until(WAIT, "the extender's cluster state has synced", () -> extender.state().snapshot().synced());

        String shipped = Files.readString(ControlPlane.repoPath("scheduler-config/kube-scheduler-v1beta1.yaml"));
        String config = shipped.replace("/etc/kubernetes/scheduler.conf", kubeconfig.toString())
                .replace("http://127.0.0.1:8888", "http://127.0.0.1:" + extender.port())
                // One scheduler in a test: no lease to wait for.
                .replace("leaderElect: true", "leaderElect: false")
                .replace("127.0.0.1:10251", "127.0.0.1:10351");
        Path file = Files.createTempFile("kube-scheduler", ".yaml");
        Files.writeString(file, config);
        ControlPlane.startScheduler(file);
    }

    @AfterAll
    static void stop() {
        ControlPlane.stopScheduler();
        if (extender != null) {
            extender.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static V1Pod read(V1Pod pod) throws Exception {
        return cluster.api.readNamespacedPod(pod.getMetadata().getName(), cluster.namespace).execute();
    }

    private static String nodeOf(V1Pod pod) {
        return Eventually.value(WAIT, pod.getMetadata().getName() + " is scheduled", () -> {
            try {
                return read(pod).getSpec().getNodeName();
            } catch (Exception e) {
                return null;
            }
        });
    }

    @Test
    void wholeGpuPodsLandOnTheirModel() throws Exception {
        V1Pod v100Pod = cluster.createPod("two-v100", Map.of("nvidia.com/gpu", "2"), Map.of("kubegpu.io/gpu", "2(V100)"));
        V1Pod a100Pod = cluster.createPod("a100-or-h100", Map.of("nvidia.com/gpu", "1"), Map.of("kubegpu.io/gpu", "1(A100|H100)"));
        assertThat(nodeOf(v100Pod)).isEqualTo(v100);
        assertThat(nodeOf(a100Pod)).isEqualTo(a100);
    }

    @Test
    void kubeSchedulerBindsAWholeGpuPodWhereTheFilterChoseAndTheHoldGivesWayToThePod() throws Exception {
        double bindsBefore = bindCalls();
        V1Pod pod = cluster.createPod("any-gpu", Map.of("nvidia.com/gpu", "1"), Map.of("kubegpu.io/gpu", "1"));
        String node = nodeOf(pod);
        // The filter answered with exactly one node (the first extender entry's default), and that is where it landed.
        String explain = get("/explain/" + cluster.namespace + "/" + pod.getMetadata().getName());
        assertThat(JsonParser.parseString(explain).getAsJsonObject().getAsJsonObject("filter").get("chosen").getAsString()).isEqualTo(node);
        String uid = pod.getMetadata().getUid();
        Eventually.until(WAIT, "the watch shows the pod bound and the filter's hold released", () -> extender.state().pod(uid) != null
                && extender.state().snapshot().node(node).orElseThrow().reservations().stream().noneMatch(r -> r.podUid().equals(uid)));
        // The whole-GPU entry has no bindVerb: kube-scheduler wrote this binding, not the extender.
        assertThat(bindCalls()).isEqualTo(bindsBefore);
    }

    private static String get(String path) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + extender.port() + path)).build();
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Bind calls the extender has answered so far, from its own latency histogram. */
    private static double bindCalls() throws Exception {
        var matcher = java.util.regex.Pattern.compile("(?m)^kubegpu_extender_request_duration_seconds_count\\{verb=\"bind\"} ([0-9.eE+]+)")
                .matcher(get("/metrics"));
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    @Test
    void sharedPodsLandOnATeslaT4AndCarryTheirAssignment() throws Exception {
        V1Pod shared = cluster.createPod("shared-t4", Map.of("aliyun.com/gpu-mem", "8"), Map.of("kubegpu.io/gpu", "8G,0.5(T4)"));
        assertThat(nodeOf(shared)).isEqualTo(t4);
        Map<String, String> annotations = read(shared).getMetadata().getAnnotations();
        assertThat(annotations).containsEntry("kubegpu.io/assigned-node", t4).containsEntry("kubegpu.io/assigned-gpus", "0:8192:500")
                .containsEntry("ALIYUN_COM_GPU_MEM_IDX", "0").containsEntry("ALIYUN_COM_GPU_MEM_POD", "8");
        // Other tests share this node: look for this pod and its slice, not for a total.
        Eventually.until(WAIT, "the extender's state counts the shared pod", () -> extender.state().snapshot().node(t4).orElseThrow().pods()
                .stream().anyMatch(p -> p.uid().equals(shared.getMetadata().getUid())
                        && p.slices().equals(List.of(new io.kubegpu.cluster.state.GpuSlice(0, 8192, 500)))));
    }

    @Test
    void anImpossibleRequestGetsAFailedSchedulingEventWithOurReason() throws Exception {
        V1Pod impossible = cluster.createPod("too-big", Map.of("aliyun.com/gpu-mem", "40"), Map.of("kubegpu.io/gpu", "40G,0.5(T4)"));
        String message = Eventually.value(WAIT, "a FailedScheduling event for too-big", () -> failedSchedulingMessage(impossible));
        assertThat(message).contains("T4 has 16 GiB per GPU; 40G,0.5 needs 40 GiB on one GPU");
        assertThat(read(impossible).getSpec().getNodeName()).isNull();
    }

    /** Reads events raw: client-java 27's strict models are not needed to read one message. */
    private static String failedSchedulingMessage(V1Pod pod) {
        try (Response response = cluster.api.listNamespacedEvent(cluster.namespace)
                .fieldSelector("involvedObject.name=" + pod.getMetadata().getName()).buildCall(null).execute()) {
            JsonObject list = JsonParser.parseString(response.body().string()).getAsJsonObject();
            for (JsonElement item : list.getAsJsonArray("items")) {
                JsonObject event = item.getAsJsonObject();
                if ("FailedScheduling".equals(event.get("reason").getAsString())) {
                    return event.get("message").getAsString();
                }
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void aRetriedBindKeepsItsAssignmentAndCountsAsBound() throws Exception {
        // kube-scheduler retries a bind whose reply it did not get; our second answer must be success, not a new GPU.
        V1Pod shared = cluster.createPod("retried", Map.of("aliyun.com/gpu-mem", "4"), Map.of("kubegpu.io/gpu", "4G,0.25(T4)"));
        String node = nodeOf(shared);
        V1Pod before = read(shared);
        Map<String, String> first = before.getMetadata().getAnnotations();
        Eventually.until(WAIT, "the extender's watch shows the pod bound", () -> extender.state().pod(shared.getMetadata().getUid()) != null);
        String bind = "{\"PodName\":\"" + shared.getMetadata().getName() + "\",\"PodNamespace\":\"" + cluster.namespace
                + "\",\"PodUID\":\"" + shared.getMetadata().getUid() + "\",\"Node\":\"" + node + "\"}";
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + extender.port() + "/bind"))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(bind)).build();
        String reply = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(reply).isEqualTo("{\"Error\":\"\"}");
        assertThat(read(shared).getMetadata().getAnnotations().get("kubegpu.io/assigned-gpus")).isEqualTo(first.get("kubegpu.io/assigned-gpus"));
        // Nothing was allocated or written again: the device plugin may already be using the assigned GPU.
        assertThat(read(shared).getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
        assertThat(read(shared).getMetadata().getAnnotations().get("kubegpu.io/assigned-at")).isEqualTo(first.get("kubegpu.io/assigned-at"));

        // A bind to another node must not claim success for a pod that is bound already.
        String elsewhere = bind.replace("\"Node\":\"" + node + "\"", "\"Node\":\"" + v100 + "\"");
        var other = java.net.http.HttpRequest.newBuilder(request.uri()).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(elsewhere)).build();
        assertThat(java.net.http.HttpClient.newHttpClient().send(other, java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                .contains("is already bound to " + node);
    }
}
