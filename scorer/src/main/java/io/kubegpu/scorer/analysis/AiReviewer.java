package io.kubegpu.scorer.analysis;

import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuWindow;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/** Second opinion on low and idle GPUs. A failed or partial review never fails the analysis. */
public interface AiReviewer {
    /** Verdicts by GPU id for those of {@code low} it could judge; {@code windows} by GPU id. */
    Future<Map<String, AiVerdict>> review(List<GpuScore> low, Map<String, GpuWindow> windows);
}
