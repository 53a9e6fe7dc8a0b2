package io.kubegpu.controllers;

import io.kubernetes.client.extended.controller.Controller;

/**
 * One of the platform's controllers. The host builds it when this process becomes the leader (so only one replica ever
 * writes), from informers of the shared factory, and shuts it down when leadership is lost.
 */
public interface GpuController {
    /** A short name for flags, logs, metrics and Events, e.g. {@code autoscale}. */
    String name();

    /** The controller (informer watches, a rate-limited work queue and a reconciler), on {@code context}'s informers. */
    Controller build(ControllerContext context);

    /**
     * JSON views the process serves on its health listener, by path (e.g. {@code /balance}): what the controller decided and
     * why. Every replica serves them; a replica that does not hold the lease shows that it runs nothing.
     */
    default java.util.Map<String, java.util.function.Supplier<String>> views() {
        return java.util.Map.of();
    }
}
