package io.kubegpu.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.request.Vendors;
import io.kubegpu.webhook.mutation.MutationConfig;
import io.kubegpu.webhook.mutation.PodMutator;
import io.kubegpu.webhook.quota.InMemoryTicketStore;
import io.kubegpu.webhook.quota.QuotaFile;
import io.kubegpu.webhook.quota.QuotaLedger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The AdmissionReview's dryRun reaches the quota, refusals are counted, and /quotas and the metrics show the usage. */
class QuotaAdmissionTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final QuotaLedger ledger = new QuotaLedger(new QuotaFile(GpuCatalog.builtIn(), Vendors.defaults())
            .parse("quotas: {ml-team: \"V100=2, V100=64G, *=10\"}", "quotas.yaml"), new InMemoryTicketStore(), Clock.systemUTC(), Duration.ofMinutes(1));
    private final AdmissionRoutes routes = new AdmissionRoutes(new PodMutator(MutationConfig.defaults(), null, ledger, null), registry);

    private static String fixture(String name) throws IOException {
        try (InputStream in = QuotaAdmissionTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private JsonObject response(String body) {
        return JsonParser.parseString(routes.review(body)).getAsJsonObject().getAsJsonObject("response");
    }

    @Test
    void aDryRunChargesNothingAndARealCreationDoes() throws IOException {
        ledger.markSynced(true);
        // Both reviews ask for 2(V100) in ml-team; the first is a dry run.
        JsonObject dry = response(fixture("admissionreview-pod-create-dryrun.json"));
        assertThat(dry.get("allowed").getAsBoolean()).isTrue();
        assertThat(new String(Base64.getDecoder().decode(dry.get("patch").getAsString()), StandardCharsets.UTF_8))
                .doesNotContain("kubegpu.io~1quota-ticket");
        JsonObject real = response(fixture("admissionreview-pod-create.json"));
        assertThat(new String(Base64.getDecoder().decode(real.get("patch").getAsString()), StandardCharsets.UTF_8))
                .contains("\"path\":\"/metadata/annotations/kubegpu.io~1quota-ticket\"");
        JsonObject refused = response(fixture("admissionreview-pod-create.json"));
        assertThat(refused.get("allowed").getAsBoolean()).isFalse();
        assertThat(refused.getAsJsonObject("status").get("code").getAsInt()).isEqualTo(403);
        assertThat(refused.getAsJsonObject("status").get("message").getAsString()).contains("V100 GPUs 2 of 2 are in use or admitted");
        assertThat(registry.counter("kubegpu.webhook.decisions", "outcome", "denied", "reason", "over_quota").count()).isEqualTo(1);

        QuotaMetrics metrics = new QuotaMetrics(ledger, registry);
        metrics.refresh();
        assertThat(registry.get("kubegpu.quota.used").tags("team", "ml-team", "model", "V100").gauge().value()).isEqualTo(2.0);
        assertThat(registry.get("kubegpu.quota.limit").tags("team", "ml-team", "model", "*").gauge().value()).isEqualTo(10.0);
        assertThat(registry.get("kubegpu.quota.shared.memory.limit").tags("team", "ml-team", "model", "V100").gauge().value())
                .isEqualTo(64.0 * 1024 * 1024 * 1024);

        JsonObject view = JsonParser.parseString(QuotaRoutes.render(ledger.report(), null)).getAsJsonObject();
        JsonObject quota = view.getAsJsonArray("quotas").get(0).getAsJsonObject();
        assertThat(quota.get("name").getAsString()).isEqualTo("ml-team");
        // Whole numbers stay plain (10, not 1E+1).
        assertThat(quota.getAsJsonArray("limits").get(0).getAsJsonObject().getAsJsonObject("gpus").get("limit").toString()).isEqualTo("10");
        JsonObject v100 = quota.getAsJsonArray("limits").get(1).getAsJsonObject();
        assertThat(v100.get("model").getAsString()).isEqualTo("V100");
        assertThat(v100.getAsJsonObject("gpus").toString())
                .isEqualTo("{\"limit\":2,\"used\":2,\"free\":0,\"bound\":0,\"pending\":0,\"admittedNotSeen\":2}");
        assertThat(v100.getAsJsonObject("sharedMemory").get("limit").getAsString()).isEqualTo("64G");
        assertThat(quota.getAsJsonArray("admittedNotSeen")).hasSize(1);
        assertThat(view.getAsJsonArray("refusals").get(0).getAsJsonObject().get("pod").getAsString()).isEqualTo("resnet50-trainer-0");
    }

    @Test
    void beforeThePodsAreKnownAQuotasPodIsRefusedForNowWith503() throws IOException {
        JsonObject refused = response(fixture("admissionreview-pod-create.json"));
        assertThat(refused.getAsJsonObject("status").get("code").getAsInt()).isEqualTo(503);
        assertThat(registry.counter("kubegpu.webhook.decisions", "outcome", "denied", "reason", "unavailable").count()).isEqualTo(1);
    }
}
