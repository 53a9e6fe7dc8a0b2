package io.kubegpu.simulator.trace;

/** A trace file that cannot be read, with the file and line it stopped at. */
public final class TraceFormatException extends RuntimeException {
    public TraceFormatException(String message) {
        super(message);
    }
}
