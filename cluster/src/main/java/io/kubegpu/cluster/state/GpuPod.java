package io.kubegpu.cluster.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pod that holds GPU resources, reduced to what accounting needs.
 *
 * @param uid        the pod's UID
 * @param namespace  namespace
 * @param name       name
 * @param nodeName   the node it is bound to, or {@code null} while pending
 * @param terminal   phase Succeeded or Failed: it no longer holds anything
 * @param requests   effective requests of the configured GPU resources, computed the way kube-scheduler
 *                   does (max of the largest init container and the sum of app containers, plus overhead)
 * @param slices     the shared-GPU parts it was assigned (from the assignment annotations); empty for
 *                   whole-GPU pods and for shared pods not yet assigned
 * @param priority   {@code spec.priority} (0 when unset, as kube-scheduler reads it): who may preempt whom
 * @param createdAt  {@code metadata.creationTimestamp}, or {@code null} when unknown: the younger of two equal victims goes first
 * @param elastic    the pod carries {@code kubegpu.io/elastic}: its workload is shrunk by the controller rather than preempted
 */
public record GpuPod(String uid, String namespace, String name, String nodeName, boolean terminal,
                     Map<String, Long> requests, List<GpuSlice> slices, int priority, Instant createdAt, boolean elastic) {
    public GpuPod {
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        requests = Map.copyOf(requests);
        slices = List.copyOf(slices);
    }

    /** A pod of the default priority, creation time unknown, not elastic. */
    public GpuPod(String uid, String namespace, String name, String nodeName, boolean terminal, Map<String, Long> requests,
                  List<GpuSlice> slices) {
        this(uid, namespace, name, nodeName, terminal, requests, slices, 0, null, false);
    }

    /** {@code namespace/name}. */
    public String key() {
        return namespace + "/" + name;
    }

    /** True while it occupies GPUs on its node: bound and not finished. */
    public boolean holdsResources() {
        return nodeName != null && !terminal;
    }

    public long request(String resource) {
        return requests.getOrDefault(resource, 0L);
    }
}
