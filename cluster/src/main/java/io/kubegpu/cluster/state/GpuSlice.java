package io.kubegpu.cluster.state;

/**
 * The part of one physical GPU a shared pod holds: which GPU on its node, how much memory and how
 * much compute.
 *
 * @param index     the GPU's index on the node (as the device plugin numbers them, from 0)
 * @param memoryMiB GPU memory held, MiB
 * @param milli     compute held, thousandths of the GPU (0 when compute is not reserved)
 */
public record GpuSlice(int index, int memoryMiB, int milli) {
    public GpuSlice {
        if (index < 0 || memoryMiB < 0 || milli < 0 || milli > 1000) {
            throw new IllegalArgumentException("invalid GPU slice: index " + index + ", " + memoryMiB + " MiB, " + milli + " milli");
        }
    }
}
