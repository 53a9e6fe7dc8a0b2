package io.kubegpu.autoscale;

/**
 * The one exception {@link AutoscaleParser} throws: the annotations are not a valid autoscaling request. Like the GPU
 * request grammar's exception it carries no stack trace: bad input is an expected outcome on the admission path.
 */
public final class InvalidAutoscaleException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient AutoscaleError error;

    public InvalidAutoscaleException(AutoscaleError error) {
        super(error.describe());
        this.error = error;
    }

    public AutoscaleError error() {
        return error;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
