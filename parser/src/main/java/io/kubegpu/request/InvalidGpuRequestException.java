package io.kubegpu.request;

/**
 * The one exception {@link GpuRequestParser} throws: the input is not a valid GPU request.
 *
 * <p>It carries no stack trace: bad input is an expected outcome on the admission and scheduling
 * paths, and filling in a trace for every rejected string would cost more than the parse itself.
 */
public final class InvalidGpuRequestException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient ParseError error;

    public InvalidGpuRequestException(ParseError error) {
        super(error.toString());
        this.error = error;
    }

    public ParseError error() {
        return error;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
