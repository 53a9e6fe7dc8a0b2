package io.kubegpu.scorer.run;

import io.kubegpu.scorer.analysis.AiVerdict;
import io.kubegpu.scorer.score.GpuKey;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuWindow;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/** Second opinion on GPUs (low and idle ones by default). A failed or partial review never fails the analysis. */
public interface AiReviewer {
    /** Verdicts by GPU and pod for those of {@code gpus} it could judge; {@code windows} by GPU and pod. */
    Future<Map<GpuKey, AiVerdict>> review(List<GpuScore> gpus, Map<GpuKey, GpuWindow> windows);
}
