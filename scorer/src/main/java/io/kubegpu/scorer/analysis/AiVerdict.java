package io.kubegpu.scorer.analysis;

/**
 * What the AI review said about one GPU and pod.
 *
 * @param status         active, idle or suspicious
 * @param confidence     0..1
 * @param reason         why, in the model's words
 * @param recommendation what to do
 * @param adjustedScore  the model's corrected utilization score, 0..100
 */
public record AiVerdict(String status, double confidence, String reason, String recommendation, double adjustedScore) {
    /**
     * Whether this verdict clears a low GPU of the rule-based finding: the model says it is in use, with at
     * least {@code threshold} confidence ({@code ai.threshold}, 0.7 by default). Such a GPU is not reported to
     * the control API or notified; any other verdict leaves the rule-based finding in place.
     */
    public boolean clears(double threshold) {
        return "active".equals(status) && confidence >= threshold;
    }
}
