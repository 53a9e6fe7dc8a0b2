package io.kubegpu.pools.balance;

/**
 * One group's load: allocation = (GPUs allocated + GPUs its pending pods ask for) / GPUs, over its Ready nodes, so a group
 * with a queue counts as busier than its nodes show.
 *
 * @param group      the group
 * @param nodes      its Ready GPU nodes
 * @param gpus       their GPUs
 * @param allocated  GPUs held on them
 * @param pendingMilli GPUs its pending pods ask for, in thousandths
 */
public record GroupLoad(String group, int nodes, long gpus, long allocated, long pendingMilli) {
    public double allocation() {
        return gpus == 0 ? 0 : (allocated + pendingMilli / 1000.0) / gpus;
    }

    /** The load with {@code node} added ({@code sign} 1) or taken away (-1); the node's held GPUs go with it. */
    GroupLoad with(PoolNode node, int sign) {
        return new GroupLoad(group, nodes + sign, gpus + (long) sign * node.gpus(), allocated + (long) sign * node.allocatedGpus(), pendingMilli);
    }

    /** {@code a: 38 of 40 GPUs + 4 pending = 105 %}. */
    String describe() {
        String pending = pendingMilli == 0 ? "" : " + " + gpus(pendingMilli) + " pending";
        return group + ": " + allocated + " of " + gpus + " GPUs" + pending + " = " + percent(allocation());
    }

    static String percent(double fraction) {
        return Math.round(fraction * 100) + " %";
    }

    static String gpus(long milli) {
        return milli % 1000 == 0 ? Long.toString(milli / 1000) : java.math.BigDecimal.valueOf(milli, 3).stripTrailingZeros().toPlainString();
    }
}
