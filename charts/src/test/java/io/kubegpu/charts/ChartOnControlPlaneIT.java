package io.kubegpu.charts;

import static io.kubegpu.charts.RenderedChart.FULLNAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.app.server.Server;
import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.ControlPlaneAccess;
import io.kubegpu.cluster.it.Eventually;
import io.kubegpu.cluster.it.TestCluster;
import io.kubegpu.cluster.model.ModelLabelSource;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.service.FilterMode;
import io.kubegpu.request.GrammarConfig;
import io.kubegpu.webhook.mutation.MutationConfig;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What the chart renders for a 1.20 cluster, on the real control plane of the integration tier: kube-scheduler
 * 1.20 runs the rendered KubeSchedulerConfiguration (only the kubeconfig, the extender's port, the health
 * port and the lease namespace changed for a process outside the cluster), the rendered
 * MutatingWebhookConfiguration is registered with a test caBundle and URL, and an opted-in pod carrying
 * only its GPU string goes webhook → GPU scheduler profile → our extender → the right node.
 */
class ChartOnControlPlaneIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static ControlPlaneAccess access;
    private static TestCluster cluster;
    private static Server server;
    private static String configName;
    private static String v100;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void start() throws Exception {
        Path kubeconfig = ControlPlane.kubeconfig();
        access = new ControlPlaneAccess();
        cluster = new TestCluster(ControlPlane.client());
        v100 = cluster.createNode("chart-v100", Map.of("nvidia.com/gpu.product", "Tesla-V100-SXM2-32GB", "nvidia.com/gpu.memory", "32510"),
                Map.of("nvidia.com/gpu", "4", "cpu", "32", "memory", "256Gi"));
        cluster.createNode("chart-t4", Map.of("nvidia.com/gpu.product", "Tesla-T4"), Map.of("nvidia.com/gpu", "4", "cpu", "32", "memory", "128Gi"));
        RenderedChart chart = RenderedChart.render("1.20.2", Map.of());

        Path dir = Files.createTempDirectory("chart-it");
        access.signServingCertificate(dir);
        MutationConfig defaults = MutationConfig.defaults();
        MutationConfig mutation = new MutationConfig(defaults.grammar(), defaults.catalog(), defaults.modelLabel(), defaults.sharedResource(),
                defaults.sharedUnitMiB(), defaults.tolerations(), "gpu-scheduler", true, Map.of());
        server = Server.start(ServerSettings.embedded().withSource(new ServerSettings.ClusterSource.Kubernetes(kubeconfig))
                .withExtender(ServerSettings.ExtenderRole.defaults().withPolicy(Policy.BINPACK).withSchedulers(java.util.Set.of("gpu-scheduler")))
                .withWebhook(new ServerSettings.WebhookRole(ServerSettings.Endpoint.loopback(0), dir.resolve("tls.crt"), dir.resolve("tls.key"),
                        mutation)));
        Eventually.until(WAIT, "the extender's cluster state has synced", () -> server.state().snapshot().synced());

        Map<String, Object> scheduler = new Yaml().load((String) ((Map<String, Object>) chart.get("ConfigMap", FULLNAME + "-scheduler")
                .get("data")).get("config.yaml"));
        ((Map<String, Object>) scheduler.get("clientConnection")).put("kubeconfig", kubeconfig.toString());
        ((Map<String, Object>) scheduler.get("leaderElection")).put("resourceNamespace", cluster.namespace);
        scheduler.put("healthzBindAddress", "127.0.0.1:10352");
        scheduler.put("metricsBindAddress", "127.0.0.1:10352");
        ((List<Map<String, Object>>) scheduler.get("extenders")).get(0).put("urlPrefix", "http://127.0.0.1:" + server.port());
        Path config = dir.resolve("scheduler.yaml");
        Files.writeString(config, new Yaml().dump(scheduler));
        ControlPlane.startScheduler(config);

        configName = "chart-it-" + cluster.suffix;
        access.registerWebhook(chart.get("MutatingWebhookConfiguration", FULLNAME), configName, server.webhookPort());
    }

    @AfterAll
    static void stop() throws Exception {
        ControlPlane.stopScheduler();
        if (configName != null) {
            access.unregisterWebhook(configName);
        }
        if (server != null) {
            server.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static V1Pod create(String base, boolean optIn, String gpu) throws ApiException {
        V1Pod pod = new V1Pod().metadata(new V1ObjectMeta().name(cluster.name(base)).namespace(cluster.namespace)
                        .labels(optIn ? Map.of("kubegpu.io/gpu-pod", "true") : Map.of()).annotations(Map.of("kubegpu.io/gpu", gpu)))
                .spec(new V1PodSpec().overhead(null).containers(List.of(new V1Container().name("train").image("registry.invalid/train:1"))));
        return cluster.api.createNamespacedPod(cluster.namespace, pod).execute();
    }

    @Test
    void anOptedInPodGoesThroughTheWebhookAndTheGpuSchedulerToItsModel() throws Exception {
        // The API server takes the new webhook configuration up within a moment; until then pods pass unmutated.
        V1Pod mutated = Eventually.value(WAIT, "an opted-in pod is mutated", () -> {
            try {
                V1Pod pod = create("train", true, "2(V100)");
                if ("gpu-scheduler".equals(pod.getSpec().getSchedulerName())) {
                    return pod;
                }
                cluster.forceDelete(pod);
                return null;
            } catch (ApiException e) {
                return null;
            }
        });
        assertThat(mutated.getSpec().getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu").toSuffixedString())
                .isEqualTo("2");
        String node = Eventually.value(WAIT, "the pod is bound", () -> {
            try {
                return cluster.api.readNamespacedPod(mutated.getMetadata().getName(), cluster.namespace).execute().getSpec().getNodeName();
            } catch (ApiException e) {
                return null;
            }
        });
        assertThat(node).isEqualTo(v100);
    }

    @Test
    void podsThatDoNotOptInAreNeitherMutatedNorScheduledByTheGpuProfile() throws Exception {
        V1Pod plain = create("plain", false, "2(V100)");
        assertThat(plain.getSpec().getSchedulerName()).isEqualTo("default-scheduler");
        assertThat(plain.getSpec().getContainers().get(0).getResources().getLimits()).isNullOrEmpty();
    }

    @Test
    void theSchedulerHoldsItsProfilesLease() {
        String holder = Eventually.value(WAIT, "the gpu-scheduler lease has a holder", () -> {
            try {
                return new CoordinationV1Api(ControlPlane.client()).readNamespacedLease("gpu-scheduler", cluster.namespace).execute()
                        .getSpec().getHolderIdentity();
            } catch (Exception e) {
                return null;
            }
        });
        assertThat(holder).isNotBlank();
    }
}
