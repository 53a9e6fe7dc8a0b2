package io.kubegpu.scorer.prometheus;

/**
 * A query that gave no usable result: Prometheus unreachable, too slow, answering with an error
 * envelope, or with a body that is not the documented shape. The message names the query and the cause.
 */
public final class PrometheusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for counting and health: unreachable, timeout, error (Prometheus said so), malformed. */
    public enum Kind { UNREACHABLE, TIMEOUT, ERROR, MALFORMED }

    private final Kind kind;

    public PrometheusException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
