package io.kubegpu.extender.decision;

import io.kubegpu.cluster.state.GpuSlice;
import java.util.List;

/**
 * The filter's answer for one node.
 *
 * @param node      node name
 * @param outcome   fits, occupied right now, or never able to fit
 * @param why       why not, as data (null when it fits); {@link #reason()} is its sentence
 * @param slices    for a shared pod that fits: the GPU slice it would take (best fit); empty otherwise
 * @param freshGpu  for a shared pod that fits: whether that slice opens a GPU no one shares yet
 */
public record NodeVerdict(String node, Outcome outcome, FitReason why, List<GpuSlice> slices, boolean freshGpu) {
    public enum Outcome {
        FITS,
        /** Occupied now: preemption or pods finishing may free it ({@code FailedNodes}). */
        OCCUPIED,
        /** Can never fit: wrong model, card too small, too few GPUs in total ({@code FailedAndUnresolvableNodes}). */
        UNRESOLVABLE
    }

    public NodeVerdict {
        slices = List.copyOf(slices);
        if ((outcome == Outcome.FITS) != (why == null)) {
            throw new IllegalArgumentException("a verdict has a reason exactly when it does not fit: " + outcome + ", " + why);
        }
    }

    static NodeVerdict fits(String node) {
        return new NodeVerdict(node, Outcome.FITS, null, List.of(), false);
    }

    static NodeVerdict fits(String node, GpuSlice slice, boolean freshGpu) {
        return new NodeVerdict(node, Outcome.FITS, null, List.of(slice), freshGpu);
    }

    static NodeVerdict occupied(String node, FitReason why) {
        return new NodeVerdict(node, Outcome.OCCUPIED, why, List.of(), false);
    }

    static NodeVerdict unresolvable(String node, FitReason why) {
        return new NodeVerdict(node, Outcome.UNRESOLVABLE, why, List.of(), false);
    }

    public boolean fits() {
        return outcome == Outcome.FITS;
    }

    /** The sentence for the pod's event; empty when it fits. Formatted on each call: call it where the text is written. */
    public String reason() {
        return why == null ? "" : why.text();
    }
}
