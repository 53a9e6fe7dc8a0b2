package io.kubegpu.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import io.kubegpu.scorer.run.UtilizationSource;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import io.kubegpu.scorer.score.GpuKey;
import io.kubegpu.scorer.score.GpuWindow;
import io.kubegpu.scorer.testing.FixedSource;
import io.kubegpu.scorer.testing.Receiver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two low pods on one shared GPU (dcgm-exporter's per-pod series) each get their own AI verdict, their own
 * control-API report and their own line in every notification: the whole scorer, with the AI endpoint, the
 * control API, Slack and Feishu as local receivers and a real SMTP server.
 */
class SharedGpuTest {
    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());

    private final Vertx vertx = Vertx.vertx();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Scorer scorer;

    @AfterEach
    void stop() throws Exception {
        if (scorer != null) {
            scorer.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static GpuWindow pod(String pod, double util) {
        return new GpuWindow("GPU-shared", Map.of("pod", pod, "namespace", "team-a", "Hostname", "node-7", "modelName", "Tesla T4"),
                new double[] {util}, new double[] {0}, new double[] {200}, new double[] {15000}, new double[] {12}, new double[] {300}, 70.0,
                new double[] {38});
    }

    private static String openAiAnswer(String verdict) {
        return "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + new com.google.gson.JsonPrimitive(verdict)
                + "}}]}";
    }

    @Test
    void twoLowPodsOnOneGpuEachGetTheirOwnVerdictReportAndNotification() throws Exception {
        Receiver ai = Receiver.start(vertx, (request, http) -> {
            String pod = request.body().contains("notebook-a") ? "notebook-a" : "notebook-b";
            http.response().end(openAiAnswer("{\"status\":\"idle\",\"confidence\":0.9,\"reason\":\"" + pod + " holds memory only\","
                    + "\"recommendation\":\"reclaim\",\"ai_adjusted_score\":" + (pod.equals("notebook-a") ? 1 : 2) + "}"));
        });
        Receiver control = Receiver.answering(vertx, 200, "{}");
        Receiver slack = Receiver.start(vertx, (request, http) -> http.response().end("ok"));
        Receiver feishu = Receiver.answering(vertx, 200, "{\"code\":0,\"msg\":\"success\",\"data\":{}}");
        var config = ScorerConfigLoader.load(Map.ofEntries(Map.entry("AI_ENABLED", "true"), Map.entry("AI_API_KEY", "sk-k"),
                Map.entry("AI_PROVIDER", "openai"), Map.entry("AI_API_URL", ai.url("/v1/chat/completions")),
                Map.entry("CONTROL_API_ENABLED", "true"), Map.entry("CONTROL_API", control.url("/api/optimize")),
                Map.entry("SLACK_WEBHOOK_URL", slack.url("/services/T/B/x")), Map.entry("FEISHU_WEBHOOK_URL", feishu.url("/hook/y")),
                Map.entry("SMTP_HOST", "127.0.0.1"), Map.entry("SMTP_PORT", Integer.toString(MAIL.getSmtp().getPort())),
                Map.entry("SMTP_SECURITY", "none"), Map.entry("EMAIL_FROM", "scorer@example.com"), Map.entry("EMAIL_TO", "team@example.com")));
        List<GpuWindow> windows = List.of(pod("notebook-a", 0), pod("notebook-b", 1));
        UtilizationSource source = new FixedSource(windows);
        scorer = Scorer.create(vertx, config, source, GpuCatalog.builtIn(), registry, Clock.systemUTC());
        AnalysisSnapshot snapshot = scorer.analyzer().run(true).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

        GpuKey a = new GpuKey("GPU-shared", "team-a", "notebook-a");
        GpuKey b = new GpuKey("GPU-shared", "team-a", "notebook-b");
        assertThat(snapshot.scores()).hasSize(2);
        assertThat(snapshot.ai()).containsOnlyKeys(a, b);
        assertThat(snapshot.ai().get(a).reason()).isEqualTo("notebook-a holds memory only");
        assertThat(snapshot.ai().get(b).reason()).isEqualTo("notebook-b holds memory only");
        assertThat(registry.scrape()).contains("gpu_ai_adjusted_score{gpu_id=\"GPU-shared\",namespace=\"team-a\",pod=\"notebook-a\"} 1.0")
                .contains("gpu_ai_adjusted_score{gpu_id=\"GPU-shared\",namespace=\"team-a\",pod=\"notebook-b\"} 2.0");

        assertThat(control.await(2, 20)).extracting(r -> r.json().get("pod").getAsString())
                .containsExactlyInAnyOrder("notebook-a", "notebook-b");
        assertThat(control.requests()).allSatisfy(r -> assertThat(r.json().get("gpu_id").getAsString()).isEqualTo("GPU-shared"));
        String slackText = slack.await(1, 20).get(0).json().get("text").getAsString();
        assertThat(slackText).contains("GPU-shared team-a/notebook-a on node-7").contains("GPU-shared team-a/notebook-b on node-7")
                .contains("notebook-a holds memory only").contains("notebook-b holds memory only");
        String feishuText = feishu.await(1, 20).get(0).json().getAsJsonObject("content").get("text").getAsString();
        assertThat(feishuText).contains("team-a/notebook-a").contains("team-a/notebook-b");
        assertThat(MAIL.waitForIncomingEmail(20_000, 1)).isTrue();
        assertThat(GreenMailUtil.getBody(MAIL.getReceivedMessages()[0])).contains("team-a/notebook-a").contains("team-a/notebook-b");

    }
}
