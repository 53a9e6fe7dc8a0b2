package io.kubegpu.cluster.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What must hold for every node whatever happened to the processes that placed the pods: no card's memory or compute
 * and no node's GPU count is given out twice. Judged on the nodes and pods as the API server has them (mapped by the same
 * mappers the extender uses), never on an extender's own state, so a crash, a restart or a forged annotation cannot
 * hide a violation. Pure: an operator's {@code state --check} and the fault tests run the same judgement.
 *
 * <p>The rules, per node:
 * <ul>
 *   <li>whole GPUs held by pods plus GPUs carrying shares are at most the node's GPUs;</li>
 *   <li>on each GPU, the shares' memory is at most the node's usable memory per GPU (when the node reports one) and their
 *       compute at most 1000 milli;</li>
 *   <li>a share sits on a GPU index the node has, and not on a GPU reported unhealthy;</li>
 *   <li>a bound pod that asks for shared GPU memory has an assignment (which GPU) the device plugin can read.</li>
 * </ul>
 */
public final class AllocationInvariants {
    /** What a violation breaks. */
    public enum Kind {
        NODE_GPUS_EXCEEDED,
        GPU_MEMORY_EXCEEDED,
        GPU_COMPUTE_EXCEEDED,
        SHARE_ON_MISSING_GPU,
        SHARE_ON_UNHEALTHY_GPU,
        SHARE_WITHOUT_ASSIGNMENT
    }

    /**
     * One broken rule.
     *
     * @param node    the node it is on
     * @param kind    which rule
     * @param message what is wrong, with the amounts and the pods involved
     */
    public record Violation(String node, Kind kind, String message) {
        public Violation {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return node + ": " + kind + ": " + message;
        }
    }

    private static final int FULL_COMPUTE_MILLI = 1000;

    private final Set<String> wholeGpuResources;
    private final String sharedMemoryResource;

    /**
     * @param wholeGpuResources    the vendors' whole-GPU resources, e.g. {@code nvidia.com/gpu}
     * @param sharedMemoryResource the sharing device plugin's memory resource, e.g. {@code aliyun.com/gpu-mem}: a pod asking
     *                             for it is a share and must be assigned a GPU
     */
    public AllocationInvariants(Set<String> wholeGpuResources, String sharedMemoryResource) {
        this.wholeGpuResources = Set.copyOf(wholeGpuResources);
        this.sharedMemoryResource = Objects.requireNonNull(sharedMemoryResource, "sharedMemoryResource");
    }

    /**
     * Every violation among {@code pods} on {@code nodes}, ordered by node and rule. Pods that hold nothing (pending or
     * finished) are not counted; pods bound to a node that is not in {@code nodes} cannot be judged and are skipped.
     */
    public List<Violation> check(Collection<GpuNode> nodes, Collection<GpuPod> pods) {
        Map<String, List<GpuPod>> byNode = new HashMap<>();
        for (GpuPod pod : pods) {
            if (pod.holdsResources()) {
                byNode.computeIfAbsent(pod.nodeName(), n -> new ArrayList<>()).add(pod);
            }
        }
        List<Violation> out = new ArrayList<>();
        for (GpuNode node : nodes) {
            List<GpuPod> held = byNode.getOrDefault(node.name(), List.of());
            if (!held.isEmpty()) {
                checkNode(node, held, out);
            }
        }
        out.sort(Comparator.comparing(Violation::node).thenComparing(Violation::kind));
        return out;
    }

    private void checkNode(GpuNode node, List<GpuPod> pods, List<Violation> out) {
        long whole = 0;
        List<String> wholeHolders = new ArrayList<>();
        // Per GPU index: the shares on it, in a stable order for the messages.
        Map<Integer, List<Share>> shares = new TreeMap<>();
        for (GpuPod pod : pods) {
            long gpus = 0;
            for (String resource : wholeGpuResources) {
                gpus += pod.request(resource);
            }
            if (gpus > 0) {
                whole += gpus;
                wholeHolders.add(pod.key() + " (" + gpus + ")");
            }
            for (GpuSlice slice : pod.slices()) {
                shares.computeIfAbsent(slice.index(), i -> new ArrayList<>()).add(new Share(pod, slice));
            }
            if (pod.request(sharedMemoryResource) > 0 && pod.slices().isEmpty()) {
                out.add(new Violation(node.name(), Kind.SHARE_WITHOUT_ASSIGNMENT, "pod " + pod.key() + " asks for "
                        + pod.request(sharedMemoryResource) + " " + sharedMemoryResource + " but has no GPU assignment the device plugin "
                        + "can read"));
            }
        }
        if (whole + shares.size() > node.gpuCount()) {
            out.add(new Violation(node.name(), Kind.NODE_GPUS_EXCEEDED, whole + " whole GPUs " + wholeHolders + " and " + shares.size()
                    + " GPUs carrying shares " + shares.keySet() + " on a node of " + node.gpuCount() + " GPUs"));
        }
        int usable = node.usableMemoryMiB();
        shares.forEach((index, onGpu) -> {
            long memory = 0;
            long milli = 0;
            for (Share share : onGpu) {
                memory += share.slice().memoryMiB();
                milli += share.slice().milli();
            }
            String holders = onGpu.stream().map(Share::describe).toList().toString();
            if (index >= node.gpuCount()) {
                out.add(new Violation(node.name(), Kind.SHARE_ON_MISSING_GPU, "GPU " + index + " does not exist (the node has "
                        + node.gpuCount() + ") but holds " + holders));
            } else if (!node.healthy(index)) {
                out.add(new Violation(node.name(), Kind.SHARE_ON_UNHEALTHY_GPU, "GPU " + index + " is reported unhealthy but holds "
                        + holders));
            }
            // A node that reports no memory per GPU cannot be judged by memory: the extender refuses memory requests there.
            if (usable > 0 && memory > usable) {
                out.add(new Violation(node.name(), Kind.GPU_MEMORY_EXCEEDED, "GPU " + index + ": " + memory + " MiB given out of "
                        + usable + " MiB usable, to " + holders));
            }
            if (milli > FULL_COMPUTE_MILLI) {
                out.add(new Violation(node.name(), Kind.GPU_COMPUTE_EXCEEDED, "GPU " + index + ": " + milli + " milli of compute given "
                        + "out of " + FULL_COMPUTE_MILLI + ", to " + holders));
            }
        });
    }

    private record Share(GpuPod pod, GpuSlice slice) {
        String describe() {
            return pod.key() + " " + slice.memoryMiB() + " MiB/" + slice.milli() + " milli";
        }
    }
}
