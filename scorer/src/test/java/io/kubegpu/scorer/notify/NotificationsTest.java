package io.kubegpu.scorer.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.kubegpu.scorer.analysis.AiVerdict;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.config.ScorerConfig.SmtpSecurity;
import io.kubegpu.scorer.score.GpuKey;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuStatus;
import io.kubegpu.scorer.testing.Receiver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slack and Feishu against local receivers that check the documented JSON, e-mail against a real SMTP server
 * (GreenMail) in this JVM: one message per run naming each GPU, pod, namespace, node, score and status; the
 * cooldown and retry rules of the control API.
 */
class NotificationsTest {
    private static final ServerSetup SMTP = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    private static final ServerSetup SMTPS = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS);

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[] {SMTP.dynamicPort(), SMTPS.dynamicPort()})
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("scorer", "p4ss-w0rd"));

    private static final Instant NOW = Instant.parse("2026-12-06T23:52:26.294430684Z");
    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static GpuScore gpu(String id, String pod, double score, GpuStatus status) {
        return new GpuScore(id, pod, "team-a", "main", "node-7", "Tesla T4", 1, 0, 100, 15360, 20, 300, 41, score, status, "");
    }

    /** Two idle pods sharing one GPU, one low GPU, one busy GPU that is never notified. */
    static AnalysisSnapshot snapshot() {
        List<GpuScore> gpus = List.of(gpu("GPU-shared", "notebook-a", 3.25, GpuStatus.IDLE), gpu("GPU-shared", "notebook-b", 4.5,
                GpuStatus.IDLE), gpu("GPU-low", "infer-0", 16.5, GpuStatus.LOW), gpu("GPU-busy", "train-0", 88, GpuStatus.HIGH));
        return AnalysisSnapshot.of(NOW.minusSeconds(1), gpus, 20, NOW);
    }

    private ScorerConfig.Notifications config(String slack, String feishu, String feishuSecret, ScorerConfig.Email email) {
        return new ScorerConfig.Notifications(Duration.ofHours(1), 2, Duration.ofSeconds(5), slack, feishu, feishuSecret, email);
    }

    private NotificationDispatcher dispatcher(ScorerConfig.Notifications config) {
        return new NotificationDispatcher(vertx, config, 0.7, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMillis(5), registry);
    }

    private static int sent(NotificationDispatcher dispatcher, AnalysisSnapshot snapshot) throws Exception {
        return dispatcher.notifyLow(snapshot).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private double count(String channel, String outcome) {
        return registry.counter("gpu_notifications", "channel", channel, "outcome", outcome).count();
    }

    @Test
    void slackGetsOneIncomingWebhookMessageNamingEveryLowGpuAndPod() throws Exception {
        Receiver slack = Receiver.start(vertx, (request, http) -> http.response().setStatusCode(200).end("ok"));
        NotificationDispatcher dispatcher = dispatcher(config(slack.url("/services/T000/B000/XXXX"), null, null, null));
        assertThat(sent(dispatcher, snapshot())).isEqualTo(1);

        assertThat(slack.requests()).hasSize(1);
        Receiver.Request request = slack.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri()).isEqualTo("/services/T000/B000/XXXX");
        assertThat(request.header("Content-Type")).startsWith("application/json");
        JsonObject payload = request.json();
        assertThat(payload.keySet()).containsExactly("text");
        String text = payload.get("text").getAsString();
        assertThat(text).startsWith(":warning: *3 GPUs under the low-utilization threshold 20*")
                .contains("• GPU-shared team-a/notebook-a on node-7: score 3.3 (idle)")
                .contains("• GPU-shared team-a/notebook-b on node-7: score 4.5 (idle)")
                .contains("• GPU-low team-a/infer-0 on node-7: score 16.5 (low)").doesNotContain("GPU-busy");
        assertThat(count("slack", "sent")).isEqualTo(1);

        // Inside the cooldown: nothing new to say, no message.
        assertThat(sent(dispatcher, snapshot())).isZero();
        assertThat(slack.requests()).hasSize(1);
    }

    @Test
    void slackControlCharactersInTheTextAreEscaped() {
        assertThat(SlackWebhook.escape("a <b> & c")).isEqualTo("a &lt;b&gt; &amp; c");
    }

    @Test
    void feishuGetsASignedTextMessageAndItsCodeDecidesSuccess() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Receiver feishu = Receiver.start(vertx, (request, http) -> http.response().putHeader("Content-Type", "application/json")
                // First a rate limit (code 11232, HTTP 200 as Feishu does), then success.
                .end(calls.incrementAndGet() == 1 ? "{\"code\":11232,\"msg\":\"frequency limited\",\"data\":{}}"
                        : "{\"code\":0,\"msg\":\"success\",\"data\":{}}"));
        NotificationDispatcher dispatcher = dispatcher(config(null, feishu.url("/open-apis/bot/v2/hook/abc-123"), "SEC-secret", null));
        assertThat(sent(dispatcher, snapshot())).isEqualTo(1);

        assertThat(feishu.requests()).hasSize(2);
        JsonObject payload = feishu.requests().get(1).json();
        assertThat(payload.get("msg_type").getAsString()).isEqualTo("text");
        assertThat(payload.get("timestamp").getAsString()).isEqualTo(Long.toString(NOW.getEpochSecond()));
        // Feishu's documented check, computed here independently: HmacSHA256 keyed with "timestamp\nsecret" over no data.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec((NOW.getEpochSecond() + "\nSEC-secret").getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertThat(payload.get("sign").getAsString()).isEqualTo(Base64.getEncoder().encodeToString(mac.doFinal()));
        String text = payload.getAsJsonObject("content").get("text").getAsString();
        assertThat(text).contains("GPU-shared team-a/notebook-a on node-7: score 3.3 (idle)")
                .contains("GPU-shared team-a/notebook-b on node-7: score 4.5 (idle)").contains("2026-12-06T23:52:25.294430+00:00");
        assertThat(feishu.requests().get(1).body()).doesNotContain("SEC-secret");
    }

    @Test
    void aFeishuRefusalIsFinalCountedAndTriedAgainNextRun() throws Exception {
        Receiver feishu = Receiver.answering(vertx, 200, "{\"code\":19021,\"msg\":\"sign match fail or timestamp is not within one hour\"}");
        NotificationDispatcher dispatcher = dispatcher(config(null, feishu.url("/hook/x"), "wrong", null));
        assertThat(sent(dispatcher, snapshot())).isZero();
        assertThat(feishu.requests()).as("a bad signature does not pass by retrying").hasSize(1);
        assertThat(count("feishu", "failed")).isEqualTo(1);
        // The failed message released its GPUs' cooldown: the next run tries again.
        assertThat(sent(dispatcher, snapshot())).isZero();
        assertThat(feishu.requests()).hasSize(2);
    }

    @Test
    void slackServerErrorsAreRetriedWithBackoff() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Receiver slack = Receiver.start(vertx, (request, http) -> http.response().setStatusCode(calls.incrementAndGet() < 3 ? 503 : 200)
                .end("ok"));
        assertThat(sent(dispatcher(config(slack.url("/s"), null, null, null)), snapshot())).isEqualTo(1);
        assertThat(slack.requests()).hasSize(3);
    }

    @Test
    void aConfidentActiveAiVerdictKeepsAGpuOutOfTheMessage() throws Exception {
        Receiver slack = Receiver.start(vertx, (request, http) -> http.response().end("ok"));
        AnalysisSnapshot snapshot = snapshot().withAi(Map.of(new GpuKey("GPU-low", "team-a", "infer-0"),
                new AiVerdict("active", 0.95, "loading data", "none", 40), new GpuKey("GPU-shared", "team-a", "notebook-a"),
                new AiVerdict("active", 0.4, "unsure", "look", 20)));
        sent(dispatcher(config(slack.url("/s"), null, null, null)), snapshot);
        String text = slack.requests().get(0).json().get("text").getAsString();
        assertThat(text).doesNotContain("infer-0").contains("notebook-a").contains("AI: active, unsure").contains("notebook-b");
    }

    @Test
    void emailGoesThroughARealSmtpServerWithAuthentication() throws Exception {
        var email = new ScorerConfig.Email("127.0.0.1", MAIL.getSmtp().getPort(), SmtpSecurity.NONE, "scorer", "p4ss-w0rd",
                "gpu-scorer@example.com", List.of("gpu-team@example.com", "ops@example.com"), null);
        assertThat(sent(dispatcher(config(null, null, null, email)), snapshot())).isEqualTo(1);

        MimeMessage[] received = MAIL.getReceivedMessages();
        assertThat(received).hasSize(2); // one message, two recipients
        MimeMessage message = received[0];
        assertThat(message.getSubject()).isEqualTo("[GPU scorer] 3 GPUs under the low-utilization threshold 20");
        assertThat(message.getFrom()[0].toString()).isEqualTo("gpu-scorer@example.com");
        assertThat(GreenMailUtil.getBody(message)).contains("GPU-shared team-a/notebook-a on node-7: score 3.3 (idle)")
                .contains("GPU-shared team-a/notebook-b on node-7: score 4.5 (idle)").contains("GPU-low team-a/infer-0 on node-7");
        assertThat(count("email", "sent")).isEqualTo(1);
    }

    @Test
    void emailOverImplicitTlsReachesTheServer() throws Exception {
        var email = new ScorerConfig.Email("127.0.0.1", MAIL.getSmtps().getPort(), SmtpSecurity.SSL, "scorer", "p4ss-w0rd",
                "gpu-scorer@example.com", List.of("gpu-team@example.com"), "127.0.0.1 localhost");
        assertThat(sent(dispatcher(config(null, null, null, email)), snapshot())).isEqualTo(1);
        assertThat(MAIL.getReceivedMessages()).hasSize(1);
    }

    @Test
    void requiredStarttlsSendsNothingInClearToAServerWithoutIt() throws Exception {
        // GreenMail's SMTP does not offer STARTTLS: a required STARTTLS must refuse rather than fall back to plain text.
        var email = new ScorerConfig.Email("127.0.0.1", MAIL.getSmtp().getPort(), SmtpSecurity.STARTTLS, "scorer", "p4ss-w0rd",
                "gpu-scorer@example.com", List.of("gpu-team@example.com"), null);
        assertThat(sent(dispatcher(config(null, null, null, email)), snapshot())).isZero();
        assertThat(MAIL.getReceivedMessages()).isEmpty();
        assertThat(count("email", "failed")).isEqualTo(1);
    }

    @Test
    void aRefusedLoginIsFinalAndNeverRetried() throws Exception {
        var email = new ScorerConfig.Email("127.0.0.1", MAIL.getSmtp().getPort(), SmtpSecurity.NONE, "scorer", "wrong",
                "gpu-scorer@example.com", List.of("gpu-team@example.com"), null);
        assertThat(sent(dispatcher(config(null, null, null, email)), snapshot())).isZero();
        assertThat(MAIL.getReceivedMessages()).isEmpty();
        assertThat(count("email", "failed")).isEqualTo(1);
    }

    @Test
    void aLargeIdleClusterIsOneMessageCutAfterFiftyLines() {
        List<GpuScore> many = new java.util.ArrayList<>();
        for (int i = 0; i < 120; i++) {
            many.add(gpu("GPU-" + i, "p-" + i, 1, GpuStatus.IDLE));
        }
        LowGpuReport report = new LowGpuReport(NOW, 20, many, Map.of());
        assertThat(report.title()).isEqualTo("120 GPUs under the low-utilization threshold 20");
        assertThat(report.lines()).hasSize(51);
        assertThat(report.lines().get(50)).isEqualTo("… 70 more: GET /results/low lists them all");
    }
}
