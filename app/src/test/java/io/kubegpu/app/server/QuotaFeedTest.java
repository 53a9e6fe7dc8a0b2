package io.kubegpu.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.KubeNode;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.cluster.model.NodeMapper;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.Vendors;
import io.kubegpu.webhook.quota.GpuUse;
import io.kubegpu.webhook.quota.InMemoryTicketStore;
import io.kubegpu.webhook.quota.QuotaFile;
import io.kubegpu.webhook.quota.QuotaLedger;
import io.kubernetes.client.openapi.JSON;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pods as the quota ledger counts them: by their resources, the models they may land on, their node's model once bound. */
class QuotaFeedTest {
    private final ClusterState state = new ClusterState(Clock.systemUTC());
    private final QuotaLedger ledger = new QuotaLedger(new QuotaFile(GpuCatalog.builtIn(), Vendors.defaults()).parse(
            "quotas: {team-a: \"A100=4, T4=8\"}", "quotas.yaml"), new InMemoryTicketStore(), Clock.systemUTC(), Duration.ofMinutes(1));
    private final QuotaFeed feed = new QuotaFeed(ledger, state, ClusterConfig.defaults(), GpuRequestParser.defaults(), null);

    QuotaFeedTest() {
        MetadataTrimming.install();
        state.upsertNode(new NodeMapper(ClusterConfig.defaults()).map(JSON.getGson().fromJson("""
                {"metadata":{"name":"t4-1","labels":{"nvidia.com/gpu.product":"Tesla-T4","nvidia.com/gpu.memory":"15360"}},
                 "status":{"allocatable":{"nvidia.com/gpu":"4"},"conditions":[{"type":"Ready","status":"True"}]}}""", KubeNode.class)));
    }

    private static KubePod pod(String annotations, String limits, String node, String phase) {
        return JSON.getGson().fromJson("{\"metadata\":{\"name\":\"p\",\"namespace\":\"team-a\",\"uid\":\"u1\",\"annotations\":{" + annotations
                + "}},\"spec\":{" + (node == null ? "" : "\"nodeName\":\"" + node + "\",") + "\"containers\":[{\"name\":\"c\",\"resources\":"
                + "{\"limits\":{" + limits + "}}}]},\"status\":{\"phase\":\"" + phase + "\"}}", KubePod.class);
    }

    @Test
    void aPendingPodMayLandOnTheModelsItNamesAndABoundOneIsOnItsNodesModel() {
        GpuUse pending = feed.seen(pod("\"kubegpu.io/gpu\":\"2(A100|T4)\"", "\"nvidia.com/gpu\":\"2\"", null, "Pending")).orElseThrow().use();
        assertThat(pending.anyModel()).isFalse();
        assertThat(pending.modelIds()).contains("A100-40GB", "A100-80GB", "T4");
        assertThat(pending.milli()).isEqualTo(2000);
        GpuUse bound = feed.seen(pod("\"kubegpu.io/gpu\":\"2(A100|T4)\"", "\"nvidia.com/gpu\":\"2\"", "t4-1", "Running")).orElseThrow().use();
        assertThat(bound.bound()).isTrue();
        assertThat(bound.modelIds()).containsExactly("T4");
    }

    @Test
    void aPodThatWentAroundTheWebhookCountsByItsResourcesAsAnyModel() {
        var seen = feed.seen(pod("", "\"nvidia.com/gpu\":\"3\"", null, "Pending")).orElseThrow();
        assertThat(seen.use()).extracting(GpuUse::anyModel, GpuUse::milli).containsExactly(true, 3000L);
        // An annotation without the resources (the webhook did not mutate it) holds nothing: not counted.
        assertThat(feed.seen(pod("\"kubegpu.io/gpu\":\"2\"", "\"cpu\":\"1\"", null, "Pending"))).isEmpty();
    }

    @Test
    void aShareCountsItsFractionAndItsMemoryAndAFinishedPodNoMore() {
        // 0.5(T4) asked 7 units of 1 GiB (half of the 15,360 MiB the node reports, rounded down).
        var share = feed.seen(pod("\"kubegpu.io/gpu\":\"0.5(T4)\",\"kubegpu.io/quota-ticket\":\"t-1\"", "\"aliyun.com/gpu-mem\":\"7\"", "t4-1",
                "Running")).orElseThrow();
        assertThat(share.use()).extracting(GpuUse::milli, GpuUse::sharedMiB).containsExactly(500L, 7168L);
        assertThat(share.ticket()).isEqualTo("t-1");
        assertThat(share.holds()).isTrue();
        // Memory alone on the node's 15,360 MiB card: 7168 × 1000 / 15360 = 466.7 → 467 thousandths.
        var memory = feed.seen(pod("\"kubegpu.io/gpu\":\"7G(T4)\"", "\"aliyun.com/gpu-mem\":\"7\"", "t4-1", "Running")).orElseThrow();
        assertThat(memory.use().milli()).isEqualTo(467);
        assertThat(feed.seen(pod("\"kubegpu.io/gpu\":\"0.5(T4)\"", "\"aliyun.com/gpu-mem\":\"7\"", "t4-1", "Succeeded")).orElseThrow().holds())
                .isFalse();
    }

    @Test
    void theWatchFeedsTheLedgerAndMarksItSynced() {
        assertThat(ledger.synced()).isFalse();
        feed.listed(List.of(pod("\"kubegpu.io/gpu\":\"2(T4)\"", "\"nvidia.com/gpu\":\"2\"", "t4-1", "Running")));
        assertThat(ledger.synced()).isTrue();
        assertThat(ledger.report().used("team-a")).containsEntry("T4", new io.kubegpu.webhook.quota.Amount(2000, 0));
        feed.deleted(pod("", "", null, "Running"));
        assertThat(ledger.report().used("team-a")).containsEntry("T4", io.kubegpu.webhook.quota.Amount.ZERO);
        feed.listing();
        assertThat(ledger.synced()).isFalse();
        assertThat(Set.of(ledger.report().synced())).containsExactly(false);
    }
}
