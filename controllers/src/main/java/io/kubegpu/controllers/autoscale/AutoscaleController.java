package io.kubegpu.controllers.autoscale;

import io.kubegpu.controllers.ControllerContext;
import io.kubegpu.controllers.GpuController;
import io.kubernetes.client.extended.controller.Controller;
import java.time.Duration;

/**
 * Turns {@code kubegpu.io/autoscale} on Deployments and StatefulSets into HorizontalPodAutoscalers: one per workload,
 * named and owned by it, created or updated in place (never deleted and recreated), put back when someone edits it,
 * deleted when the annotation goes. Invalid requests, names taken by another autoscaler and workloads another autoscaler
 * already scales get a Warning Event and nothing else. The decisions are {@link io.kubegpu.autoscale.plan.AutoscalePlanner}'s.
 *
 * @param dryRun whether writes are only sent with {@code dryRun=All} (the API server validates them, nothing is stored)
 *               and reported in Events, to try the controller on a cluster without changing anyone's workloads
 * @param resync how often every workload and autoscaler is looked at again even without a change
 */
public record AutoscaleController(boolean dryRun, Duration resync) implements GpuController {
    public static final String NAME = "autoscale";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Controller build(ControllerContext context) {
        return AutoscaleLoop.build(context, this);
    }
}
