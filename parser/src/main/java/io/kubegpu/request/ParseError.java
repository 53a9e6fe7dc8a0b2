package io.kubegpu.request;

import java.util.Objects;

/**
 * Why a GPU request string was refused.
 *
 * @param code    stable machine-readable code
 * @param message what is wrong and how to fix it, naming the offending text
 * @param column  1-based column in the original input (in Unicode code points) where the problem starts
 */
public record ParseError(ErrorCode code, String message, int column) {
    public ParseError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        if (column < 1) {
            throw new IllegalArgumentException("column is 1-based, got " + column);
        }
    }

    @Override
    public String toString() {
        return code + " at column " + column + ": " + message;
    }
}
