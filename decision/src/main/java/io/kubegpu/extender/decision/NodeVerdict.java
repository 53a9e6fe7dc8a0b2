package io.kubegpu.extender.decision;

import io.kubegpu.cluster.state.GpuSlice;
import java.util.List;

/**
 * The filter's answer for one node.
 *
 * @param node      node name
 * @param outcome   fits, occupied right now, or never able to fit
 * @param reason    why not, for the pod's FailedScheduling event; empty when it fits
 * @param slices    for a shared pod that fits: the GPU slice it would take (best fit); empty otherwise
 * @param freshGpu  for a shared pod that fits: whether that slice opens a GPU no one shares yet
 */
public record NodeVerdict(String node, Outcome outcome, String reason, List<GpuSlice> slices, boolean freshGpu) {
    public enum Outcome {
        FITS,
        /** Occupied now: preemption or pods finishing may free it ({@code FailedNodes}). */
        OCCUPIED,
        /** Can never fit: wrong model, card too small, too few GPUs in total ({@code FailedAndUnresolvableNodes}). */
        UNRESOLVABLE
    }

    public NodeVerdict {
        slices = List.copyOf(slices);
    }

    static NodeVerdict fits(String node) {
        return new NodeVerdict(node, Outcome.FITS, "", List.of(), false);
    }

    static NodeVerdict fits(String node, GpuSlice slice, boolean freshGpu) {
        return new NodeVerdict(node, Outcome.FITS, "", List.of(slice), freshGpu);
    }

    static NodeVerdict occupied(String node, String reason) {
        return new NodeVerdict(node, Outcome.OCCUPIED, reason, List.of(), false);
    }

    static NodeVerdict unresolvable(String node, String reason) {
        return new NodeVerdict(node, Outcome.UNRESOLVABLE, reason, List.of(), false);
    }

    public boolean fits() {
        return outcome == Outcome.FITS;
    }
}
