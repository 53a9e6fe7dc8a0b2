package io.kubegpu.extender.placement;

import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.request.Vendor;
import java.util.Arrays;
import java.util.List;

/**
 * What is free on one node, in the units placement reasons about: compute thousandths per GPU (1000 =
 * a whole free GPU) and, where the caller tracks it, host CPU. Immutable.
 *
 * @param model       the node's GPU model label, or {@code null}
 * @param cpuFreeMilli free host CPU in thousandths of a core, or {@link #UNTRACKED} when the caller does not
 *                    know it (the extender: kube-scheduler checks CPU itself)
 */
public record GpuLayout(String model, int cpuFreeMilli, int[] freeMilli) {
    /** CPU is not part of the decision. */
    public static final int UNTRACKED = Integer.MAX_VALUE;
    public static final int WHOLE = 1000;

    public GpuLayout {
        freeMilli = freeMilli.clone();
        for (int free : freeMilli) {
            if (free < 0 || free > WHOLE) {
                throw new IllegalArgumentException("free GPU share must be within 0..1000, got " + free);
            }
        }
    }

    @Override
    public int[] freeMilli() {
        return freeMilli.clone();
    }

    public int gpuCount() {
        return freeMilli.length;
    }

    public int free(int index) {
        return freeMilli[index];
    }

    public int totalFree() {
        int total = 0;
        for (int free : freeMilli) {
            total += free;
        }
        return total;
    }

    public int fullyFree() {
        int count = 0;
        for (int free : freeMilli) {
            if (free == WHOLE) {
                count++;
            }
        }
        return count;
    }

    /** GPUs with at least {@code milli} free. */
    public int gpusWithAtLeast(int milli) {
        int count = 0;
        for (int free : freeMilli) {
            if (free >= milli) {
                count++;
            }
        }
        return count;
    }

    /** Whether the task fits: CPU (when tracked), model, and enough GPUs with its share free. */
    public boolean fits(TaskShape task) {
        if (cpuFreeMilli != UNTRACKED && cpuFreeMilli < task.cpuMilli()) {
            return false;
        }
        if (task.gpuCount() == 0) {
            return true;
        }
        return task.accepts(model) && gpusWithAtLeast(task.gpuMilli()) >= task.gpuCount();
    }

    /** The {@code count} lowest-numbered fully free GPUs, where whole-GPU tasks go. */
    public int[] lowestFullyFree(int count) {
        int[] out = new int[count];
        int found = 0;
        for (int i = 0; i < freeMilli.length && found < count; i++) {
            if (freeMilli[i] == WHOLE) {
                out[found++] = i;
            }
        }
        if (found < count) {
            throw new IllegalStateException(found + " GPUs are fully free, the task needs " + count);
        }
        return out;
    }

    /** GPU memory as thousandths of a card, rounded up (a share holds the larger of its compute and memory). */
    public static int milliOfMemory(long memoryMiB, int cardMiB) {
        return cardMiB <= 0 || memoryMiB <= 0 ? 0 : (int) Math.min(WHOLE, (memoryMiB * WHOLE + cardMiB - 1) / cardMiB);
    }

    /** The layout once {@code task} holds the GPUs at {@code indices} (and its CPU). */
    public GpuLayout with(TaskShape task, int[] indices) {
        int[] next = freeMilli.clone();
        for (int index : indices) {
            if (next[index] < task.gpuMilli()) {
                throw new IllegalArgumentException("GPU " + index + " has " + next[index] + " free, the task needs " + task.gpuMilli());
            }
            next[index] -= task.gpuMilli();
        }
        int cpu = cpuFreeMilli == UNTRACKED ? UNTRACKED : cpuFreeMilli - task.cpuMilli();
        return new GpuLayout(model, cpu, next);
    }

    /** A key equal for layouts that place identically: same model, CPU and multiset of free shares. */
    LayoutKey key() {
        int[] sorted = freeMilli.clone();
        Arrays.sort(sorted);
        return new LayoutKey(model, cpuFreeMilli, sorted);
    }

    /**
     * The layout of a node in the extender's cluster state. Shared GPUs keep their index; whole-GPU pods carry
     * no index, so they are counted against the highest-numbered GPUs no share uses (the filter opens fresh shared
     * GPUs from the lowest index, so the two never collide). Memory is folded in: a shared GPU is as full as its
     * fuller dimension.
     */
    public static GpuLayout of(GpuNode node, NodeState usage, List<Vendor> vendors) {
        int gpus = node.gpuCount();
        int[] free = new int[gpus];
        int card = node.usableMemoryMiB();
        long wholeUsed = 0;
        if (usage != null) {
            for (Vendor vendor : vendors) {
                wholeUsed += usage.used(vendor.resource());
            }
        }
        for (int i = 0; i < gpus; i++) {
            if (!node.healthy(i)) {
                free[i] = 0; // Never placed on; an unhealthy GPU is no free capacity.
            } else if (usage != null && usage.sharedHolders(i) > 0) {
                free[i] = WHOLE - Math.min(WHOLE, Math.max(usage.sharedMilli(i), milliOfMemory(usage.sharedMemoryMiB(i), card)));
            } else {
                free[i] = WHOLE;
            }
        }
        for (int i = gpus - 1; i >= 0 && wholeUsed > 0; i--) {
            if ((usage == null || usage.sharedHolders(i) == 0) && node.healthy(i)) {
                free[i] = 0;
                wholeUsed--;
            }
        }
        return new GpuLayout(node.modelLabel(), UNTRACKED, free);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GpuLayout o && o.cpuFreeMilli == cpuFreeMilli && java.util.Objects.equals(o.model, model)
                && Arrays.equals(o.freeMilli, freeMilli);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * java.util.Objects.hashCode(model) + cpuFreeMilli) + Arrays.hashCode(freeMilli);
    }

    @Override
    public String toString() {
        return "GpuLayout[" + model + ", cpu " + (cpuFreeMilli == UNTRACKED ? "untracked" : cpuFreeMilli) + ", free "
                + Arrays.toString(freeMilli) + "]";
    }

    /** Hash key over the sorted free shares. */
    record LayoutKey(String model, int cpu, int[] sorted) {
        @Override
        public boolean equals(Object other) {
            return other instanceof LayoutKey o && o.cpu == cpu && java.util.Objects.equals(o.model, model) && Arrays.equals(o.sorted, sorted);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * java.util.Objects.hashCode(model) + cpu) + Arrays.hashCode(sorted);
        }
    }
}
