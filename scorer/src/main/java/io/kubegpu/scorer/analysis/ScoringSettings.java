package io.kubegpu.scorer.analysis;

import io.kubegpu.scorer.score.ScoreWeights;
import io.kubegpu.scorer.score.Thresholds;
import java.time.Duration;

/** What {@code POST /config/update} may change at run time: the thresholds, the interval and the weights. */
public record ScoringSettings(Thresholds thresholds, Duration interval, ScoreWeights weights) {
    public ScoringSettings {
        if (interval.compareTo(Duration.ofSeconds(5)) < 0) {
            throw new IllegalArgumentException("interval must be at least 5 seconds, got " + interval.toSeconds());
        }
    }

    /** The low-utilization threshold. */
    public double threshold() {
        return thresholds.low();
    }
}
