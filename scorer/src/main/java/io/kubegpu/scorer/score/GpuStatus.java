package io.kubegpu.scorer.score;

import java.util.Locale;

/** How busy a GPU is, by its score: idle below 10, low below the threshold (20), normal up to 70, high above. */
public enum GpuStatus {
    IDLE, LOW, NORMAL, HIGH,
    /** A series the score needs is missing: no score is made up. */
    UNKNOWN;

    /** The name the REST API and metrics use: {@code idle}, {@code low}, … */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static GpuStatus of(double score, double lowThreshold) {
        if (score < 10) {
            return IDLE;
        }
        if (score < lowThreshold) {
            return LOW;
        }
        return score <= 70 ? NORMAL : HIGH;
    }
}
