package io.kubegpu.scorer.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-run warning line: every low GPU of a small cluster, a bounded line for a large idle one. */
class RunSummaryLogTest {
    private static GpuScore idle(int i) {
        return new GpuScore("GPU-" + i, "job-" + i, "team-a", "main", "node-1", "Tesla T4", 1, 0, 100, 15360, 20, 300, 40, 2.5, GpuStatus.IDLE, "");
    }

    @Test
    void listsEveryLowGpuOfASmallCluster() {
        assertThat(RunSummaryLog.lowList(List.of(idle(1), idle(2)))).isEqualTo("GPU-1 (team-a/job-1 2.5 idle), GPU-2 (team-a/job-2 2.5 idle)");
    }

    @Test
    void cutsTheLineForALargeIdleClusterAndSaysHowManyMoreAndWhere() {
        List<GpuScore> low = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            low.add(idle(i));
        }
        String line = RunSummaryLog.lowList(low);
        assertThat(line).contains("GPU-49 (").doesNotContain("GPU-50 (").endsWith(" … 4950 more (GET /results/low lists them all)");
        assertThat(line.length()).isLessThan(3000);
    }
}
