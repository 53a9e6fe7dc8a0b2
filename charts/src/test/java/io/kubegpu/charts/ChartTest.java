package io.kubegpu.charts;

import static io.kubegpu.charts.RenderedChart.FULLNAME;
import static io.kubegpu.charts.RenderedChart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart through the real Helm: lint, several value combinations, and the schema. */
class ChartTest {
    private static final RenderedChart DEFAULTS = RenderedChart.render(Map.of());

    @Test
    void lintsCleanInStrictMode() {
        LintResult lint = new Helm(RenderedChart.chartDir()).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void defaultsRenderTheSchedulerWebhookAndScorer() {
        assertThat(DEFAULTS.names()).contains("Deployment/" + FULLNAME + "-scheduler", "Deployment/" + FULLNAME + "-webhook",
                "Deployment/" + FULLNAME + "-scorer", "MutatingWebhookConfiguration/" + FULLNAME, "PodDisruptionBudget/" + FULLNAME + "-webhook",
                "Service/" + FULLNAME + "-webhook", "Secret/" + FULLNAME + "-webhook-tls", "ConfigMap/" + FULLNAME + "-scheduler");
        assertThat(DEFAULTS.kinds()).doesNotContain("ServiceMonitor", "PrometheusRule", "Certificate");
        V1Deployment scheduler = DEFAULTS.typed("Deployment", FULLNAME + "-scheduler", V1Deployment.class);
        assertThat(scheduler.getSpec().getReplicas()).isEqualTo(2);
        V1Container kubeScheduler = container(scheduler, "kube-scheduler");
        assertThat(kubeScheduler.getImage()).isEqualTo("registry.k8s.io/kube-scheduler:v1.28.3");
        assertThat(kubeScheduler.getLivenessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
        V1Container extender = container(scheduler, "extender");
        assertThat(extender.getImage()).isEqualTo("ghcr.io/kubegpu/kube-gpu-extender:0.1.0");
        assertThat(extender.getArgs()).contains("serve", "--roles=extender,scorer,console", "--in-cluster", "--port=8888", "--policy=fragmentation",
                "--filter-returns=best", "--utilization=prometheus", "--node-labels=gfd,gpu-type");
        // The verbs only for kube-scheduler in the same pod; probes and metrics on their own port.
        assertThat(extender.getArgs()).contains("--host=127.0.0.1", "--health-port=8889", "--scheduler-name=gpu-scheduler")
                .doesNotContain("--host=0.0.0.0");
        assertThat(extender.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort()).containsExactly("health:8889", "console:8090");
        assertThat(extender.getReadinessProbe().getHttpGet().getPort().getIntValue()).isEqualTo(8889);
        var service = DEFAULTS.typed("Service", FULLNAME + "-scheduler", io.kubernetes.client.openapi.models.V1Service.class);
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getTargetPort().getStrValue()).containsExactly("health");
        assertThat(extender.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("CONTROL_API_ENABLED");
            assertThat(e.getValue()).isEqualTo("false");
        });
        V1Deployment webhook = DEFAULTS.typed("Deployment", FULLNAME + "-webhook", V1Deployment.class);
        assertThat(webhook.getSpec().getReplicas()).isEqualTo(2);
        assertThat(webhook.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()).isNotNull();
        assertThat(container(webhook, "webhook").getArgs()).contains("--roles=webhook", "--scheduler-name=gpu-scheduler",
                "--gpu-toleration=nvidia.com/gpu:NoSchedule", "--webhook-tls-cert=/etc/kube-gpu-extender/tls/tls.crt");
        V1Deployment scorer = DEFAULTS.typed("Deployment", FULLNAME + "-scorer", V1Deployment.class);
        assertThat(scorer.getSpec().getReplicas()).isEqualTo(1);
        assertThat(scorer.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        // The custom metrics API (on by default) checks its callers with the API server.
        assertThat(scorer.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isTrue();
        assertThat(container(scorer, "scorer").getEnv()).extracting(e -> e.getName()).doesNotContain("AI_API_KEY", "CONFIG_API_TOKEN");
    }

    @Test
    void everyContainerIsNonRootReadOnlyWithoutCapabilitiesWithProbesAndLimits() {
        for (V1Deployment deployment : DEFAULTS.all("Deployment", V1Deployment.class)) {
            var pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(deployment.getMetadata().getName()).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            for (V1Container container : pod.getContainers()) {
                String what = deployment.getMetadata().getName() + "/" + container.getName();
                assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(what).isTrue();
                assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as(what).isFalse();
                assertThat(container.getSecurityContext().getCapabilities().getDrop()).as(what).containsExactly("ALL");
                assertThat(container.getResources().getRequests()).as(what).containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits()).as(what).containsKey("memory");
                assertThat(container.getLivenessProbe()).as(what).isNotNull();
                assertThat(container.getReadinessProbe()).as(what).isNotNull();
                if (!container.getName().equals("kube-scheduler")) {
                    assertThat(container.getLivenessProbe().getHttpGet().getPath()).as(what).isEqualTo("/healthz");
                    assertThat(container.getReadinessProbe().getHttpGet().getPath()).as(what).isEqualTo("/readyz");
                }
            }
        }
    }

    @Test
    void rbacIsLeastPrivilegeWithoutWildcards() {
        for (V1ClusterRole role : DEFAULTS.all("ClusterRole", V1ClusterRole.class)) {
            for (V1PolicyRule rule : role.getRules()) {
                assertThat(rule.getVerbs()).as(role.getMetadata().getName()).doesNotContain("*");
                assertThat(rule.getResources()).as(role.getMetadata().getName()).doesNotContain("*");
                assertThat(rule.getApiGroups()).as(role.getMetadata().getName()).doesNotContain("*");
            }
        }
        V1ClusterRole extender = DEFAULTS.typed("ClusterRole", FULLNAME + "-extender", V1ClusterRole.class);
        assertThat(extender.getRules()).extracting(r -> r.getResources() + ":" + r.getVerbs())
                .containsExactly("[nodes]:[list, watch]", "[pods]:[get, list, watch]", "[pods/binding]:[create]");
        V1ClusterRole webhook = DEFAULTS.typed("ClusterRole", FULLNAME + "-webhook", V1ClusterRole.class);
        assertThat(webhook.getRules()).extracting(r -> r.getResources() + ":" + r.getVerbs()).containsExactly("[nodes]:[list, watch]");
        V1Role leases = DEFAULTS.typed("Role", FULLNAME + "-scheduler-leader-election", V1Role.class);
        assertThat(leases.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(leases.getRules()).anySatisfy(r -> {
            assertThat(r.getResourceNames()).containsExactly("gpu-scheduler");
            assertThat(r.getVerbs()).containsExactly("get", "update");
        });
        assertThat(DEFAULTS.names()).contains("ClusterRoleBinding/" + FULLNAME + "-kube-scheduler",
                "ClusterRoleBinding/" + FULLNAME + "-volume-scheduler", "RoleBinding/" + FULLNAME + "-scheduler-authentication-reader");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> schedulerConfig(RenderedChart chart) {
        V1ConfigMap map = chart.typed("ConfigMap", FULLNAME + "-scheduler", V1ConfigMap.class);
        return new org.yaml.snakeyaml.Yaml().load(map.getData().get("config.yaml"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSchedulerConfigurationMatchesTheClustersVersion() {
        Map<String, Object> v1 = schedulerConfig(DEFAULTS);
        assertThat(v1.get("apiVersion")).isEqualTo("kubescheduler.config.k8s.io/v1");
        assertThat(v1).doesNotContainKey("healthzBindAddress");
        assertThat((Map<String, Object>) v1.get("clientConnection")).containsEntry("qps", 500).containsEntry("burst", 1000);
        assertThat((Map<String, Object>) v1.get("leaderElection")).containsEntry("leaderElect", true)
                .containsEntry("resourceName", "gpu-scheduler").containsEntry("resourceNamespace", NAMESPACE);
        assertThat((List<Map<String, Object>>) v1.get("profiles")).extracting(p -> p.get("schedulerName")).containsExactly("gpu-scheduler");
        // Whole GPUs: filtered by the extender, bound by kube-scheduler; shares: bound by the extender too.
        List<Map<String, Object>> extenders = (List<Map<String, Object>>) v1.get("extenders");
        assertThat(extenders).hasSize(2);
        Map<String, Object> whole = extenders.get(0);
        assertThat(whole).containsEntry("urlPrefix", "http://127.0.0.1:8888").containsEntry("filterVerb", "filter")
                .containsEntry("prioritizeVerb", "prioritize").containsEntry("preemptVerb", "preempt").doesNotContainKey("bindVerb").containsEntry("nodeCacheCapable", true)
                .containsEntry("ignorable", false).containsEntry("weight", 5).containsEntry("httpTimeout", "5s");
        assertThat((List<Map<String, Object>>) whole.get("managedResources")).extracting(r -> r.get("name")).containsExactly("nvidia.com/gpu");
        Map<String, Object> shares = extenders.get(1);
        assertThat(shares).containsEntry("urlPrefix", "http://127.0.0.1:8888").containsEntry("bindVerb", "bind").containsEntry("preemptVerb", "preempt")
                .containsEntry("nodeCacheCapable", true).containsEntry("ignorable", false);
        assertThat((List<Map<String, Object>>) shares.get("managedResources")).extracting(r -> r.get("name"))
                .containsExactly("aliyun.com/gpu-mem");

        Map<String, Object> v1beta1 = schedulerConfig(RenderedChart.render("1.20.2", Map.of()));
        assertThat(v1beta1.get("apiVersion")).isEqualTo("kubescheduler.config.k8s.io/v1beta1");
        assertThat(v1beta1).containsEntry("healthzBindAddress", "0.0.0.0:10251");
        assertThat(schedulerConfig(RenderedChart.render("1.23.17", Map.of())).get("apiVersion"))
                .isEqualTo("kubescheduler.config.k8s.io/v1beta3");
        assertThat(schedulerConfig(RenderedChart.render("1.22.4", Map.of())).get("apiVersion"))
                .isEqualTo("kubescheduler.config.k8s.io/v1beta2");
        RenderedChart old = RenderedChart.render("1.20.2", Map.of());
        assertThat(container(old.typed("Deployment", FULLNAME + "-scheduler", V1Deployment.class), "kube-scheduler").getImage())
                .isEqualTo("registry.k8s.io/kube-scheduler:v1.20.2");
        assertThat(old.get("PodDisruptionBudget", FULLNAME + "-webhook").get("apiVersion")).isEqualTo("policy/v1beta1");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theShippedSchedulerConfigurationsExtendersMatchTheChartsRendering() throws Exception {
        for (var pair : Map.of("kube-scheduler-v1.yaml", "1.28.3", "kube-scheduler-v1beta1.yaml", "1.20.2").entrySet()) {
            Map<String, Object> shipped = new org.yaml.snakeyaml.Yaml().load(Files.readString(Path.of("..", "scheduler-config", pair.getKey())));
            Map<String, Object> rendered = schedulerConfig(RenderedChart.render(pair.getValue(), Map.of()));
            assertThat(shipped.get("apiVersion")).as(pair.getKey()).isEqualTo(rendered.get("apiVersion"));
            assertThat(shipped.get("extenders")).as(pair.getKey()).isEqualTo(rendered.get("extenders"));
            Map<String, Object> connection = (Map<String, Object>) shipped.get("clientConnection");
            assertThat(connection).as(pair.getKey()).containsEntry("qps", 500).containsEntry("burst", 1000);
        }
    }

    @Test
    void priorityTiersShipAsPriorityClassesTheWebhookMapsTo() {
        // high and normal may preempt; low never does, and sits below pods of no class (priority 0).
        Map<String, Object> high = DEFAULTS.get("PriorityClass", "kubegpu-high");
        assertThat(high).containsEntry("apiVersion", "scheduling.k8s.io/v1").containsEntry("value", 1000000)
                .containsEntry("preemptionPolicy", "PreemptLowerPriority").containsEntry("globalDefault", false);
        assertThat(DEFAULTS.get("PriorityClass", "kubegpu-normal")).containsEntry("value", 0).containsEntry("preemptionPolicy", "PreemptLowerPriority");
        assertThat(DEFAULTS.get("PriorityClass", "kubegpu-low")).containsEntry("value", -1000).containsEntry("preemptionPolicy", "Never");
        V1Deployment webhook = DEFAULTS.typed("Deployment", FULLNAME + "-webhook", V1Deployment.class);
        assertThat(container(webhook, "webhook").getArgs())
                .contains("--priority-tiers=high=kubegpu-high:1000000,normal=kubegpu-normal:0,low=kubegpu-low:-1000");
        RenderedChart off = RenderedChart.render(Map.of("priorityTiers.enabled", "false"));
        assertThat(off.names()).noneMatch(name -> name.startsWith("PriorityClass/"));
        assertThat(container(off.typed("Deployment", FULLNAME + "-webhook", V1Deployment.class), "webhook").getArgs())
                .noneMatch(arg -> arg.startsWith("--priority-tiers"));
    }

    @Test
    void theControllersRunTheElasticShrinkWithItsOwnRulesOnly() {
        V1Deployment controllers = DEFAULTS.typed("Deployment", FULLNAME + "-controllers", V1Deployment.class);
        assertThat(container(controllers, "controllers").getArgs()).contains("--roles=controllers", "--elastic-wait=60", "--elastic-dry-run=false");
        V1ClusterRole role = DEFAULTS.typed("ClusterRole", FULLNAME + "-controllers", V1ClusterRole.class);
        assertThat(role.getRules()).extracting(r -> r.getApiGroups() + r.getResources().toString() + ":" + r.getVerbs())
                .contains("[apps][deployments]:[list, watch, patch]", "[policy][poddisruptionbudgets]:[list]");
    }

    @Test
    void theWebhookIsScopedToOptedInPodsAndTrustsTheGeneratedCa() {
        var config = DEFAULTS.typed("MutatingWebhookConfiguration", FULLNAME, V1MutatingWebhookConfiguration.class);
        var hook = config.getWebhooks().get(0);
        assertThat(hook.getFailurePolicy()).isEqualTo("Fail");
        assertThat(hook.getTimeoutSeconds()).isEqualTo(5);
        assertThat(hook.getSideEffects()).isEqualTo("NoneOnDryRun");
        assertThat(hook.getObjectSelector().getMatchLabels()).containsExactly(Map.entry("kubegpu.io/gpu-pod", "true"));
        assertThat(hook.getRules().get(0).getOperations()).containsExactly("CREATE");
        assertThat(hook.getRules().get(0).getResources()).containsExactly("pods");
        assertThat(hook.getClientConfig().getService().getName()).isEqualTo(FULLNAME + "-webhook");
        assertThat(hook.getClientConfig().getService().getNamespace()).isEqualTo(NAMESPACE);
        V1Secret tls = DEFAULTS.typed("Secret", FULLNAME + "-webhook-tls", V1Secret.class);
        assertThat(hook.getClientConfig().getCaBundle()).isEqualTo(tls.getData().get("ca.crt"));
        assertThat(new String(tls.getData().get("tls.crt"))).startsWith("-----BEGIN CERTIFICATE-----");

        var byNamespace = RenderedChart.render(Map.of("webhook.scope", "namespace"))
                .typed("MutatingWebhookConfiguration", FULLNAME, V1MutatingWebhookConfiguration.class).getWebhooks().get(0);
        assertThat(byNamespace.getObjectSelector()).isNull();
        assertThat(byNamespace.getNamespaceSelector().getMatchLabels()).containsExactly(Map.entry("kubegpu.io/gpu-webhook", "enabled"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void certManagerReplacesTheGeneratedCertificate() {
        RenderedChart chart = RenderedChart.render(Map.of("webhook.certManager.enabled", "true"));
        assertThat(chart.find("Secret", FULLNAME + "-webhook-tls")).isEmpty();
        var config = chart.typed("MutatingWebhookConfiguration", FULLNAME, V1MutatingWebhookConfiguration.class);
        assertThat(config.getMetadata().getAnnotations()).containsEntry("cert-manager.io/inject-ca-from", NAMESPACE + "/" + FULLNAME + "-webhook");
        assertThat(config.getWebhooks().get(0).getClientConfig().getCaBundle()).isNull();
        Map<String, Object> certificate = chart.get("Certificate", FULLNAME + "-webhook");
        Map<String, Object> spec = (Map<String, Object>) certificate.get("spec");
        assertThat(spec).containsEntry("secretName", FULLNAME + "-webhook-tls");
        assertThat((List<String>) spec.get("dnsNames")).contains(FULLNAME + "-webhook." + NAMESPACE + ".svc");
        assertThat(chart.names()).contains("Issuer/" + FULLNAME + "-selfsigned", "Issuer/" + FULLNAME + "-ca");

        RenderedChart external = RenderedChart.render(Map.of("webhook.certManager.enabled", "true", "webhook.certManager.issuerRef.name",
                "corp-ca", "webhook.certManager.issuerRef.kind", "ClusterIssuer"));
        assertThat(external.kinds()).doesNotContain("Issuer");
        assertThat((Map<String, Object>) ((Map<String, Object>) external.get("Certificate", FULLNAME + "-webhook").get("spec")).get("issuerRef"))
                .containsEntry("name", "corp-ca").containsEntry("kind", "ClusterIssuer");
    }

    @Test
    void theScorerConfigurationIsOneTheScorerAcceptsAndSecretsAreReferencedByName(@TempDir Path dir) throws Exception {
        RenderedChart chart = RenderedChart.render(Map.of("scorer.secrets.aiApiKey.name", "openai", "scorer.secrets.configApiToken.name",
                "scorer-admin", "scorer.config.threshold", "25", "scorer.config.thresholds.idle", "5",
                "scorer.secrets.slackWebhookUrl.name", "slack-hook", "scorer.secrets.smtpPassword.name", "smtp"));
        V1ConfigMap map = chart.typed("ConfigMap", FULLNAME + "-scorer", V1ConfigMap.class);
        Path file = dir.resolve("scorer.yaml");
        Files.writeString(file, map.getData().get("scorer.yaml"));
        ScorerConfig loaded = ScorerConfigLoader.load(file, Map.of());
        assertThat(loaded.threshold()).isEqualTo(25);
        assertThat(loaded.thresholds().idle()).as("the monitor's nested keys beside the flat ones").isEqualTo(5);
        assertThat(loaded.promUrl()).isEqualTo("http://prometheus-operated.monitoring.svc:9090");
        var env = container(chart.typed("Deployment", FULLNAME + "-scorer", V1Deployment.class), "scorer").getEnv();
        assertThat(env).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("AI_API_KEY");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("openai");
            assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("api-key");
        });
        assertThat(env).anySatisfy(e -> assertThat(e.getName()).isEqualTo("CONFIG_API_TOKEN"));
        assertThat(env).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("SLACK_WEBHOOK_URL");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("slack-hook");
            assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("webhook-url");
        });
        assertThat(env).anySatisfy(e -> assertThat(e.getName()).isEqualTo("SMTP_PASSWORD"));
        assertThat(env).noneSatisfy(e -> assertThat(e.getName()).isEqualTo("FEISHU_WEBHOOK_URL"));
        var ports = container(chart.typed("Deployment", FULLNAME + "-scorer", V1Deployment.class), "scorer").getPorts();
        assertThat(ports).anySatisfy(p -> assertThat(p.getContainerPort()).as("the monitor's port").isEqualTo(8080));
        assertThat(chart.text()).doesNotContain("sk-");
    }

    @Test
    void withoutADedicatedSchedulerTheWebhookLeavesTheSchedulerNameAlone() {
        // The controllers' lease Role aside (controllers.enabled), no Role is left without the scheduler.
        RenderedChart chart = RenderedChart.render(Map.of("scheduler.enabled", "false", "controllers.enabled", "false"));
        assertThat(chart.find("Deployment", FULLNAME + "-scheduler")).isEmpty();
        assertThat(chart.names()).noneMatch(n -> n.startsWith("Role/") && n.contains("scheduler"));
        assertThat(container(chart.typed("Deployment", FULLNAME + "-webhook", V1Deployment.class), "webhook").getArgs())
                .noneMatch(a -> a.startsWith("--scheduler-name"));
    }

    private static List<String> extenderArgs(RenderedChart chart) {
        V1Deployment deployment = chart.names().contains("Deployment/" + FULLNAME + "-scheduler")
                ? chart.typed("Deployment", FULLNAME + "-scheduler", V1Deployment.class)
                : chart.typed("Deployment", FULLNAME + "-extender", V1Deployment.class);
        return container(deployment, "extender").getArgs();
    }

    /**
     * kube-scheduler 1.20.0-1.20.9 and 1.21.0-1.21.3 never call the preempt verb and crash on a preemption candidate without
     * victims: the extender serving one answers "no fit" as an error. The version is the chart's own kube-scheduler's
     * (its image tag, else the cluster's), or the cluster's for a standalone extender; a tag that is no version gets the
     * answer safe with all.
     */
    @Test
    void noFitIsAnErrorForTheKubeSchedulersThatNeverCallThePreemptVerb() {
        Map<String, String> byVersion = Map.of("1.19.16", "error", "1.20.2", "error", "1.20.9", "error", "1.20.10", "failed-nodes",
                "1.21.3", "error", "1.21.4", "failed-nodes", "1.22.4", "failed-nodes", "1.28.3", "failed-nodes");
        byVersion.forEach((version, reply) -> assertThat(extenderArgs(RenderedChart.render(version, Map.of()))).as(version)
                .contains("--no-fit-reply=" + reply));
        // The dedicated scheduler's image decides, not the cluster's version.
        assertThat(extenderArgs(RenderedChart.render("1.20.2", Map.of("scheduler.image.tag", "v1.20.15")))).contains("--no-fit-reply=failed-nodes");
        assertThat(extenderArgs(RenderedChart.render("1.28.3", Map.of("scheduler.image.tag", "v1.21.2")))).contains("--no-fit-reply=error");
        assertThat(extenderArgs(RenderedChart.render("1.28.3", Map.of("scheduler.image.tag", "latest")))).contains("--no-fit-reply=error");
        // A standalone extender serves the cluster's own kube-scheduler.
        assertThat(extenderArgs(RenderedChart.render("1.20.2", Map.of("scheduler.enabled", "false", "extender.standalone", "true"))))
                .contains("--no-fit-reply=error");
        // Set by hand, it is passed as it is.
        assertThat(extenderArgs(RenderedChart.render("1.20.2", Map.of("extender.noFitReply", "failed-nodes")))).contains("--no-fit-reply=failed-nodes");
    }

    @Test
    void theDefaultSchedulerCanCallAStandaloneExtender() {
        RenderedChart chart = RenderedChart.render(Map.of("scheduler.enabled", "false", "extender.standalone", "true"));
        V1Deployment extender = chart.typed("Deployment", FULLNAME + "-extender", V1Deployment.class);
        assertThat(extender.getSpec().getReplicas()).isEqualTo(1);
        assertThat(extender.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(FULLNAME + "-extender");
        assertThat(container(extender, "extender").getArgs()).contains("--roles=extender,scorer,console", "--in-cluster", "--host=0.0.0.0",
                "--tls-cert=/etc/kube-gpu-extender/extender-tls/tls.crt", "--tls-client-ca=/etc/kube-gpu-extender/extender-tls/ca.crt");
        // The verbs need kube-scheduler's client certificate, issued by this release with the serving one.
        V1Secret tls = chart.typed("Secret", FULLNAME + "-extender-tls", V1Secret.class);
        assertThat(tls.getData()).containsKeys("ca.crt", "tls.crt", "tls.key", "client.crt", "client.key");
        var policy = chart.typed("NetworkPolicy", FULLNAME + "-extender", io.kubernetes.client.openapi.models.V1NetworkPolicy.class);
        assertThat(policy.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector().getMatchLabels())
                .containsEntry("component", "kube-scheduler");
        assertThat(policy.getSpec().getIngress().get(0).getPorts()).extracting(p -> p.getPort().getIntValue()).containsExactly(8888);
        assertThat(chart.names()).contains("Service/" + FULLNAME + "-extender", "ClusterRole/" + FULLNAME + "-extender")
                .doesNotContain("ClusterRoleBinding/" + FULLNAME + "-kube-scheduler");
        var binding = chart.typed("ClusterRoleBinding", FULLNAME + "-extender", io.kubernetes.client.openapi.models.V1ClusterRoleBinding.class);
        assertThat(binding.getSubjects()).extracting(s -> s.getName()).containsExactly(FULLNAME + "-extender");
        assertThat(RenderedChart.render(Map.of("scheduler.enabled", "false", "controllers.enabled", "false")).kinds()).doesNotContain("Role");
    }

    @Test
    void theConsoleRunsInTheExtendersContainerBehindItsOwnService() {
        V1Container extender = container(DEFAULTS.typed("Deployment", FULLNAME + "-scheduler", V1Deployment.class), "extender");
        assertThat(extender.getArgs()).contains("--console-port=8090", "--console-host=0.0.0.0").noneMatch(a -> a.startsWith("--console-token-file"));
        var service = DEFAULTS.typed("Service", FULLNAME + "-console", io.kubernetes.client.openapi.models.V1Service.class);
        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getSelector()).containsEntry("app.kubernetes.io/component", "scheduler");
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getPort() + ">" + p.getTargetPort().getStrValue()).containsExactly("8090>console");

        RenderedChart configured = RenderedChart.render(Map.of("console.tokenSecret", "gpu-console-token", "console.teamGroups.research[0]", "team-nlp",
                "console.teamGroups.research[1]", "team-llm", "networkPolicy.enabled", "true"));
        V1Deployment scheduler = configured.typed("Deployment", FULLNAME + "-scheduler", V1Deployment.class);
        assertThat(container(scheduler, "extender").getArgs()).contains("--console-token-file=/etc/kube-gpu-extender/console/token",
                "--team-group=research=team-nlp,team-llm");
        assertThat(container(scheduler, "extender").getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/kube-gpu-extender/console"));
        assertThat(scheduler.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getName().equals("console-token"))
                .singleElement().satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("gpu-console-token"));
        var policy = configured.typed("NetworkPolicy", FULLNAME + "-scheduler", io.kubernetes.client.openapi.models.V1NetworkPolicy.class);
        assertThat(policy.getSpec().getIngress().get(0).getPorts()).extracting(p -> p.getPort().getIntValue()).contains(8090);

        RenderedChart standalone = RenderedChart.render(Map.of("scheduler.enabled", "false", "extender.standalone", "true"));
        assertThat(standalone.typed("Service", FULLNAME + "-console", io.kubernetes.client.openapi.models.V1Service.class).getSpec().getSelector())
                .containsEntry("app.kubernetes.io/component", "extender");

        RenderedChart off = RenderedChart.render(Map.of("console.enabled", "false"));
        assertThat(off.names()).doesNotContain("Service/" + FULLNAME + "-console");
        assertThat(container(off.typed("Deployment", FULLNAME + "-scheduler", V1Deployment.class), "extender").getArgs())
                .contains("--roles=extender,scorer").noneMatch(a -> a.startsWith("--console"));
    }

    @Test
    void gpuAutoscalingServesCustomMetricsThroughAnApiServiceAndRunsTheController() {
        // The scorer serves custom.metrics.k8s.io over HTTPS behind both APIServices, with the rights an aggregated API server needs.
        var scorer = container(DEFAULTS.typed("Deployment", FULLNAME + "-scorer", V1Deployment.class), "scorer");
        assertThat(scorer.getArgs()).contains("--in-cluster", "--custom-metrics-port=6443", "--custom-metrics-window=60",
                "--custom-metrics-tls-cert=/etc/kube-gpu-extender/custom-metrics/tls.crt");
        assertThat(DEFAULTS.typed("Deployment", FULLNAME + "-scorer", V1Deployment.class).getSpec().getTemplate().getSpec()
                .getAutomountServiceAccountToken()).isTrue();
        assertThat(DEFAULTS.names()).contains("APIService/v1beta1.custom.metrics.k8s.io", "APIService/v1beta2.custom.metrics.k8s.io",
                "Service/" + FULLNAME + "-custom-metrics", "Secret/" + FULLNAME + "-custom-metrics-tls",
                "ClusterRoleBinding/" + FULLNAME + "-custom-metrics-auth-delegator", "RoleBinding/" + FULLNAME + "-custom-metrics-auth-reader");
        Map<String, Object> apiService = DEFAULTS.get("APIService", "v1beta2.custom.metrics.k8s.io");
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) apiService.get("spec");
        assertThat(spec).containsEntry("group", "custom.metrics.k8s.io").containsEntry("versionPriority", 200);
        assertThat((String) spec.get("caBundle")).isNotBlank();
        var reader = DEFAULTS.typed("RoleBinding", FULLNAME + "-custom-metrics-auth-reader", io.kubernetes.client.openapi.models.V1RoleBinding.class);
        assertThat(reader.getMetadata().getNamespace()).isEqualTo("kube-system");
        assertThat(reader.getRoleRef().getName()).isEqualTo("extension-apiserver-authentication-reader");
        // Beside a prometheus-adapter: no APIService of ours, the listener stays.
        RenderedChart besideAdapter = RenderedChart.render(Map.of("scorer.customMetrics.apiService.enabled", "false"));
        assertThat(besideAdapter.kinds()).doesNotContain("APIService");
        assertThat(besideAdapter.names()).contains("Service/" + FULLNAME + "-custom-metrics");
        // Off: the scorer reads only Prometheus again.
        RenderedChart off = RenderedChart.render(Map.of("scorer.customMetrics.enabled", "false"));
        assertThat(off.kinds()).doesNotContain("APIService");
        assertThat(container(off.typed("Deployment", FULLNAME + "-scorer", V1Deployment.class), "scorer").getArgs()).doesNotContain("--in-cluster");
        assertThat(off.typed("Deployment", FULLNAME + "-scorer", V1Deployment.class).getSpec().getTemplate().getSpec()
                .getAutomountServiceAccountToken()).isFalse();

        // The autoscale controller runs by default, with exactly the rights it needs on workloads and autoscalers.
        var controllers = container(DEFAULTS.typed("Deployment", FULLNAME + "-controllers", V1Deployment.class), "controllers");
        assertThat(controllers.getArgs()).contains("--roles=controllers", "--autoscale-resync=600").doesNotContain("--autoscale-dry-run");
        var role = DEFAULTS.typed("ClusterRole", FULLNAME + "-controllers", io.kubernetes.client.openapi.models.V1ClusterRole.class);
        assertThat(role.getRules()).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("autoscaling");
            assertThat(rule.getResources()).containsExactly("horizontalpodautoscalers");
            assertThat(rule.getVerbs()).containsExactly("list", "watch", "create", "update", "delete");
        });
        assertThat(role.getRules()).allSatisfy(rule -> assertThat(rule.getVerbs()).doesNotContain("*"));
        assertThat(container(RenderedChart.render(Map.of("controllers.autoscale.dryRun", "true")).typed("Deployment", FULLNAME + "-controllers",
                V1Deployment.class), "controllers").getArgs()).contains("--autoscale-dry-run");
        // The webhook's second entry judges opted-in workloads.
        var webhooks = DEFAULTS.typed("MutatingWebhookConfiguration", FULLNAME, V1MutatingWebhookConfiguration.class).getWebhooks();
        assertThat(webhooks).extracting(w -> w.getName()).containsExactly("gpu.kubegpu.io", "autoscale.kubegpu.io");
        assertThat(webhooks.get(1).getRules().get(0).getResources()).containsExactly("deployments", "statefulsets");
        assertThat(webhooks.get(1).getObjectSelector().getMatchLabels()).containsEntry("kubegpu.io/autoscaled", "true");
        assertThat(webhooks.get(1).getFailurePolicy()).isEqualTo("Fail");
    }

    @Test
    void catalogOverridesAndNamespaceCapsReachTheProcesses() {
        RenderedChart chart = RenderedChart.render(Map.of("cluster.catalogOverrides[0].id", "G1", "cluster.catalogOverrides[0].vendor", "nvidia",
                "cluster.catalogOverrides[0].memoryGiB", "24", "cluster.catalogOverrides[0].powerWatts", "250", "webhook.namespaceCaps.students", "0.5", "webhook.namespaceCaps.research", "8"));
        V1ConfigMap catalog = chart.typed("ConfigMap", FULLNAME + "-catalog", V1ConfigMap.class);
        var models = io.kubegpu.catalog.CatalogYaml.read(new java.io.StringReader(catalog.getData().get("catalog.yaml")), "catalog ConfigMap");
        assertThat(models).extracting(m -> m.id()).containsExactly("G1");
        var args = container(chart.typed("Deployment", FULLNAME + "-webhook", V1Deployment.class), "webhook").getArgs();
        assertThat(args).contains("--catalog=/etc/kube-gpu-extender/catalog/catalog.yaml", "--namespace-cap=research=8,students=0.5");
    }

    @Test
    void theSchemaRefusesBadValuesAtInstall() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("extender.policy", "tight"), Map.of("webhook.scope", "everything"),
                Map.of("scorer.config.threshold", "95"), Map.of("scorer.config.prom_url", "prometheus:9090"), Map.of("scheduler.replicas", "0"),
                Map.of("unknownKey", "x"), Map.of("webhook.gpuTolerations[0]", "nvidia.com/gpu"), Map.of("scheduler.name", "GPU_Scheduler"),
                Map.of("cluster.catalogOverrides[0].vendor", "nvidia"), Map.of("console.teamGroups.Research[0]", "team-nlp"),
                Map.of("console.port", "80"))) {
            assertThatThrownBy(() -> RenderedChart.render(bad)).as(bad.toString()).hasMessageContaining("values don't meet the specifications");
        }
    }

    private static V1Container container(V1Deployment deployment, String name) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow();
    }

}
