package io.kubegpu.extender.decision;

/**
 * Why a pod does not fit a node, as data: what was asked, what the node has or has free. The sentence kube-scheduler
 * puts in the pod's FailedScheduling event is {@link #text()}, written once where the reply is encoded (and by /explain
 * and the console); decisions compare and group reasons by their fields, never by their text.
 */
public sealed interface FitReason {
    /** The sentence for the pod's event. */
    String text();

    /** The node is not in the extender's cluster state yet (a new node, or a name kube-scheduler knows first). */
    record UnknownNode(String node) implements FitReason {
        @Override
        public String text() {
            return "node " + node + " is not in the GPU extender's cluster state yet";
        }
    }

    record NotReady() implements FitReason {
        @Override
        public String text() {
            return "node is not Ready";
        }
    }

    record Cordoned() implements FitReason {
        @Override
        public String text() {
            return "node is cordoned";
        }
    }

    /**
     * The node's GPU model is none of those the pod accepts.
     *
     * @param nodeModel the node's model as described for users, or null when the node has no model label
     * @param wanted    the pod's alternatives, e.g. {@code V100|A100}
     */
    record WrongModel(String nodeModel, String wanted) implements FitReason {
        @Override
        public String text() {
            return nodeModel == null ? "node has no GPU model label, the pod needs " + wanted : "node has " + nodeModel + ", the pod needs " + wanted;
        }
    }

    /** The node has fewer GPUs of {@code resource} than the pod asks for, even empty. */
    record TooFewGpus(String resource, long capacity, long requested) implements FitReason {
        @Override
        public String text() {
            return "node has " + capacity + " " + resource + ", the pod needs " + requested;
        }
    }

    /** Not enough of the node's GPUs are free now. */
    record GpusTaken(String resource, long free, long capacity, long requested) implements FitReason {
        @Override
        public String text() {
            return Math.max(0, free) + " of " + capacity + " " + resource + " free, the pod needs " + requested;
        }
    }

    /** The memory guard's verdict for the node's card (it words its own sentence). */
    record CardRefused(String guardReason) implements FitReason {
        @Override
        public String text() {
            return guardReason;
        }
    }

    record NoGpus() implements FitReason {
        @Override
        public String text() {
            return "node has no GPUs";
        }
    }

    /** A share names memory but the node reports no GPU memory and its model is unknown. */
    record MemoryUnknown(int requestedMiB) implements FitReason {
        @Override
        public String text() {
            return "node reports no GPU memory, the pod needs " + GpuFit.gib(requestedMiB)
                    + " on one GPU (label the node with nvidia.com/gpu.memory or a GPU model the catalog knows)";
        }
    }

    /** A share needs more memory than one GPU of the node offers (what the node reports usable). */
    record CardTooSmall(int usableMiB, int nominalMiB, int requestedMiB) implements FitReason {
        @Override
        public String text() {
            return "node reports " + GpuFit.gib(usableMiB) + " usable per GPU" + (nominalMiB > usableMiB ? " (" + GpuFit.gib(nominalMiB) + " nominal)" : "")
                    + ", the pod needs " + GpuFit.gib(requestedMiB) + " on one GPU";
        }
    }

    /**
     * No GPU of the node has room for the share now.
     *
     * @param mostFreeIndex the shared GPU with the most free memory, or -1 when no GPU carries a share (all taken whole or
     *                      unhealthy)
     * @param unhealthy     the node's unhealthy GPUs, e.g. {@code [0, 2]}, empty when all are healthy
     */
    record NoCardFree(int neededMiB, int neededMilli, int gpus, int mostFreeIndex, long mostFreeMiB, int mostFreeMilli, String unhealthy)
            implements FitReason {
        @Override
        public String text() {
            String most = mostFreeIndex >= 0 ? "most free: GPU " + mostFreeIndex + " with " + GpuFit.gib(mostFreeMiB) + " and " + GpuFit.share(mostFreeMilli)
                    + (mostFreeMiB < 0 || mostFreeMilli < 0 ? " (its shares hold more than it has)" : "")
                    : unhealthy.isEmpty() ? "all " + gpus + " GPUs are taken by whole-GPU pods"
                    : "the other GPUs are taken by whole-GPU pods or unhealthy (GPUs " + unhealthy + ")";
            return "no GPU has " + GpuFit.gib(neededMiB) + (neededMilli > 0 ? " and " + GpuFit.share(neededMilli) : "") + " free; " + most;
        }
    }

    /** The pod's own annotations cannot be used (the parser's message and column). */
    record InvalidRequest(String problem) implements FitReason {
        @Override
        public String text() {
            return problem;
        }
    }

    /** An earlier bind's choice of GPU no longer applies (bind then decides afresh); never sent to kube-scheduler. */
    record EarlierChoiceGone(String why) implements FitReason {
        @Override
        public String text() {
            return why;
        }
    }
}
