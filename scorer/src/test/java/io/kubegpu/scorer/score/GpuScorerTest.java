package io.kubegpu.scorer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.kubegpu.catalog.GpuCatalog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuScorerTest {
    private static final GpuScorer SCORER = new GpuScorer(ScoreWeights.DEFAULT, 20, GpuCatalog.builtIn());
    private static final Map<String, String> LABELS = Map.of("pod", "train-0", "namespace", "team-a", "container", "main",
            "Hostname", "gpu-node-1", "modelName", "Tesla V100-SXM2-32GB");

    private static GpuWindow window(Map<String, String> labels, double util, double copy, double used, double free, double power, Double limit) {
        return new GpuWindow("GPU-1", labels, new double[] {util}, new double[] {copy}, new double[] {used}, new double[] {free},
                new double[] {power}, new double[] {1380}, limit);
    }

    @Test
    void busyGpuScoresHigh() {
        // 0.5×90 + 0.2×50 + 0.2×(30000/32000 = 93.75) + 0.1×(250/300 = 83.33) = 45 + 10 + 18.75 + 8.33 = 82.08
        GpuScore score = SCORER.score(window(LABELS, 90, 50, 30000, 2000, 250, 300.0));
        assertThat(score.score()).isCloseTo(82.083, within(0.01));
        assertThat(score.status()).isEqualTo(GpuStatus.HIGH);
        assertThat(score).extracting(GpuScore::pod, GpuScore::namespace, GpuScore::container, GpuScore::hostname)
                .containsExactly("train-0", "team-a", "main", "gpu-node-1");
    }

    @Test
    void idleGpuUsesTheCatalogPowerLimitWhenDcgmHasNone() {
        // V100-32GB limit 300 W: 0 + 0 + 0.2×(500/32000 = 1.5625) + 0.1×(40/300 = 13.33) = 0.3125 + 1.333 = 1.65
        GpuScore score = SCORER.score(window(LABELS, 0, 0, 500, 31500, 40, null));
        assertThat(score.score()).isCloseTo(1.646, within(0.01));
        assertThat(score.status()).isEqualTo(GpuStatus.IDLE);
    }

    @Test
    void statusBoundariesFollowTheThreshold() {
        Map<String, String> t4 = Map.of("modelName", "Tesla T4");
        // T4 70 W: 0.5×15 + 0.2×10 + 0.2×25 + 0.1×(30/70 = 42.86) = 7.5 + 2 + 5 + 4.29 = 18.79 -> low (< 20)
        assertThat(SCORER.score(window(t4, 15, 10, 4000, 12000, 30, null)).status()).isEqualTo(GpuStatus.LOW);
        // util 20: 10 + 2 + 5 + 4.29 = 21.29 -> normal
        assertThat(SCORER.score(window(t4, 20, 10, 4000, 12000, 30, null)).status()).isEqualTo(GpuStatus.NORMAL);
        // With a threshold of 30 the same GPU is low.
        GpuScorer strict = new GpuScorer(ScoreWeights.DEFAULT, 30, GpuCatalog.builtIn());
        assertThat(strict.score(window(t4, 20, 10, 4000, 12000, 30, null)).status()).isEqualTo(GpuStatus.LOW);
    }

    @Test
    void averagesBurstySamplesAndIgnoresNonFiniteOnes() {
        GpuWindow bursty = new GpuWindow("GPU-2", LABELS, new double[] {0, 100, 0, 100, Double.NaN}, new double[] {0, 0}, new double[] {16000},
                new double[] {16000}, new double[] {150, 150}, new double[] {1380}, 300.0);
        // 0.5×50 + 0 + 0.2×50 + 0.1×50 = 40
        assertThat(SCORER.score(bursty).score()).isCloseTo(40, within(1e-9));
    }

    @Test
    void missingSeriesMakeAnUnknownGpuNeverAMadeUpScore() {
        GpuWindow noUtil = new GpuWindow("GPU-3", LABELS, null, new double[] {1}, new double[] {1}, new double[] {1}, new double[] {1},
                null, 300.0);
        GpuScore score = SCORER.score(noUtil);
        assertThat(score.status()).isEqualTo(GpuStatus.UNKNOWN);
        assertThat(score.score()).isNaN();
        assertThat(score.missing()).isEqualTo("DCGM_FI_DEV_GPU_UTIL");
        GpuScore empty = SCORER.score(new GpuWindow("GPU-4", LABELS, new double[0], new double[] {1}, new double[] {1}, new double[] {1},
                new double[] {1}, null, 300.0));
        assertThat(empty.status()).isEqualTo(GpuStatus.UNKNOWN);
        GpuScore noLimit = SCORER.score(window(Map.of("modelName", "Mystery GPU"), 50, 50, 1, 1, 100, null));
        assertThat(noLimit.missing()).contains("power limit").contains("Mystery GPU");
    }

    @Test
    void attributesThroughExportedLabelsAndLowerCaseHostname() {
        GpuScore score = SCORER.score(window(Map.of("exported_pod", "infer-1", "exported_namespace", "team-b", "exported_container", "srv",
                "hostname", "node-7", "modelName", "NVIDIA A100-SXM4-80GB", "pod", ""), 50, 0, 1, 1, 100, null));
        assertThat(score).extracting(GpuScore::pod, GpuScore::namespace, GpuScore::container, GpuScore::hostname)
                .containsExactly("infer-1", "team-b", "srv", "node-7");
    }

    @Test
    void theWorkloadsExportedLabelsWinOverTheExporterPodsOwn() {
        // honor_labels: false — pod/namespace are the dcgm-exporter target's, exported_* the workload's.
        GpuScore score = SCORER.score(window(Map.of("pod", "dcgm-exporter-x7k2p", "namespace", "gpu-operator", "exported_pod", "train-0",
                "exported_namespace", "team-a", "Hostname", "node-1", "modelName", "Tesla V100-SXM2-16GB"), 50, 0, 1, 1, 100, null));
        assertThat(score).extracting(GpuScore::pod, GpuScore::namespace, GpuScore::hostname)
                .containsExactly("train-0", "team-a", "node-1");
    }

    @Test
    void refusesWeightsThatDoNotSumToOneAndThresholdsOutOfRange() {
        assertThatThrownBy(() -> new ScoreWeights(0.5, 0.2, 0.2, 0.2)).hasMessageContaining("must sum to 1");
        assertThatThrownBy(() -> new ScoreWeights(1.5, -0.5, 0, 0)).hasMessageContaining("within 0..1");
        assertThatThrownBy(() -> new GpuScorer(ScoreWeights.DEFAULT, 80, GpuCatalog.builtIn())).hasMessageContaining("at most 70");
        assertThatThrownBy(() -> new Thresholds(25, 20)).hasMessageContaining("below the low threshold");
    }

    @Test
    void statsSummarizeScoredGpusAndEveryTenant() {
        List<GpuScore> scores = SCORER.score(List.of(
                window(LABELS, 90, 50, 30000, 2000, 250, 300.0),                                  // team-a high 82.08
                window(LABELS, 0, 0, 500, 31500, 40, null),                                      // team-a idle 1.65
                window(Map.of("namespace", "team-b", "modelName", "Tesla T4"), 15, 10, 4000, 12000, 30, null), // team-b low 18.79
                new GpuWindow("GPU-9", Map.of("namespace", "team-b"), null, null, null, null, null, null, null)));  // unknown
        ScoreStats stats = ScoreStats.of(scores);
        assertThat(stats.totalGpus()).isEqualTo(4);
        assertThat(stats.avgScore()).isCloseTo((82.083 + 1.646 + 18.786) / 3, within(0.01));
        assertThat(stats.minScore()).isCloseTo(1.646, within(0.01));
        assertThat(stats.maxScore()).isCloseTo(82.083, within(0.01));
        assertThat(stats.lowUtilizationCount()).isEqualTo(2);
        assertThat(stats.idleCount()).isEqualTo(1);
        assertThat(stats.byStatus()).containsEntry(GpuStatus.HIGH, 1).containsEntry(GpuStatus.IDLE, 1).containsEntry(GpuStatus.LOW, 1)
                .containsEntry(GpuStatus.UNKNOWN, 1);
        assertThat(stats.byNamespace().get("team-a").count()).isEqualTo(2);
        assertThat(stats.byNamespace().get("team-a").lowUtilCount()).isEqualTo(1);
        assertThat(stats.byNamespace().get("team-a").avgScore()).isCloseTo((82.083 + 1.646) / 2, within(0.01));
        assertThat(stats.byNamespace().get("team-b").count()).isEqualTo(2);
        assertThat(stats.byNamespace().get("team-b").lowUtilCount()).isEqualTo(1);
    }
}
