package io.kubegpu.cluster.model;

import java.util.List;
import java.util.Map;

/**
 * A Node as the API server sends it, trimmed to what GPU scheduling reads. Gson fills these fields
 * and skips every other one, which keeps thousands of cached nodes small.
 */
public final class KubeNode extends KubeObject {
    Spec spec;
    Status status;

    static final class Spec {
        Boolean unschedulable;
        List<TaintJson> taints;
    }

    static final class TaintJson {
        String key;
        String value;
        String effect;
    }

    static final class Status {
        Map<String, String> allocatable;
        Map<String, String> capacity;
        List<Condition> conditions;
    }

    static final class Condition {
        String type;
        String status;
    }
}
