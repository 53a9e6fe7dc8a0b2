package io.kubegpu.controllers.autoscale;

import io.kubegpu.autoscale.plan.AutoscalePlan;
import io.kubegpu.autoscale.plan.ScaleEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The autoscale controller's metrics.
 *
 * <pre>
 * kubegpu_autoscale_writes_total{action,outcome}     create, update, delete: ok, dry_run (validated by the API server, not stored), failed
 * kubegpu_autoscale_refusals_total{reason}           invalid, name_taken, another_autoscaler: each refused request once
 * kubegpu_autoscale_scale_events_total{direction}    up, down: rescales of our autoscalers, read from their status
 * </pre>
 */
final class AutoscaleMetrics {
    private final MeterRegistry registry;

    AutoscaleMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Known at zero from the start, so rate() and absent() behave before the first write.
        for (String action : new String[] {"create", "update", "delete"}) {
            for (String outcome : new String[] {"ok", "dry_run", "failed"}) {
                write(action, outcome, 0);
            }
        }
        for (AutoscalePlan.Reason reason : AutoscalePlan.Reason.values()) {
            refusals(reason);
        }
        for (ScaleEvent.Direction direction : ScaleEvent.Direction.values()) {
            scaleEvents(direction);
        }
    }

    void write(String action, String outcome) {
        write(action, outcome, 1);
    }

    private void write(String action, String outcome, int amount) {
        Counter.builder("kubegpu.autoscale.writes").description("Autoscaler writes by the autoscale controller")
                .tag("action", action).tag("outcome", outcome).register(registry).increment(amount);
    }

    void refused(AutoscalePlan.Reason reason) {
        refusals(reason).increment();
    }

    private Counter refusals(AutoscalePlan.Reason reason) {
        return Counter.builder("kubegpu.autoscale.refusals").description("Autoscaling requests refused (invalid, or in conflict)")
                .tag("reason", reason.tag()).register(registry);
    }

    void scaled(ScaleEvent event) {
        scaleEvents(event.direction()).increment();
    }

    private Counter scaleEvents(ScaleEvent.Direction direction) {
        return Counter.builder("kubegpu.autoscale.scale.events").description("Rescales of the autoscalers we manage, from their status")
                .tag("direction", direction.tag()).register(registry);
    }
}
