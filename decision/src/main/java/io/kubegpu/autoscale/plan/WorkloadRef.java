package io.kubegpu.autoscale.plan;

import java.util.Map;
import java.util.Objects;

/**
 * A Deployment or StatefulSet that may ask for an autoscaler: what planning reads of it.
 *
 * @param kind        {@code Deployment} or {@code StatefulSet}
 * @param namespace   its namespace
 * @param name        its name (also the autoscaler's)
 * @param uid         its uid (the autoscaler's owner reference)
 * @param annotations its annotations
 */
public record WorkloadRef(String kind, String namespace, String name, String uid, Map<String, String> annotations) {
    public static final String DEPLOYMENT = "Deployment";
    public static final String STATEFUL_SET = "StatefulSet";
    /** The API group and version of both kinds. */
    public static final String API_VERSION = "apps/v1";

    public WorkloadRef {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uid, "uid");
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** {@code Deployment team-a/infer}, for messages. */
    public String describe() {
        return kind + " " + namespace + "/" + name;
    }
}
