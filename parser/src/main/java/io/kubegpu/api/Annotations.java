package io.kubegpu.api;

import java.util.List;

/**
 * The pod and node annotations this project reads and writes, and those of the gpushare device plugin it speaks to: one
 * place, so the webhook, the extender and the cluster state never disagree on a name.
 */
public final class Annotations {
    /** The GPU request a user writes on a pod, e.g. {@code 2(V100)} or {@code 8G,0.5}. */
    public static final String GPU = "kubegpu.io/gpu";
    /** Which container of the pod gets the GPU resources (default: the first). */
    public static final String CONTAINER = "kubegpu.io/container";
    /** The total GPU memory the pod needs over all its GPUs. */
    public static final String MIN_GPU_MEMORY = "kubegpu.io/min-gpu-memory";
    /** A pod's placement policy, overriding the extender's default. */
    public static final String POLICY = "kubegpu.io/policy";

    /** The node a share was assigned to by our bind. */
    public static final String ASSIGNED_NODE = "kubegpu.io/assigned-node";
    /** The GPU slices a share was assigned: {@code index:memoryMiB:milli}, comma-separated. */
    public static final String ASSIGNED_GPUS = "kubegpu.io/assigned-gpus";
    /** When the assignment was written. */
    public static final String ASSIGNED_AT = "kubegpu.io/assigned-at";

    /** gpushare device plugin: the GPU index of the pod's share. */
    public static final String GPUSHARE_INDEX = "ALIYUN_COM_GPU_MEM_IDX";
    /** gpushare: the pod's GPU memory in the plugin's units. */
    public static final String GPUSHARE_POD_MEMORY = "ALIYUN_COM_GPU_MEM_POD";
    /** gpushare: the device's total memory. */
    public static final String GPUSHARE_DEVICE_MEMORY = "ALIYUN_COM_GPU_MEM_DEV";
    /** gpushare: whether the device plugin has allocated the share yet. */
    public static final String GPUSHARE_ASSIGNED = "ALIYUN_COM_GPU_MEM_ASSIGNED";
    /** gpushare: when the scheduler assumed the pod, in nanoseconds. */
    public static final String GPUSHARE_ASSUME_TIME = "ALIYUN_COM_GPU_MEM_ASSUME_TIME";

    /**
     * Annotations only the binder may write: a pod created with any of them is trying to choose its own GPU (and the
     * device plugin would believe it). The webhook removes them at admission; bind never trusts them.
     */
    public static final List<String> BINDER_ONLY = List.of(ASSIGNED_NODE, ASSIGNED_GPUS, ASSIGNED_AT, GPUSHARE_INDEX, GPUSHARE_POD_MEMORY,
            GPUSHARE_DEVICE_MEMORY, GPUSHARE_ASSIGNED, GPUSHARE_ASSUME_TIME);

    /** A pod's priority tier, {@code high}, {@code normal} or {@code low}: the webhook sets the tier's PriorityClass. */
    public static final String PRIORITY = "kubegpu.io/priority";
    /**
     * On a Deployment (and its pod template): the workload may be scaled down, never below {@code min}, to make room for
     * higher-priority GPU pods ({@code min=N}); its pods are spared by the preempt verb, which leaves them to the shrink.
     */
    public static final String ELASTIC = "kubegpu.io/elastic";
    /** On a shrunk Deployment: its replica count before the first shrink, restored when capacity returns. */
    public static final String ELASTIC_ORIGINAL_REPLICAS = "kubegpu.io/elastic-original-replicas";
    /** On a shrunk Deployment: when it was last shrunk (RFC 3339). */
    public static final String ELASTIC_SHRUNK_AT = "kubegpu.io/elastic-shrunk-at";
    /** A Deployment's or StatefulSet's autoscaling targets, e.g. {@code cpu:50%,gpu:60%}. */
    public static final String AUTOSCALE = "kubegpu.io/autoscale";
    /** The autoscaler's fewest replicas (default 1). */
    public static final String AUTOSCALE_MIN = "kubegpu.io/autoscale-min";
    /** The autoscaler's most replicas (required with {@link #AUTOSCALE}). */
    public static final String AUTOSCALE_MAX = "kubegpu.io/autoscale-max";

    /** Node annotation: indices of GPUs that must not be placed on ({@code 0,3} or {@code all}). */
    public static final String UNHEALTHY_GPUS = "kubegpu.io/unhealthy-gpus";

    /** Node annotation: when the pool balancer last moved the node to another group (RFC 3339); its cooldown runs from then. */
    public static final String POOL_MOVED_AT = "kubegpu.io/pool-moved-at";
    /** Node annotation: the group the pool balancer last moved the node from. */
    public static final String POOL_MOVED_FROM = "kubegpu.io/pool-moved-from";
    /** Node annotation: the group the pool balancer cordoned the node for, to move it there once its pods finish. */
    public static final String POOL_DRAINING_FOR = "kubegpu.io/pool-draining-for";
    /** Node annotation: since when the node drains for another group (RFC 3339). */
    public static final String POOL_DRAINING_SINCE = "kubegpu.io/pool-draining-since";

    /** The gpushare device plugin's shared GPU memory resource. */
    public static final String GPUSHARE_MEMORY_RESOURCE = "aliyun.com/gpu-mem";
    /** The gpushare device plugin's GPU count resource. */
    public static final String GPUSHARE_COUNT_RESOURCE = "aliyun.com/gpu-count";

    private Annotations() {
    }
}
