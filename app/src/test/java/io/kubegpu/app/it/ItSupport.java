package io.kubegpu.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.ControlPlaneAccess;
import io.kubegpu.cluster.it.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the preemption and elastic-shrink tests share: the shipped kube-scheduler, PriorityClasses, Events, our endpoints. */
final class ItSupport {
    /** kube-scheduler 1.20.2's panic on a preemption candidate without victims (default_preemption.go:475). */
    static final String PICK_ONE_NODE_PANIC = "index out of range [0] with length 0";

    private ItSupport() {
    }

    /**
     * Starts kube-scheduler 1.20 with {@code scheduler-config/kube-scheduler-v1beta1.yaml} as shipped (its preempt verb
     * included), pointed at the extender on {@code port}; only the kubeconfig, leader election and health port differ.
     */
    static void startShippedScheduler(Path kubeconfig, int port) throws Exception {
        startShippedScheduler(kubeconfig, port, "kube-scheduler");
    }

    /** The shipped configuration pointed at {@code port}, run by {@code binary} of the control-plane scripts' build. */
    static void startShippedScheduler(Path kubeconfig, int port, String binary) throws Exception {
        String shipped = Files.readString(ControlPlane.repoPath("scheduler-config/kube-scheduler-v1beta1.yaml"));
        assertThat(shipped).contains("preemptVerb: preempt");
        String config = shipped.replace("/etc/kubernetes/scheduler.conf", kubeconfig.toString())
                .replace("http://127.0.0.1:8888", "http://127.0.0.1:" + port)
                .replace("leaderElect: true", "leaderElect: false")
                .replace("127.0.0.1:10251", "127.0.0.1:10351");
        Path file = Files.createTempFile("kube-scheduler", ".yaml");
        file.toFile().deleteOnExit();
        Files.writeString(file, config);
        ControlPlane.startScheduler(file, binary);
    }

    /** kube-scheduler is still up and never panicked. */
    static void assertSchedulerSurvived() {
        assertThat(ControlPlane.schedulerRunning()).as("kube-scheduler is still running").isTrue();
        assertThat(ControlPlane.schedulerLog()).doesNotContain(PICK_ONE_NODE_PANIC).doesNotContain("Observed a panic");
    }

    /** Creates a run-unique PriorityClass and returns its name. */
    static String priorityClass(ControlPlaneAccess access, TestCluster cluster, String tier, int value, String preemptionPolicy) throws Exception {
        String name = cluster.name("it-" + tier);
        access.call("POST", "/apis/scheduling.k8s.io/v1/priorityclasses", """
                {"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"%s"},"value":%d,
                 "preemptionPolicy":"%s"}""".formatted(name, value, preemptionPolicy));
        return name;
    }

    static void deletePriorityClasses(ControlPlaneAccess access, String... names) {
        for (String name : names) {
            if (name != null) {
                try {
                    access.call("DELETE", "/apis/scheduling.k8s.io/v1/priorityclasses/" + name, null);
                } catch (Exception e) {
                    // Unique per run: a leftover harms no later run.
                }
            }
        }
    }

    /** The Events of an object of the test's namespace, read raw (client-java 27's strict models are not needed for them). */
    static List<JsonObject> events(TestCluster cluster, String name) {
        try (okhttp3.Response response = cluster.api.listNamespacedEvent(cluster.namespace).fieldSelector("involvedObject.name=" + name)
                .buildCall(null).execute()) {
            List<JsonObject> out = new ArrayList<>();
            JsonParser.parseString(response.body().string()).getAsJsonObject().getAsJsonArray("items").forEach(e -> out.add(e.getAsJsonObject()));
            return out;
        } catch (Exception e) {
            return List.of();
        }
    }

    /** The message of an Event of {@code name} with {@code reason} that starts with {@code prefix}, or null. */
    static String event(TestCluster cluster, String name, String reason, String prefix) {
        return events(cluster, name).stream().filter(e -> reason.equals(e.get("reason").getAsString()))
                .map(e -> e.get("message").getAsString()).filter(m -> m.startsWith(prefix)).findFirst().orElse(null);
    }

    /** {@code GET path} on our server on {@code port} (its /metrics, /explain/…). */
    static String get(int port, String path) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).build();
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }
}
