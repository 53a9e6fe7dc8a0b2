package io.kubegpu.cluster.it;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition that another component (a watch, the scheduler) makes true, with a deadline. */
public final class Eventually {
    private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

    private Eventually() {
    }

    /** Polls until the condition holds; fails with the description after the timeout. */
    public static void until(Duration timeout, String description, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + description);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Polls until the assertion passes; rethrows its last failure after the timeout. */
    public static void assertThat(Duration timeout, Runnable assertion) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        }
    }

    /** Polls until the supplier returns non-null. */
    public static <T> T value(Duration timeout, String description, Supplier<T> supplier) {
        Object[] holder = new Object[1];
        until(timeout, description, () -> (holder[0] = supplier.get()) != null);
        @SuppressWarnings("unchecked")
        T value = (T) holder[0];
        return value;
    }
}
