package io.kubegpu.scorer.prometheus;

import io.kubegpu.scorer.run.BoundedCalls;
import io.kubegpu.scorer.run.UtilizationSource;
import io.kubegpu.scorer.score.GpuWindow;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The DCGM windows of every GPU, from one range query per {@link DcgmMetric} with the configured selector
 * ({@code {pod!=""}} by default: GPUs assigned to pods), at most {@code maxWorkers} queries in flight. The
 * first failing query fails the whole fetch: scores from half the metrics would be made up.
 */
public final class PrometheusSource implements UtilizationSource {
    private final PrometheusClient client;
    private final String selector;
    private final String step;
    private final int maxWorkers;

    public PrometheusSource(PrometheusClient client, String selector, String step, int maxWorkers) {
        this.client = client;
        this.selector = selector;
        this.step = step;
        this.maxWorkers = maxWorkers;
    }

    @Override
    public Future<List<GpuWindow>> fetch(Instant end, Duration window) {
        Instant start = end.minus(window);
        return BoundedCalls.all(List.of(DcgmMetric.values()), maxWorkers,
                        metric -> client.queryRange(metric.metricName() + selector, start, end, step))
                .map(DcgmWindows::assemble);
    }

    @Override
    public boolean isPrometheus() {
        return true;
    }

    @Override
    public String describe() {
        return "Prometheus at " + client.baseUrl();
    }
}
