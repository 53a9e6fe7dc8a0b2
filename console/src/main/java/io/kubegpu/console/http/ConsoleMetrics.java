package io.kubegpu.console.http;

import io.kubegpu.console.view.TrendSample;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the Trends page reads back from Prometheus in production, exported on {@code /metrics}:
 * {@code kubegpu_namespace_gpu_allocated{namespace}} (GPUs held, shares as fractions),
 * {@code kubegpu_namespace_pending_gpu_pods{namespace}} and {@code kubegpu_pending_gpu_pods}. A namespace that no longer
 * holds or waits for GPUs loses its series.
 */
final class ConsoleMetrics {
    private final MultiGauge allocated;
    private final MultiGauge pendingByNamespace;
    private final AtomicInteger pending = new AtomicInteger();
    private final java.util.Set<String> groups;

    ConsoleMetrics(MeterRegistry registry, java.util.Set<String> groups) {
        this.groups = groups;
        allocated = MultiGauge.builder("kubegpu.namespace.gpu.allocated").description("GPUs held by the namespace's pods, shares as fractions")
                .register(registry);
        pendingByNamespace = MultiGauge.builder("kubegpu.namespace.pending.gpu.pods").description("GPU pods of the namespace waiting for a node")
                .register(registry);
        Gauge.builder("kubegpu.pending.gpu.pods", pending, AtomicInteger::get).description("GPU pods waiting for a node").register(registry);
    }

    /** Rewrites every series from a sample (team groups are left out: Prometheus sums namespaces itself). */
    void refresh(TrendSample sample) {
        List<MultiGauge.Row<?>> held = new ArrayList<>();
        List<MultiGauge.Row<?>> waiting = new ArrayList<>();
        sample.teams().forEach((team, figures) -> {
            if (groups.contains(team)) {
                return;
            }
            if (figures.allocatedGpus() > 0) {
                held.add(MultiGauge.Row.of(Tags.of("namespace", team), figures.allocatedGpus()));
            }
            if (figures.pending() > 0) {
                waiting.add(MultiGauge.Row.of(Tags.of("namespace", team), figures.pending()));
            }
        });
        allocated.register(held, true);
        pendingByNamespace.register(waiting, true);
        pending.set(sample.pending());
    }
}
