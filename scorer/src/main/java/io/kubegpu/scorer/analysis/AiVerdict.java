package io.kubegpu.scorer.analysis;

/**
 * What the AI review said about one low or idle GPU.
 *
 * @param status         active, idle or suspicious
 * @param confidence     0..1
 * @param reason         why, in the model's words
 * @param recommendation what to do
 * @param adjustedScore  the model's corrected utilization score, 0..100
 */
public record AiVerdict(String status, double confidence, String reason, String recommendation, double adjustedScore) {
}
