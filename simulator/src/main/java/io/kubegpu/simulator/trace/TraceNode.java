package io.kubegpu.simulator.trace;

/**
 * One node of the trace's cluster.
 *
 * @param name      {@code sn}
 * @param cpuMilli  CPU, thousandths of a core
 * @param memoryMiB host memory
 * @param gpus      GPUs
 * @param model     GPU model as the trace names it ({@code G1}–{@code G3} are undisclosed), {@code null} without GPUs
 */
public record TraceNode(String name, int cpuMilli, long memoryMiB, int gpus, String model) {
}
