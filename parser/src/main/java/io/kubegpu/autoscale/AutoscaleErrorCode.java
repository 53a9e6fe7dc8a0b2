package io.kubegpu.autoscale;

/**
 * Stable, machine-readable codes for every way the autoscale annotations can be wrong.
 *
 * <p>Like {@link io.kubegpu.request.ErrorCode}, the names are a contract (admission messages, Events and metrics carry
 * them): a code is never renamed or reused for another rule. Add new codes at the end.
 */
public enum AutoscaleErrorCode {
    /** Nothing but whitespace. */
    EMPTY,
    /** Longer than {@link AutoscaleParser#MAX_LENGTH} characters. */
    TOO_LONG,
    /** A control character (other than tab). */
    CONTROL_CHARACTER,
    /** A character that is not ASCII even after NFKC normalization. */
    NON_ASCII,
    /** Nothing between two separators, or a separator at the start or end: {@code cpu:50,,gpu:60}, {@code cpu:50,}. */
    EMPTY_ITEM,
    /** Something other than a metric name where one belongs: {@code 50%}, {@code :50}. */
    EXPECTED_METRIC,
    /** A metric name that is not cpu, mem, memory, gpu or gpu-mem. */
    UNKNOWN_METRIC,
    /** The same metric twice (also under its other name: {@code mem} and {@code memory}). */
    DUPLICATE_METRIC,
    /** A metric without {@code :} or {@code =} after it: {@code cpu 50}, {@code cpu}. */
    MISSING_COLON,
    /** No whole number where the percentage belongs: {@code cpu:}, {@code cpu:high}. */
    EXPECTED_PERCENT,
    /** A target of 0 %: an autoscaler aiming at zero utilization would scale to the maximum at once. */
    ZERO_PERCENT,
    /** A target outside 1..100: {@code 150%}, {@code -5}. */
    PERCENT_OUT_OF_RANGE,
    /** A percentage with a fraction: {@code 50.5%}. */
    FRACTIONAL_PERCENT,
    /** Input left after a target: {@code cpu:50%x}, {@code cpu:50 gpu:60}. */
    TRAILING_INPUT,
    /** A replica count that is not a whole number of at least 1: {@code kubegpu.io/autoscale-max: "four"}. */
    INVALID_REPLICAS,
    /** The string without {@code kubegpu.io/autoscale-max}: an autoscaler needs an upper bound. */
    MISSING_MAX_REPLICAS,
    /** {@code kubegpu.io/autoscale-min} above {@code kubegpu.io/autoscale-max}. */
    MIN_ABOVE_MAX
}
