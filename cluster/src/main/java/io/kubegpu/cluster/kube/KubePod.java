package io.kubegpu.cluster.kube;

import java.util.List;
import java.util.Map;

/** A Pod as the API server sends it, trimmed to what GPU accounting reads. */
public final class KubePod extends KubeObject {
    Spec spec;
    Status status;

    static final class Spec {
        String nodeName;
        String schedulerName;
        List<Container> containers;
        List<Container> initContainers;
        Map<String, String> overhead;
    }

    static final class Container {
        String name;
        Resources resources;
    }

    static final class Resources {
        Map<String, String> requests;
        Map<String, String> limits;
    }

    static final class Status {
        String phase;
    }

    /** The node the pod is bound to, or {@code null} while pending. */
    public String nodeName() {
        return spec == null ? null : spec.nodeName;
    }
}
