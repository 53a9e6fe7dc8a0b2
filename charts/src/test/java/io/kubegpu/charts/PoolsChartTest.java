package io.kubegpu.charts;

import static io.kubegpu.charts.RenderedChart.FULLNAME;
import static io.kubegpu.charts.RenderedChart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.request.Vendors;
import io.kubegpu.webhook.quota.QuotaFile;
import io.kubegpu.webhook.quota.QuotaSpec;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Quotas, group pools and the pools controller in the chart: what reaches the processes, and only the RBAC they need. */
class PoolsChartTest {
    private static final Map<String, Object> VALUES = Map.of("webhook.quotas.team-a", "A100=8", "webhook.quotas.team-b.namespaces[0]", "team-b",
            "webhook.quotas.team-b.namespaces[1]", "team-b-ci", "webhook.quotas.team-b.gpus.T4", "4", "webhook.quotas.team-b.perPod", "2",
            "pools.enabled", "true", "controllers.enabled", "true", "pools.balance.mode", "apply");

    private static V1Container container(V1Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void theQuotaFileIsAConfigMapTheWebhookReadsAndShares() throws Exception {
        RenderedChart chart = RenderedChart.render(VALUES);
        V1ConfigMap quotas = chart.typed("ConfigMap", FULLNAME + "-quotas", V1ConfigMap.class);
        QuotaSpec spec = new QuotaFile(GpuCatalog.builtIn(), Vendors.defaults()).parse(quotas.getData().get("quotas.yaml"), "ConfigMap");
        assertThat(spec.quotas()).extracting(q -> q.name() + q.namespaces()).containsExactly("team-a[team-a]", "team-b[team-b, team-b-ci]");
        assertThat(spec.quota("team-b").orElseThrow().perPodMilli()).isEqualTo(2000);

        V1Deployment webhook = chart.typed("Deployment", FULLNAME + "-webhook", V1Deployment.class);
        assertThat(container(webhook).getArgs()).contains("--quota-file=/etc/kube-gpu-extender/quotas/quotas.yaml", "--quota-ticket-ttl=60",
                "--quota-ledger-namespace=" + NAMESPACE, "--pool-label=org", "--public-pool=public").noneMatch(a -> a.startsWith("--pool-namespace-label"));
        assertThat(container(webhook).getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/kube-gpu-extender/quotas"));
        assertThat(webhook.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v ->
                assertThat(v.getConfigMap() == null ? null : v.getConfigMap().getName()).isEqualTo(FULLNAME + "-quotas"));
    }

    @Test
    void theWebhookMayReadPodsAndNamespacesAndWriteOnlyItsLedgersConfigMaps() {
        RenderedChart chart = RenderedChart.render(VALUES);
        V1ClusterRole webhook = chart.typed("ClusterRole", FULLNAME + "-webhook", V1ClusterRole.class);
        assertThat(webhook.getRules()).extracting(r -> r.getResources() + ":" + r.getVerbs())
                .containsExactly("[nodes]:[list, watch]", "[pods]:[list, watch]", "[namespaces]:[get, list, watch]");
        V1Role ledger = chart.typed("Role", FULLNAME + "-webhook-quota-ledger", V1Role.class);
        assertThat(ledger.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(ledger.getRules()).extracting(r -> r.getResources() + ":" + r.getResourceNames() + ":" + r.getVerbs()).containsExactly(
                "[configmaps]:[]:[create]", "[configmaps]:[kube-gpu-extender-quota-team-a, kube-gpu-extender-quota-team-b]:[get, update]");
        // Without quotas and pools, the webhook reads nodes only, as before.
        RenderedChart plain = RenderedChart.render(Map.of());
        assertThat(plain.typed("ClusterRole", FULLNAME + "-webhook", V1ClusterRole.class).getRules()).hasSize(1);
        assertThat(plain.find("Role", FULLNAME + "-webhook-quota-ledger")).isEmpty();
        assertThat(plain.find("ConfigMap", FULLNAME + "-quotas")).isEmpty();
    }

    @Test
    void thePoolsControllerRunsWithItsSettingsAndMayPatchNodes() {
        RenderedChart chart = RenderedChart.render(VALUES);
        V1Deployment controllers = chart.typed("Deployment", FULLNAME + "-controllers", V1Deployment.class);
        assertThat(container(controllers).getArgs()).contains("--roles=controllers", "--pool-label=org", "--public-pool=public", "--balance=apply",
                "--balance-interval=60", "--balance-threshold=20", "--balance-min-nodes=3", "--balance-cooldown=1800", "--balance-hysteresis=5",
                "--balance-drain=false");
        V1ClusterRole role = chart.typed("ClusterRole", FULLNAME + "-controllers", V1ClusterRole.class);
        assertThat(role.getRules()).extracting(r -> r.getResources() + ":" + r.getVerbs()).contains("[namespaces]:[list, watch]", "[nodes]:[patch]");
        // Pools alone run the controllers, in a dry run.
        V1Deployment poolsOnly = RenderedChart.render(Map.of("pools.enabled", "true")).typed("Deployment", FULLNAME + "-controllers",
                V1Deployment.class);
        assertThat(container(poolsOnly).getArgs()).contains("--balance=dry-run", "--pool-label=org");
        // With the controllers off and no pools, no Deployment (the controllers are on by default, for elastic-shrink).
        assertThat(RenderedChart.render(Map.of("controllers.enabled", "false")).find("Deployment", FULLNAME + "-controllers")).isEmpty();
        // The balancer's rules come with pools only.
        V1ClusterRole without = RenderedChart.render(Map.of("controllers.enabled", "true")).typed("ClusterRole", FULLNAME + "-controllers",
                V1ClusterRole.class);
        assertThat(without.getRules()).extracting(r -> r.getResources() + ":" + r.getVerbs()).doesNotContain("[nodes]:[patch]");
    }

    @Test
    void theSchemaRefusesBadQuotaAndPoolValues() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("webhook.quotas.Team_A", "A100=8"),
                Map.of("webhook.quotas.team-a.color", "red"), Map.of("pools.balance.mode", "yes"), Map.of("pools.nodeLabel", "org!"),
                Map.of("pools.balance.thresholdPercent", "0"), Map.of("webhook.quotaTicketTtlSeconds", "1"))) {
            assertThatThrownBy(() -> RenderedChart.render(bad)).as(bad.toString()).hasMessageContaining("values don't meet the specifications");
        }
    }
}
