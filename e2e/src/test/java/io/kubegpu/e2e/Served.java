package io.kubegpu.e2e;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The chart's containers that were started from the jar with their rendered arguments and answered a real request. */
final class Served {
    private static final Set<String> KEYS = ConcurrentHashMap.newKeySet();

    private Served() {
    }

    /** Call once the container's process has answered a real request (from kube-scheduler, the API server, a client). */
    static void record(RenderedContainer container) {
        KEYS.add(container.key());
    }

    static Set<String> keys() {
        return new TreeSet<>(KEYS);
    }
}
