package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.kubegpu.cluster.it.ControlPlaneAccess;
import io.kubegpu.cluster.it.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The webhook Deployment from the jar ({@code --roles=webhook}, the chart's webhook ServiceAccount), behind the rendered
 * MutatingWebhookConfiguration registered on the real API server with a test caBundle and URL (the API server calls
 * loopback over TLS with a certificate its own CA signed): an opted-in GPU pod is admitted mutated, an impossible one is
 * refused with our message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WebhookDeploymentChecks {
    private Workload work;
    private ChartInstall install;
    private RenderedContainer webhook;
    private JarProcess process;
    private ControlPlaneAccess access;
    private String configName;

    @BeforeAll
    void start() throws Exception {
        work = new Workload();
        work.v100("hook-v100", 4, Map.of());
        install = ChartInstall.render(Map.of());
        access = new ControlPlaneAccess();
        Path certs = Files.createTempDirectory(Repo.work(install.release), "webhook-tls");
        access.signServingCertificate(certs);
        webhook = RenderedContainer.of(install, install.fullname() + "-webhook", "webhook").mount("/etc/kube-gpu-extender/tls",
                Map.of("tls.crt", Files.readAllBytes(certs.resolve("tls.crt")), "tls.key", Files.readAllBytes(certs.resolve("tls.key"))));
        process = webhook.start("webhook");
        process.awaitOk(java.net.URI.create("http://127.0.0.1:" + webhook.port("--port") + "/readyz"), Duration.ofSeconds(120));
        configName = install.fullname();
        access.registerWebhook(install.chart.get("MutatingWebhookConfiguration", install.fullname()), configName, webhook.port("--webhook-port"));
    }

    @AfterAll
    void stop() throws Exception {
        if (configName != null) {
            access.unregisterWebhook(configName);
        }
        Closing.all(process, install, work);
    }

    private AdminApi.Answer createOptedIn(String base, String gpu) {
        Map<String, Object> pod = Workload.pod(work.cluster.name(base), "default-scheduler", new Workload.PodSpec(gpu, Map.of(), Map.of(), Map.of()));
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = new java.util.LinkedHashMap<>((Map<String, Object>) pod.get("metadata"));
        metadata.put("labels", Map.of("kubegpu.io/gpu-pod", "true"));
        Map<String, Object> withLabel = new java.util.LinkedHashMap<>(pod);
        withLabel.put("metadata", metadata);
        return AdminApi.get().send("POST", "/api/v1/namespaces/" + work.namespace + "/pods", new Gson().toJson(withLabel));
    }

    @Test
    void anOptedInGpuPodIsMutatedThroughTheApiServer() {
        // The API server takes a new webhook configuration up within a moment; until then pods pass unmutated.
        JsonObject pod = Eventually.value(Workload.WAIT, "the API server calls the webhook", () -> {
            String name = "train-" + System.nanoTime();
            AdminApi.Answer answer = createOptedIn(name, "2(V100)");
            JsonObject created = answer.json();
            if (answer.status() == 201 && "gpu-scheduler".equals(created.getAsJsonObject("spec").get("schedulerName").getAsString())) {
                return created;
            }
            AdminApi.get().send("DELETE", "/api/v1/namespaces/" + work.namespace + "/pods/" + work.cluster.name(name), null);
            return null;
        });
        JsonObject limits = pod.getAsJsonObject("spec").getAsJsonArray("containers").get(0).getAsJsonObject().getAsJsonObject("resources")
                .getAsJsonObject("limits");
        assertThat(limits.get("nvidia.com/gpu").getAsString()).isEqualTo("2");
        assertThat(pod.getAsJsonObject("spec").toString()).contains("Tesla-V100-SXM2-32GB");
        Served.record(webhook);

        // Judged against the cluster the webhook watches with the chart's rights: 16 V100s fit no node of it.
        AdminApi.Answer refused = createOptedIn("too-big", "16(V100)");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("can never be scheduled in this cluster");
    }
}
