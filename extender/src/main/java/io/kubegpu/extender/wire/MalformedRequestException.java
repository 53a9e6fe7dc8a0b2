package io.kubegpu.extender.wire;

/** A request body that is not what kube-scheduler sends; answered with 400 and the reason. */
public final class MalformedRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedRequestException(String message) {
        super(message);
    }

    public MalformedRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
