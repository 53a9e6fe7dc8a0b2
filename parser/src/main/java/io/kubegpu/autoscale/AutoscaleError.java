package io.kubegpu.autoscale;

import io.kubegpu.api.LogSafe;
import java.util.Objects;

/**
 * Why the autoscale annotations were refused.
 *
 * @param code       stable machine-readable code
 * @param annotation the annotation at fault, e.g. {@code kubegpu.io/autoscale}
 * @param value      its value as written (null when the annotation is missing)
 * @param message    what is wrong and how to fix it, naming the offending text
 * @param column     1-based column in {@code value} (in Unicode code points, as typed) where the problem starts
 */
public record AutoscaleError(AutoscaleErrorCode code, String annotation, String value, String message, int column) {
    public AutoscaleError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(annotation, "annotation");
        Objects.requireNonNull(message, "message");
        if (column < 1) {
            throw new IllegalArgumentException("column is 1-based, got " + column);
        }
    }

    /** One line for users (admission refusals, Events): annotation, value, code, column and message. */
    public String describe() {
        return annotation + (value == null ? "" : " " + LogSafe.quote(value)) + ": " + code + " at column " + column + ": " + message;
    }

    @Override
    public String toString() {
        return describe();
    }
}
