package io.kubegpu.app.server;

import io.kubegpu.cluster.watch.KubeClusterWatcher;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.ReservationReconciler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the {@link ReservationReconciler} over the informer's pods while the state is synced, and exports what it finds:
 *
 * <pre>
 * kubegpu_allocation_drift{kind}              gauge: reservations the last pass found stale (gone, elsewhere, unbound)
 * kubegpu_allocation_released_total{kind}     counter: reservations released by the reconciler
 * </pre>
 */
final class AllocationReconciliation {
    private final ClusterState state;
    private final ReservationReconciler reconciler;
    private final AtomicInteger gone = new AtomicInteger();
    private final AtomicInteger elsewhere = new AtomicInteger();
    private final AtomicInteger unbound = new AtomicInteger();
    private final Counter releasedGone;
    private final Counter releasedElsewhere;
    private final Counter releasedUnbound;

    AllocationReconciliation(ClusterState state, KubeClusterWatcher watcher, Duration bindGrace, Clock clock, MeterRegistry registry) {
        this.state = state;
        this.reconciler = new ReservationReconciler(state, (namespace, name) -> watcher.pod(namespace, name).map(AllocationReconciliation::status),
                bindGrace, clock);
        gauge(registry, "gone", gone);
        gauge(registry, "elsewhere", elsewhere);
        gauge(registry, "unbound", unbound);
        releasedGone = released(registry, "gone");
        releasedElsewhere = released(registry, "elsewhere");
        releasedUnbound = released(registry, "unbound");
    }

    private static ReservationReconciler.PodStatus status(KubePod pod) {
        return new ReservationReconciler.PodStatus(pod.getMetadata().getUid(), pod.nodeName(), pod.terminal());
    }

    private static void gauge(MeterRegistry registry, String kind, AtomicInteger value) {
        Gauge.builder("kubegpu.allocation.drift", value, AtomicInteger::get).tag("kind", kind)
                .description("Reservations the last reconciliation found that no longer stand for a pod about to be bound").register(registry);
    }

    private static Counter released(MeterRegistry registry, String kind) {
        return Counter.builder("kubegpu.allocation.released").tag("kind", kind)
                .description("Reservations released by the reconciler").register(registry);
    }

    /** One pass; nothing while the state relists (a pod missing from a half-read list is not gone). */
    void run() {
        if (!state.snapshot().synced()) {
            return;
        }
        ReservationReconciler.Report report = reconciler.reconcile();
        gone.set(report.gone());
        elsewhere.set(report.elsewhere());
        unbound.set(report.unbound());
        releasedGone.increment(report.gone());
        releasedElsewhere.increment(report.elsewhere());
        releasedUnbound.increment(report.unbound());
    }
}
