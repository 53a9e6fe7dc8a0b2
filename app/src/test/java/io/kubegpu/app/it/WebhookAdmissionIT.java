package io.kubegpu.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.kubernetes.client.openapi.models.V1Pod;
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
 * The webhook as the API server really calls it: the shipped MutatingWebhookConfiguration (the variant for
 * clusters without matchConditions) registered on a real kube-apiserver 1.20 with a caBundle, pods created
 * through the API, and the stored pods checked. The API server applying our patch is the real test of it.
 */
class WebhookAdmissionIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static ControlPlaneAccess access;
    private static TestCluster cluster;
    private static Server server;
    private static String configName;

    @BeforeAll
    static void start() throws Exception {
        access = new ControlPlaneAccess();
        cluster = new TestCluster(ControlPlane.client());
        Path dir = Files.createTempDirectory("webhook-tls");
        access.signServingCertificate(dir);

        server = Server.start(ServerSettings.embedded().withExtender(null).withWebhook(new ServerSettings.WebhookRole(
                ServerSettings.Endpoint.loopback(0), dir.resolve("tls.crt"), dir.resolve("tls.key"), MutationConfig.defaults())));

        @SuppressWarnings("unchecked")
        Map<String, Object> config = new Yaml().load(Files.readString(ControlPlane.repoPath("webhook/deploy/mutating-webhook-v1.16-1.27.yaml")));
        configName = "kube-gpu-extender-it-" + cluster.suffix;
        access.registerWebhook(config, configName, server.webhookPort());
    }

    @AfterAll
    static void stop() throws Exception {
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

    private static V1Pod createOptedIn(String base, String gpu) throws ApiException {
        V1Pod pod = new V1Pod().metadata(new io.kubernetes.client.openapi.models.V1ObjectMeta().name(cluster.name(base))
                        .namespace(cluster.namespace).labels(Map.of("kubegpu.io/gpu-pod", "true")).annotations(Map.of("kubegpu.io/gpu", gpu)))
                .spec(new io.kubernetes.client.openapi.models.V1PodSpec().overhead(null).containers(List.of(
                        new io.kubernetes.client.openapi.models.V1Container().name("trainer").image("registry.invalid/train:1"),
                        new io.kubernetes.client.openapi.models.V1Container().name("exporter").image("registry.invalid/exporter:1"))));
        return cluster.api.createNamespacedPod(cluster.namespace, pod).execute();
    }

    @Test
    void theApiServerStoresTheMutatedPod() throws Exception {
        // The API server picks the new configuration up within a moment: until then a pod goes through unmutated.
        V1Pod stored = Eventually.value(WAIT, "an opted-in pod is mutated", () -> {
            try {
                V1Pod pod = createOptedIn("trainer", "2(V100)");
                var limits = pod.getSpec().getContainers().get(0).getResources().getLimits();
                if (limits != null && limits.containsKey("nvidia.com/gpu")) {
                    return pod;
                }
                cluster.forceDelete(pod);
                return null;
            } catch (ApiException e) {
                return null;
            }
        });
        var trainer = stored.getSpec().getContainers().get(0);
        assertThat(trainer.getResources().getLimits().get("nvidia.com/gpu").toSuffixedString()).isEqualTo("2");
        assertThat(trainer.getResources().getRequests().get("nvidia.com/gpu").toSuffixedString()).isEqualTo("2");
        var exporter = stored.getSpec().getContainers().get(1);
        assertThat(exporter.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("NVIDIA_VISIBLE_DEVICES");
            assertThat(e.getValue()).isEqualTo("none");
        });
        var expression = stored.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().get(0).getMatchExpressions().get(0);
        assertThat(expression.getKey()).isEqualTo("nvidia.com/gpu.product");
        assertThat(expression.getValues()).contains("Tesla-V100-SXM2-32GB");
        assertThat(stored.getSpec().getTolerations()).anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
    }

    @Test
    void anInvalidRequestIsRefusedWithOurMessage() throws Exception {
        Eventually.until(WAIT, "the webhook refuses an invalid string", () -> {
            try {
                cluster.forceDelete(createOptedIn("invalid", "1.5"));
                return false;
            } catch (ApiException e) {
                return e.getResponseBody() != null && e.getResponseBody().contains("kubegpu.io/gpu '1.5' is invalid at column 1");
            }
        });
        assertThatThrownBy(() -> createOptedIn("impossible", "40G,0.5(T4)")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.getResponseBody()).contains("T4 has 16 GiB per GPU; 40G,0.5 needs 40 GiB on one GPU"));
    }

    @Test
    void podsThatDoNotOptInAreUntouched() throws Exception {
        V1Pod plain = cluster.createPod("plain", Map.of("cpu", "1"), Map.of("kubegpu.io/gpu", "2(V100)"));
        assertThat(plain.getSpec().getContainers().get(0).getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
        assertThat(plain.getSpec().getAffinity()).isNull();
    }

    private static void createDeployment(String name, String labels, String autoscale) throws java.io.IOException {
        access.call("POST", "/apis/apps/v1/namespaces/" + cluster.namespace + "/deployments", """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s","labels":{%s},
                  "annotations":{"kubegpu.io/autoscale":"%s","kubegpu.io/autoscale-max":"4"}},
                 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"%1$s"}},
                  "template":{"metadata":{"labels":{"app":"%1$s"}},"spec":{"containers":[{"name":"c","image":"registry.invalid/infer:1"}]}}}}"""
                .formatted(name, labels, autoscale));
    }

    @Test
    void anOptedInDeploymentWithAnInvalidAutoscaleStringIsRefusedWithCodeAndColumn() throws Exception {
        String optedIn = "\"kubegpu.io/autoscaled\":\"true\"";
        Eventually.until(WAIT, "the webhook refuses cpu:150%", () -> {
            try {
                createDeployment(cluster.name("refused"), optedIn, "cpu:150%");
                return false;
            } catch (java.io.IOException e) {
                return e.getMessage().contains("kubegpu.io/autoscale 'cpu:150%': PERCENT_OUT_OF_RANGE at column 5");
            }
        });
        createDeployment(cluster.name("valid"), optedIn, "cpu:50%,gpu:60%");
        // Not opted in: not sent to the webhook (the autoscale controller reports it in an Event instead).
        createDeployment(cluster.name("unlabelled"), "", "cpu:150%");
    }
}
