package io.kubegpu.scorer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubegpu.scorer.config.ScorerConfig.AiProvider;
import io.kubegpu.scorer.config.ScorerConfig.SmtpSecurity;
import io.kubegpu.scorer.score.GpuStatus;
import io.kubegpu.scorer.score.ScoreWeights;
import io.kubegpu.scorer.score.Thresholds;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Python monitor's own configuration (its nested config.yaml and its environment variables) and the new settings. */
class MonitorConfigTest {
    @TempDir
    Path dir;

    static Path resource(String name) {
        try {
            return Path.of(MonitorConfigTest.class.getResource("/monitor/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path write(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "scorer", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void theMonitorsDocumentedConfigYamlIsReadSectionBySection() {
        ScorerConfig config = ScorerConfigLoader.load(resource("config.yaml"), Map.of());
        assertThat(config.promUrl()).isEqualTo("http://prometheus:9090");
        assertThat(config.timeWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.step()).isEqualTo("30s");
        assertThat(config.weights()).isEqualTo(new ScoreWeights(0.5, 0.2, 0.2, 0.1));
        assertThat(config.thresholds()).isEqualTo(new Thresholds(10, 20));
        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.maxWorkers()).isEqualTo(8);
        assertThat(config.ai().enabled()).isFalse();
        assertThat(config.ai().model()).isEqualTo("gpt-4");
        assertThat(config.ai().threshold()).isEqualTo(0.7);
        assertThat(config.ai().apiKey()).as("api_key: \"\" in the file sets nothing").isNull();
        assertThat(config.controlApi().enabled()).isFalse();
        assertThat(config.controlApi().timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theMonitorsKubernetesExampleTakesItsKeyFromTheEnvironment() {
        ScorerConfig config = ScorerConfigLoader.load(resource("configmap-config.yaml"), Map.of("AI_API_KEY", "sk-from-secret"));
        assertThat(config.ai().enabled()).isTrue();
        assertThat(config.ai().provider()).isEqualTo(AiProvider.OPENAI);
        assertThat(config.ai().apiKey()).isEqualTo("sk-from-secret");
        assertThat(config.promUrl()).isEqualTo("http://prometheus.monitoring:9090");
        assertThatThrownBy(() -> ScorerConfigLoader.load(resource("configmap-config.yaml"), Map.of())).hasMessageContaining("AI_API_KEY");
    }

    @Test
    void everyEnvironmentVariableTheMonitorDocumentsIsReadAndBeatsTheFile() {
        ScorerConfig config = ScorerConfigLoader.load(resource("config.yaml"), Map.ofEntries(Map.entry("PROM_URL", "http://prom:9090"),
                Map.entry("THRESHOLD", "25"), Map.entry("INTERVAL", "600"), Map.entry("MAX_WORKERS", "16"), Map.entry("TIME_WINDOW_MIN", "15"),
                Map.entry("STEP", "1m"), Map.entry("AI_ENABLED", "true"), Map.entry("AI_API_URL", "https://api.openai.com/v1/chat/completions"),
                Map.entry("AI_API_KEY", "sk-your-key"), Map.entry("AI_MODEL", "gpt-3.5-turbo"), Map.entry("CONTROL_API_ENABLED", "true"),
                Map.entry("CONTROL_API", "http://control/api/optimize"), Map.entry("LOG_LEVEL", "DEBUG"), Map.entry("GPU_UTIL_WEIGHT", "0.4"),
                Map.entry("MEM_COPY_WEIGHT", "0.3"), Map.entry("MEM_USED_WEIGHT", "0.2"), Map.entry("POWER_WEIGHT", "0.1"),
                Map.entry("QUERY_CONDITION", "{pod!=\"\",namespace!=\"kube-system\"}")));
        assertThat(config.promUrl()).isEqualTo("http://prom:9090");
        assertThat(config.threshold()).isEqualTo(25);
        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(600));
        assertThat(config.maxWorkers()).isEqualTo(16);
        assertThat(config.timeWindow()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.step()).isEqualTo("1m");
        assertThat(config.ai().enabled()).isTrue();
        assertThat(config.ai().model()).isEqualTo("gpt-3.5-turbo");
        assertThat(config.controlApi().url()).isEqualTo("http://control/api/optimize");
        assertThat(config.logLevel()).isEqualTo("debug");
        assertThat(config.weights()).isEqualTo(new ScoreWeights(0.4, 0.3, 0.2, 0.1));
        assertThat(config.selector()).isEqualTo("{pod!=\"\",namespace!=\"kube-system\"}");
    }

    @Test
    void theMonitorsDockerRunEnvironmentAloneIsEnough() {
        ScorerConfig config = ScorerConfigLoader.load(Map.of("PROM_URL", "http://prometheus:9090", "THRESHOLD", "20", "INTERVAL", "300"));
        assertThat(config.promUrl()).isEqualTo("http://prometheus:9090");
        assertThat(config.threshold()).isEqualTo(20);
    }

    @Test
    void flatAndNestedKeysMixButASettingWrittenTwiceNamesBothSpellings() throws IOException {
        ScorerConfig mixed = ScorerConfigLoader.load(write("prom_url: http://a:9090\nthresholds:\n  low_utilization: 30\n  idle: 5\n"
                + "selector: '{}'\n"), Map.of());
        assertThat(mixed.promUrl()).isEqualTo("http://a:9090");
        assertThat(mixed.thresholds()).isEqualTo(new Thresholds(5, 30));
        assertThat(mixed.selector()).isEqualTo("{}");

        Path twice = write("threshold: 20\nthresholds:\n  low_utilization: 25\n");
        assertThatThrownBy(() -> ScorerConfigLoader.load(twice, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining(twice.toString()).hasMessageContaining("'threshold'").hasMessageContaining("'thresholds.low_utilization'");
        Path weights = write("weights: {gpu_util: 0.5, mem_copy: 0.2, mem_used: 0.2, power: 0.1}\nscoring: {gpu_util_weight: 0.5}\n");
        assertThatThrownBy(() -> ScorerConfigLoader.load(weights, Map.of())).hasMessageContaining("'weights.gpu_util'")
                .hasMessageContaining("'scoring.gpu_util_weight'");
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("SELECTOR", "{}", "QUERY_CONDITION", "{pod!=\"\"}")))
                .hasMessageContaining("SELECTOR (environment)").hasMessageContaining("QUERY_CONDITION (environment)");
    }

    @Test
    void unknownKeysAreRefusedWithTheFileTheKeyAndTheSectionsKeys() throws IOException {
        Path typo = write("prometheus:\n  urll: http://prometheus:9090\n");
        assertThatThrownBy(() -> ScorerConfigLoader.load(typo, Map.of())).hasMessageContaining(typo.toString())
                .hasMessageContaining("unknown key 'prometheus.urll'").hasMessageContaining("prometheus.url");
        Path section = write("prometheus: http://prometheus:9090\n");
        assertThatThrownBy(() -> ScorerConfigLoader.load(section, Map.of())).hasMessageContaining("'prometheus' is a section")
                .hasMessageContaining("prometheus.url");
        Path topLevel = write("alerting:\n  enabled: true\n");
        assertThatThrownBy(() -> ScorerConfigLoader.load(topLevel, Map.of())).hasMessageContaining("unknown key 'alerting.enabled'");
    }

    @Test
    void theIdleThresholdSplitsIdleFromLow() throws IOException {
        assertThat(ScorerConfigLoader.load(Map.of("IDLE_THRESHOLD", "5")).thresholds()).isEqualTo(new Thresholds(5, 20));
        Path inverted = write("thresholds: {low_utilization: 15, idle: 18}\n");
        assertThatThrownBy(() -> ScorerConfigLoader.load(inverted, Map.of())).hasMessageContaining("thresholds.low_utilization")
                .hasMessageContaining("above the idle threshold (18");
    }

    @Test
    void aiThresholdProviderAndReviewScopeAreChecked() throws IOException {
        assertThat(ScorerConfigLoader.load(Map.of("AI_THRESHOLD", "0.9")).ai().threshold()).isEqualTo(0.9);
        assertThatThrownBy(() -> ScorerConfigLoader.load(write("ai: {threshold: 70}\n"), Map.of())).hasMessageContaining("ai.threshold")
                .hasMessageContaining("0..1");
        ScorerConfig.Ai anthropic = ScorerConfigLoader.load(Map.of("AI_ENABLED", "true", "AI_API_KEY", "k", "AI_API_URL",
                "https://api.anthropic.com/v1/messages", "AI_MODEL", "claude-3-opus")).ai();
        assertThat(anthropic.provider()).isEqualTo(AiProvider.ANTHROPIC);
        assertThat(ScorerConfigLoader.load(Map.of("AI_PROVIDER", "anthropic")).ai().apiUrl()).isEqualTo("https://api.anthropic.com/v1/messages");
        String azure = "https://corp.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-06-01";
        assertThat(ScorerConfigLoader.load(Map.of("AI_API_URL", azure)).ai().provider()).isEqualTo(AiProvider.AZURE);
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("AI_PROVIDER", "azure", "AI_API_URL", "https://corp.openai.azure.com/")))
                .hasMessageContaining("AI_API_URL (environment)").hasMessageContaining("api-version");
        ScorerConfig.Ai local = ScorerConfigLoader.load(Map.of("AI_ENABLED", "true", "AI_API_URL", "http://ollama:11434/v1/chat/completions"))
                .ai();
        assertThat(local.provider()).isEqualTo(AiProvider.OPENAI_COMPATIBLE);
        assertThat(local.configured()).isTrue();
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("AI_PROVIDER", "gemini"))).hasMessageContaining("AI_PROVIDER (environment)")
                .hasMessageContaining("openai-compatible");
        assertThat(ScorerConfigLoader.load(Map.of()).ai().review()).containsExactlyInAnyOrder(GpuStatus.IDLE, GpuStatus.LOW);
        assertThat(ScorerConfigLoader.load(Map.of("AI_REVIEW", "all")).ai().review()).hasSize(4);
        assertThat(ScorerConfigLoader.load(write("ai: {review: [idle, normal]}\n"), Map.of()).ai().review())
                .isEqualTo(Set.of(GpuStatus.IDLE, GpuStatus.NORMAL));
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("AI_REVIEW", "idle,busy"))).hasMessageContaining("AI_REVIEW (environment)");
    }

    @Test
    void notificationsTakeSecretsFromTheEnvironmentOrFilesAndCheckTheEnvelope() throws IOException {
        Path password = dir.resolve("smtp-password");
        Files.writeString(password, "p4ss\n");
        ScorerConfig config = ScorerConfigLoader.load(write("""
                notifications:
                  cooldown: 1800
                  email:
                    smtp_host: smtp.example.com
                    username: scorer
                    password_file: %s
                    from: gpu-scorer@example.com
                    to: [gpu-team@example.com, ops@example.com]
                """.formatted(password)), Map.of("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/xyz",
                "FEISHU_WEBHOOK_URL", "https://open.feishu.cn/open-apis/bot/v2/hook/abc", "FEISHU_SECRET", "s3c"));
        ScorerConfig.Notifications n = config.notifications();
        assertThat(n.cooldown()).isEqualTo(Duration.ofMinutes(30));
        assertThat(n.slackWebhookUrl()).endsWith("/xyz");
        assertThat(n.feishuSecret()).isEqualTo("s3c");
        assertThat(n.email().security()).isEqualTo(SmtpSecurity.STARTTLS);
        assertThat(n.email().port()).isEqualTo(587);
        assertThat(n.email().password()).isEqualTo("p4ss");
        assertThat(n.email().to()).containsExactly("gpu-team@example.com", "ops@example.com");
        assertThat(config.toString()).doesNotContain("xyz").doesNotContain("abc").doesNotContain("s3c").doesNotContain("p4ss");

        Path inline = write("notifications:\n  slack:\n    webhook_url: https://hooks.slack.com/services/T0/B0/xyz\n");
        assertThatThrownBy(() -> ScorerConfigLoader.load(inline, Map.of())).hasMessageContaining("must not be written in the file")
                .hasMessageContaining("SLACK_WEBHOOK_URL").hasMessageNotContaining("xyz");
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("SLACK_WEBHOOK_URL", "hooks.slack.com/services/xyz")))
                .hasMessageContaining("SLACK_WEBHOOK_URL").hasMessageNotContaining("xyz");
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("FEISHU_SECRET", "s"))).hasMessageContaining("FEISHU_WEBHOOK_URL");
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("SMTP_HOST", "smtp", "EMAIL_FROM", "a@b"))).hasMessageContaining("email_to");
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("SMTP_HOST", "smtp", "EMAIL_FROM", "a@b", "EMAIL_TO", "x@y",
                "SMTP_USERNAME", "u"))).hasMessageContaining("SMTP_USERNAME (environment)").hasMessageContaining("SMTP_PASSWORD");
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("EMAIL_TO", "x@y"))).hasMessageContaining("smtp_host");
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("SMTP_HOST", "smtp", "EMAIL_FROM", "a@b", "EMAIL_TO", "x@y",
                "SMTP_SECURITY", "tls"))).hasMessageContaining("SMTP_SECURITY (environment)").hasMessageContaining("starttls");
        assertThat(ScorerConfigLoader.load(Map.of("SMTP_HOST", "smtp", "EMAIL_FROM", "a@b", "EMAIL_TO", "x@y,z@w", "SMTP_SECURITY", "ssl"))
                .notifications().email()).extracting(ScorerConfig.Email::port, ScorerConfig.Email::to).containsExactly(465, List.of("x@y", "z@w"));
    }
}
