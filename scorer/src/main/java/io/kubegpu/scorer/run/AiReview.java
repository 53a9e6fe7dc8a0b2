package io.kubegpu.scorer.run;

import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuStatus;
import java.util.Set;

/**
 * How the analyzer uses the AI reviewer: whether scheduled runs ask it, and which GPUs it is shown, by
 * status (low and idle by default; {@code /analyze?use_ai=true} asks about the same ones).
 */
public record AiReview(AiReviewer reviewer, boolean everyRun, Set<GpuStatus> statuses) {
    public AiReview {
        statuses = Set.copyOf(statuses);
    }

    boolean reviews(GpuScore gpu) {
        return gpu.scored() && statuses.contains(gpu.status());
    }
}
