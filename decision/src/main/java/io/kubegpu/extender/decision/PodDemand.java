package io.kubegpu.extender.decision;

import io.kubegpu.catalog.ModelMatch;
import io.kubegpu.request.GpuRequest;
import java.util.List;

/**
 * What a pod asks of a node's GPUs, computed once per extender call.
 *
 * @param kind        whether the pod is a GPU pod, and of which sort
 * @param podKey      {@code namespace/name}
 * @param podUid      the pod's UID
 * @param request     the parsed {@code kubegpu.io/gpu} request, or {@code null} when it came from resources alone
 * @param resource    the whole-GPU resource ({@code nvidia.com/gpu}) or, for shares, the sharing resource
 * @param count       whole GPUs wanted (WHOLE)
 * @param memoryMiB   memory wanted on one GPU (SHARED; 0 = proportional to the share)
 * @param milli       compute wanted on one GPU, thousandths (SHARED; 0 = not reserved)
 * @param models      the model alternatives, each with its catalog match ({@code null} when unknown)
 * @param minTotalMiB {@code kubegpu.io/min-gpu-memory}, 0 when absent
 * @param policy      the pod's policy override, or {@code null} for the configured default
 * @param problem     why the pod's annotations are invalid (INVALID)
 */
public record PodDemand(Kind kind, String podKey, String podUid, GpuRequest request, String resource, int count, int memoryMiB,
                        int milli, List<ModelAlternative> models, int minTotalMiB, Policy policy, String problem) {

    public enum Kind {
        /** Not a GPU pod: every node passes, scores are neutral. */
        NONE,
        /** A GPU pod whose annotations cannot be used: every node fails with the problem. */
        INVALID,
        /** Whole exclusive GPUs. */
        WHOLE,
        /** A share of one GPU (compute, memory, or both). */
        SHARED
    }

    /** One model the pod accepts, as written and as the catalog resolved it ({@code match} null when unknown). */
    public record ModelAlternative(String token, ModelMatch match) {
    }

    public PodDemand {
        models = models == null ? List.of() : List.copyOf(models);
    }

    public static PodDemand none(String podKey, String podUid) {
        return new PodDemand(Kind.NONE, podKey, podUid, null, null, 0, 0, 0, List.of(), 0, null, null);
    }

    public static PodDemand invalid(String podKey, String podUid, String problem) {
        return new PodDemand(Kind.INVALID, podKey, podUid, null, null, 0, 0, 0, List.of(), 0, null, problem);
    }

    /** The same demand holding {@code mib} of GPU memory (a share whose container requests that much of the sharing resource). */
    public PodDemand withMemoryMiB(int mib) {
        return new PodDemand(kind, podKey, podUid, request, resource, count, mib, milli, models, minTotalMiB, policy, problem);
    }

    public boolean isGpuPod() {
        return kind == Kind.WHOLE || kind == Kind.SHARED;
    }

    /** {@code 2(V100)} or, for resource-only pods, e.g. {@code 2 nvidia.com/gpu}. */
    public String describe() {
        if (request != null) {
            return request.canonical();
        }
        return kind == Kind.WHOLE ? count + " " + resource : GpuRequest.formatMemory(memoryMiB) + " of " + resource;
    }
}
