package io.kubegpu.webhook.quota;

/**
 * An amount counted against a quota: GPUs in thousandths, and GPU memory of shares in MiB.
 *
 * @param milli GPUs × 1000
 * @param mib   shared GPU memory, MiB
 */
public record Amount(long milli, long mib) {
    public static final Amount ZERO = new Amount(0, 0);

    public Amount plus(Amount other) {
        return new Amount(milli + other.milli, mib + other.mib);
    }

    public Amount minus(Amount other) {
        return new Amount(milli - other.milli, mib - other.mib);
    }

    public Amount negate() {
        return new Amount(-milli, -mib);
    }

    /** Whether this is at least {@code other} in both parts. */
    public boolean covers(Amount other) {
        return milli >= other.milli && mib >= other.mib;
    }

    public boolean isZero() {
        return milli == 0 && mib == 0;
    }
}
