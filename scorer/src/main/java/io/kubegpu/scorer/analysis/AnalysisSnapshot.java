package io.kubegpu.scorer.analysis;

import io.kubegpu.scorer.score.GpuKey;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.ScoreStats;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest analysis, immutable. After a failed run the last good scores are kept with {@code stale}
 * set and the failure in {@code lastError}; {@code analyzedAt} stays the time of the good run, so a
 * reader can judge the age of what it uses.
 *
 * @param analyzedAt   end of the window the scores cover; null before the first good run
 * @param scores       per-GPU results, one per GPU and pod
 * @param stats        their totals
 * @param threshold    the low threshold the statuses were given with
 * @param stale        true when the last attempt failed
 * @param lastAttempt  when the last run (good or not) finished; null before any
 * @param lastError    why the last run failed; null when it did not
 * @param timedOut     whether the last run failed by passing the analysis timeout (the monitor's {@code analysis_timeout})
 * @param ai           AI verdicts by GPU and pod (empty unless AI analysis is on)
 */
public record AnalysisSnapshot(Instant analyzedAt, List<GpuScore> scores, ScoreStats stats, double threshold, boolean stale,
                               Instant lastAttempt, String lastError, boolean timedOut, Map<GpuKey, AiVerdict> ai) {
    public AnalysisSnapshot {
        scores = List.copyOf(scores);
        ai = Map.copyOf(ai);
    }

    /** A good run's results. */
    public static AnalysisSnapshot of(Instant analyzedAt, List<GpuScore> scores, double threshold, Instant finishedAt) {
        return new AnalysisSnapshot(analyzedAt, scores, ScoreStats.of(scores), threshold, false, finishedAt, null, false, Map.of());
    }

    public static AnalysisSnapshot empty(double threshold) {
        return new AnalysisSnapshot(null, List.of(), ScoreStats.of(List.of()), threshold, false, null, null, false, Map.of());
    }

    public AnalysisSnapshot failed(Instant at, String error, boolean byTimeout) {
        return new AnalysisSnapshot(analyzedAt, scores, stats, threshold, true, at, error, byTimeout, ai);
    }

    public AnalysisSnapshot withAi(Map<GpuKey, AiVerdict> verdicts) {
        return new AnalysisSnapshot(analyzedAt, scores, stats, threshold, stale, lastAttempt, lastError, timedOut, verdicts);
    }

    /** Scored GPUs under the low threshold (idle included), lowest score first. */
    public List<GpuScore> low() {
        return scores.stream().filter(GpuScore::low).sorted(Comparator.comparingDouble(GpuScore::score)).toList();
    }

    /**
     * The low GPUs to report and notify: {@link #low()} less those the AI review cleared with at least
     * {@code aiThreshold} confidence (see {@link AiVerdict#clears}).
     */
    public List<GpuScore> actionable(double aiThreshold) {
        return low().stream().filter(gpu -> {
            AiVerdict verdict = ai.get(gpu.key());
            return verdict == null || !verdict.clears(aiThreshold);
        }).toList();
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
