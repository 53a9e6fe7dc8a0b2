package io.kubegpu.cluster.state;

/**
 * The part of one physical GPU a shared pod holds: which GPU on its node, how much memory and how
 * much compute.
 *
 * <p>Values are bounded here because they come from pod annotations anyone who can create a pod can write: an
 * index of a hundred million must be refused, not sized into an array.
 *
 * @param index     the GPU's index on the node (as the device plugin numbers them, from 0), below {@value #MAX_INDEX_EXCLUSIVE}
 * @param memoryMiB GPU memory held, MiB, at most {@value #MAX_MEMORY_MIB} (1 TiB)
 * @param milli     compute held, thousandths of the GPU (0 when compute is not reserved)
 */
public record GpuSlice(int index, int memoryMiB, int milli) {
    /** No node has this many GPUs; any index at or above it is refused. */
    public static final int MAX_INDEX_EXCLUSIVE = 256;
    public static final int MAX_MEMORY_MIB = 1 << 20;

    public GpuSlice {
        if (index < 0 || index >= MAX_INDEX_EXCLUSIVE || memoryMiB < 0 || memoryMiB > MAX_MEMORY_MIB || milli < 0 || milli > 1000) {
            throw new IllegalArgumentException("invalid GPU slice: index " + index + " (0.." + (MAX_INDEX_EXCLUSIVE - 1) + "), " + memoryMiB
                    + " MiB (at most " + MAX_MEMORY_MIB + "), " + milli + " milli (0..1000)");
        }
    }
}
