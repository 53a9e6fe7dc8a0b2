package io.kubegpu.scorer.analysis;

import io.kubegpu.scorer.score.ScoreWeights;
import java.time.Duration;

/** What {@code POST /config/update} may change at run time: the low threshold, the interval and the weights. */
public record ScoringSettings(double threshold, Duration interval, ScoreWeights weights) {
    public ScoringSettings {
        if (!(threshold >= 10 && threshold <= 70)) {
            throw new IllegalArgumentException("threshold must be within 10..70 (idle is below 10, high above 70), got " + threshold);
        }
        if (interval.compareTo(Duration.ofSeconds(5)) < 0) {
            throw new IllegalArgumentException("interval must be at least 5 seconds, got " + interval.toSeconds());
        }
    }
}
