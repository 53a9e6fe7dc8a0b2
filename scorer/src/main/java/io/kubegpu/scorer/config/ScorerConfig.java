package io.kubegpu.scorer.config;

import io.kubegpu.scorer.score.ScoreWeights;
import java.time.Duration;

/**
 * Everything the scorer runs with, validated. Secrets (the AI key, the control-API and config tokens)
 * are held here but never printed: {@link #toString()} of the nested records masks them, and the REST
 * API's {@code /config} only says whether each is set.
 *
 * @param promUrl         Prometheus base URL
 * @param threshold       score under which a GPU is "low" (idle is under 10)
 * @param interval        time between analyses
 * @param maxWorkers      most Prometheus queries in flight at once
 * @param timeWindow      how far back each analysis looks
 * @param step            range-query resolution, a Prometheus duration such as {@code 30s}
 * @param selector        label selector appended to every metric, default {@code {pod!=""}} (GPUs assigned to pods)
 * @param queryTimeout    the most one query may take
 * @param analysisTimeout the most one whole analysis may take
 * @param staleAfter      results older than this are not used for scheduling
 * @param weights         score weights
 * @param configToken     bearer token that {@code POST /config/update} requires; null disables updates
 * @param logLevel        debug, info, warning or error
 */
public record ScorerConfig(String promUrl, double threshold, Duration interval, int maxWorkers, Duration timeWindow, String step,
                           String selector, Duration queryTimeout, Duration analysisTimeout, Duration staleAfter, ScoreWeights weights,
                           Ai ai, ControlApi controlApi, String configToken, String logLevel) {

    /** The optional AI review of low/idle GPUs against an OpenAI-compatible chat-completions endpoint. */
    public record Ai(boolean enabled, String apiUrl, String apiKey, String model, Duration timeout, int maxConcurrency) {
        @Override
        public String toString() {
            return "Ai[enabled=" + enabled + ", apiUrl=" + apiUrl + ", apiKey=" + (apiKey == null ? "unset" : "***") + ", model=" + model
                    + ", timeout=" + timeout + ", maxConcurrency=" + maxConcurrency + "]";
        }
    }

    /** The optional report of GPUs that turned low or idle to an external control API. */
    public record ControlApi(boolean enabled, String url, String token, Duration timeout, int retries, Duration cooldown) {
        @Override
        public String toString() {
            return "ControlApi[enabled=" + enabled + ", url=" + url + ", token=" + (token == null ? "unset" : "***") + ", timeout="
                    + timeout + ", retries=" + retries + ", cooldown=" + cooldown + "]";
        }
    }

    @Override
    public String toString() {
        return "ScorerConfig[promUrl=" + promUrl + ", threshold=" + threshold + ", interval=" + interval + ", maxWorkers=" + maxWorkers
                + ", timeWindow=" + timeWindow + ", step=" + step + ", selector=" + selector + ", queryTimeout=" + queryTimeout
                + ", analysisTimeout=" + analysisTimeout + ", staleAfter=" + staleAfter + ", weights=" + weights + ", ai=" + ai
                + ", controlApi=" + controlApi + ", configToken=" + (configToken == null ? "unset" : "***") + ", logLevel=" + logLevel + "]";
    }
}
