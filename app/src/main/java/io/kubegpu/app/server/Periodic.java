package io.kubegpu.app.server;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The periodic tasks of one server: started on its Vert.x, every one cancelled when it closes. */
final class Periodic implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Periodic.class);

    private final Vertx vertx;
    private final List<Long> timers = new ArrayList<>();

    Periodic(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Runs {@code task} every {@code period} on an event loop; a task that throws is logged and runs again next time. */
    synchronized void every(Duration period, Runnable task) {
        timers.add(vertx.setPeriodic(period.toMillis(), id -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("periodic task failed", e);
            }
        }));
    }

    /** How many timers are running, for tests. */
    synchronized int running() {
        return timers.size();
    }

    @Override
    public synchronized void close() {
        timers.forEach(vertx::cancelTimer);
        timers.clear();
    }
}
