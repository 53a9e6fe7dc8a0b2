package io.kubegpu.scorer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubegpu.scorer.score.ScoreWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorerConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreThoseOfTheMonitor() {
        ScorerConfig config = ScorerConfigLoader.load(Map.of());
        assertThat(config.threshold()).isEqualTo(20);
        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.timeWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.step()).isEqualTo("30s");
        assertThat(config.selector()).isEqualTo("{pod!=\"\"}");
        assertThat(config.weights()).isEqualTo(ScoreWeights.DEFAULT);
        assertThat(config.staleAfter()).isEqualTo(Duration.ofSeconds(900));
        assertThat(config.ai().enabled()).isFalse();
        assertThat(config.controlApi().enabled()).isFalse();
        assertThat(config.configToken()).isNull();
    }

    @Test
    void environmentBeatsFileBeatsDefaults() throws IOException {
        Path yaml = write("threshold: 30\ninterval: 60\nstep: 1m\nweights: {gpu_util: 0.4, mem_copy: 0.3, mem_used: 0.2, power: 0.1}\n");
        ScorerConfig config = ScorerConfigLoader.load(yaml, Map.of("THRESHOLD", "25", "PROM_URL", "http://prom.monitoring:9090/prom"));
        assertThat(config.threshold()).isEqualTo(25);
        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.step()).isEqualTo("1m");
        assertThat(config.promUrl()).isEqualTo("http://prom.monitoring:9090/prom");
        assertThat(config.weights()).isEqualTo(new ScoreWeights(0.4, 0.3, 0.2, 0.1));
    }

    @Test
    void badValuesNameTheKeyAndWhereItCameFrom() throws IOException {
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("THRESHOLD", "5"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("THRESHOLD (environment)").hasMessageContaining("above the idle threshold (10");
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("MAX_WORKERS", "two"))).hasMessageContaining("MAX_WORKERS");
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("STEP", "30x"))).hasMessageContaining("STEP");
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("PROM_URL", "prometheus:9090"))).hasMessageContaining("PROM_URL");
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("AI_ENABLED", "maybe"))).hasMessageContaining("AI_ENABLED");
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("LOG_LEVEL", "loud"))).hasMessageContaining("LOG_LEVEL (environment)");
        Path typo = write("treshold: 30\n");
        assertThatThrownBy(() -> ScorerConfigLoader.load(typo, Map.of())).hasMessageContaining("unknown key 'treshold'");
        Path weights = write("weights: {gpu_util: 0.5, mem_copy: 0.5, mem_used: 0.5, power: 0}\n");
        assertThatThrownBy(() -> ScorerConfigLoader.load(weights, Map.of())).hasMessageContaining("weights").hasMessageContaining("sum to 1");
    }

    @Test
    void secretsComeFromTheEnvironmentOrAFileNeverFromTheYamlAndNeverPrint() throws IOException {
        Path inline = write("ai_api_key: sk-live-123\n");
        assertThatThrownBy(() -> ScorerConfigLoader.load(inline, Map.of())).hasMessageContaining("must not be written in the file")
                .hasMessageContaining("AI_API_KEY").hasMessageContaining("ai_api_key_file").hasMessageNotContaining("sk-live-123");
        Path inlineToken = write("config_api_token: t0ken\n");
        assertThatThrownBy(() -> ScorerConfigLoader.load(inlineToken, Map.of())).hasMessageContaining("CONFIG_API_TOKEN")
                .hasMessageContaining("point config_token_file at a secret file").hasMessageNotContaining("t0ken");
        Path keyFile = dir.resolve("key");
        Files.writeString(keyFile, "sk-from-file\n");
        ScorerConfig config = ScorerConfigLoader.load(write("ai_enabled: true\nai_api_key_file: " + keyFile + "\n"),
                Map.of("CONFIG_API_TOKEN", "tok-123"));
        assertThat(config.ai().apiKey()).isEqualTo("sk-from-file");
        assertThat(config.configToken()).isEqualTo("tok-123");
        assertThat(config.toString()).doesNotContain("sk-from-file").doesNotContain("tok-123");
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("AI_ENABLED", "true"))).hasMessageContaining("AI_API_KEY");
        assertThatThrownBy(() -> ScorerConfigLoader.load(Map.of("CONTROL_API_ENABLED", "true"))).hasMessageContaining("CONTROL_API");
    }

    private Path write(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "scorer", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
