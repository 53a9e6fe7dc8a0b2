package io.kubegpu.scorer.prometheus;

import io.kubegpu.scorer.analysis.UtilizationSource;
import io.kubegpu.scorer.score.GpuWindow;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

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
        Map<DcgmMetric, List<PromSeries>> results = new EnumMap<>(DcgmMetric.class);
        Deque<DcgmMetric> pending = new ArrayDeque<>(List.of(DcgmMetric.values()));
        Promise<List<GpuWindow>> done = Promise.promise();
        int[] running = {0};
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            synchronized (results) {
                while (!done.future().isComplete() && running[0] < maxWorkers && !pending.isEmpty()) {
                    DcgmMetric metric = pending.poll();
                    running[0]++;
                    client.queryRange(metric.metricName() + selector, start, end, step).onComplete(result -> {
                        synchronized (results) {
                            running[0]--;
                            if (result.failed()) {
                                done.tryFail(result.cause());
                                return;
                            }
                            results.put(metric, result.result());
                            if (results.size() == DcgmMetric.values().length) {
                                done.tryComplete(DcgmWindows.assemble(results));
                                return;
                            }
                        }
                        next[0].run();
                    });
                }
            }
        };
        next[0].run();
        return done.future();
    }

    @Override
    public String describe() {
        return "Prometheus at " + client.baseUrl();
    }
}
