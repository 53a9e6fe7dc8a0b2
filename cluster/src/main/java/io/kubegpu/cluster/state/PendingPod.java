package io.kubegpu.cluster.state;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A GPU pod that is not bound to a node yet: what the console shows of the scheduling queue.
 *
 * @param uid           the pod's UID
 * @param namespace     namespace
 * @param name          name
 * @param createdAt     {@code metadata.creationTimestamp}, or when this process first saw the pod when the object has none
 *                      (manifests): how long it has waited is counted from here
 * @param schedulerName {@code spec.schedulerName}, or {@code null} for the default scheduler
 * @param annotations   only the pod's {@code kubegpu.io/} annotations (its request, minimum memory, policy): nothing else of
 *                      the pod is kept, so no other annotation (which may hold anything) is ever shown
 * @param requests      effective requests of the configured GPU resources, as kube-scheduler counts them
 */
public record PendingPod(String uid, String namespace, String name, Instant createdAt, String schedulerName, Map<String, String> annotations,
                         Map<String, Long> requests) {
    /** The prefix of the annotations kept. */
    public static final String ANNOTATION_PREFIX = "kubegpu.io/";

    public PendingPod {
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        annotations = Map.copyOf(annotations);
        requests = Map.copyOf(requests);
    }

    /** {@code namespace/name}. */
    public String key() {
        return namespace + "/" + name;
    }
}
