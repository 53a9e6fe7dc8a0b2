package io.kubegpu.scorer.analysis;

import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuStatus;
import io.kubegpu.scorer.score.ScoreStats;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest analysis, immutable. After a failed run the last good scores are kept with {@code stale}
 * set and the failure in {@code lastError}; {@code analyzedAt} stays the time of the good run, so a
 * reader can judge the age of what it uses.
 *
 * @param analyzedAt   end of the window the scores cover; null before the first good run
 * @param scores       per-GPU results, by GPU id
 * @param stats        their totals
 * @param threshold    the low threshold the statuses were given with
 * @param stale        true when the last attempt failed
 * @param lastAttempt  when the last run (good or not) finished; null before any
 * @param lastError    why the last run failed; null when it did not
 * @param ai           AI verdicts of low/idle GPUs, by GPU id (empty unless AI analysis is on)
 */
public record AnalysisSnapshot(Instant analyzedAt, List<GpuScore> scores, ScoreStats stats, double threshold, boolean stale,
                               Instant lastAttempt, String lastError, Map<String, AiVerdict> ai) {
    public AnalysisSnapshot {
        scores = List.copyOf(scores);
        ai = Map.copyOf(ai);
    }

    public static AnalysisSnapshot empty(double threshold) {
        return new AnalysisSnapshot(null, List.of(), ScoreStats.of(List.of()), threshold, false, null, null, Map.of());
    }

    public AnalysisSnapshot failed(Instant at, String error) {
        return new AnalysisSnapshot(analyzedAt, scores, stats, threshold, true, at, error, ai);
    }

    public AnalysisSnapshot withAi(Map<String, AiVerdict> verdicts) {
        return new AnalysisSnapshot(analyzedAt, scores, stats, threshold, stale, lastAttempt, lastError, verdicts);
    }

    /** Scored GPUs under the low threshold (idle included), lowest score first. */
    public List<GpuScore> low() {
        return scores.stream().filter(s -> s.status() == GpuStatus.IDLE || s.status() == GpuStatus.LOW)
                .sorted(java.util.Comparator.comparingDouble(GpuScore::score)).toList();
    }

    /** Mean score / 100 of each host's scored GPUs: 0 idle … 1 saturated. */
    public Map<String, Double> nodeLoads() {
        Map<String, double[]> sums = new HashMap<>();
        for (GpuScore score : scores) {
            if (score.scored() && score.hostname() != null) {
                double[] sum = sums.computeIfAbsent(score.hostname(), h -> new double[2]);
                sum[0] += score.score() / 100;
                sum[1]++;
            }
        }
        Map<String, Double> out = new HashMap<>();
        sums.forEach((host, sum) -> out.put(host, sum[0] / sum[1]));
        return out;
    }
}
