package io.kubegpu.app.server;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server has started, closed in reverse order: a start that fails half-way closes exactly what it had started
 * (the watcher, Vert.x, listeners), and a normal stop closes the same list.
 */
final class Resources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Resources.class);

    /** Something started that can be stopped, with a name for the log when stopping it fails. */
    record Started(String name, AutoCloseable resource) {
    }

    private final Deque<Started> started = new ArrayDeque<>();
    private boolean closed;

    /** Records {@code resource} as started; returns it. */
    synchronized <T extends AutoCloseable> T add(String name, T resource) {
        if (closed) {
            throw new IllegalStateException("already closed");
        }
        started.push(new Started(name, resource));
        return resource;
    }

    /** How many are open, for tests of a failed start. */
    synchronized int open() {
        return started.size();
    }

    /** Closes everything, last started first; a failure to close one is logged and does not stop the others. */
    @Override
    public synchronized void close() {
        closed = true;
        while (!started.isEmpty()) {
            Started next = started.pop();
            try {
                next.resource().close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", next.name(), e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
    }
}
