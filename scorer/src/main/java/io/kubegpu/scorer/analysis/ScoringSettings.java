package io.kubegpu.scorer.analysis;

import io.kubegpu.scorer.score.ScoreWeights;
import io.kubegpu.scorer.score.Thresholds;
import java.time.Duration;

/** What {@code POST /config/update} may change at run time: the thresholds, the interval and the weights. */
public record ScoringSettings(Thresholds thresholds, Duration interval, ScoreWeights weights) {
    /** The bounds the configuration file allows too: a day at most, so the next run's timer can always be set. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(5);
    public static final Duration MAX_INTERVAL = Duration.ofDays(1);

    public ScoringSettings {
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("interval must be within " + MIN_INTERVAL.toSeconds() + ".." + MAX_INTERVAL.toSeconds()
                    + " seconds, got " + interval.toSeconds());
        }
    }

    /** The low-utilization threshold. */
    public double threshold() {
        return thresholds.low();
    }
}
