package io.kubegpu.scorer.score;

import java.util.Locale;

/**
 * How busy a GPU is, by its score: idle below the idle threshold (10), low below the low threshold (20),
 * normal up to 70, high above.
 */
public enum GpuStatus {
    IDLE, LOW, NORMAL, HIGH,
    /** A series the score needs is missing: no score is made up. */
    UNKNOWN;

    /** The name the REST API and metrics use: {@code idle}, {@code low}, … */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status named {@code label} ({@code idle}, {@code low}, …); IllegalArgumentException for any other. */
    public static GpuStatus ofLabel(String label) {
        for (GpuStatus status : values()) {
            if (status.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown GPU status '" + label + "'; use idle, low, normal, high or unknown");
    }

    static GpuStatus of(double score, Thresholds thresholds) {
        if (score < thresholds.idle()) {
            return IDLE;
        }
        if (score < thresholds.low()) {
            return LOW;
        }
        return score <= Thresholds.HIGH ? NORMAL : HIGH;
    }
}
