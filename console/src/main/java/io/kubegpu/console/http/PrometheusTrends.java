package io.kubegpu.console.http;

import io.kubegpu.console.view.TrendPoint;
import io.kubegpu.scorer.prometheus.PromSeries;
import io.kubegpu.scorer.prometheus.PrometheusClient;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Trends from Prometheus: {@code query_range} over the series the chart's recording rules keep
 * ({@code metrics.prometheusRule.enabled}), which are cheap to read over days. A team is a namespace or a team group
 * (its namespaces' GPUs and pending pods summed, their mean utilizations averaged).
 */
final class PrometheusTrends implements TrendSource {
    static final String CLUSTER_ALLOCATION = "kubegpu:cluster_gpu_allocation:ratio";
    static final String CLUSTER_ALLOCATED = "kubegpu:cluster_gpu_allocated:sum";
    static final String CLUSTER_UTILIZATION = "kubegpu:cluster_gpu_utilization:avg";
    static final String CLUSTER_PENDING = "kubegpu:cluster_pending_gpu_pods:sum";
    static final String NAMESPACE_ALLOCATED = "kubegpu:namespace_gpu_allocated:sum";
    static final String NAMESPACE_UTILIZATION = "kubegpu:namespace_gpu_utilization:avg";
    static final String NAMESPACE_PENDING = "kubegpu:namespace_pending_gpu_pods:sum";

    private final PrometheusClient client;

    PrometheusTrends(PrometheusClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return "prometheus";
    }

    @Override
    public int maxHours() {
        return 24 * 30;
    }

    /** About 300 points a window, at least a minute apart (the recording rules' evaluation interval). */
    @Override
    public long stepSeconds(java.time.Duration window) {
        return Math.max(60, window.toSeconds() / 300);
    }

    @Override
    public Future<List<TrendPoint>> points(String team, List<String> namespaces, Instant from, Instant to, long stepSeconds) {
        String step = stepSeconds + "s";
        List<String> queries;
        if (team == null) {
            queries = List.of(CLUSTER_ALLOCATION, CLUSTER_ALLOCATED, CLUSTER_UTILIZATION, CLUSTER_PENDING);
        } else {
            // Namespace names are checked to be DNS labels before they get here: nothing to escape.
            String selector = "{namespace=~\"" + String.join("|", namespaces) + "\"}";
            queries = List.of("", "sum(" + NAMESPACE_ALLOCATED + selector + ")", "avg(" + NAMESPACE_UTILIZATION + selector + ")",
                    "sum(" + NAMESPACE_PENDING + selector + ")");
        }
        List<Future<List<PromSeries>>> answers = new ArrayList<>();
        for (String query : queries) {
            answers.add(query.isEmpty() ? Future.succeededFuture(List.of()) : client.queryRange(query, from, to, step));
        }
        return Future.all(answers).map(all -> {
            TreeMap<Long, Double[]> byTime = new TreeMap<>();
            for (int k = 0; k < answers.size(); k++) {
                for (PromSeries series : answers.get(k).result()) {
                    for (int i = 0; i < series.values().length && i < series.times().length; i++) {
                        if (!Double.isNaN(series.values()[i])) {
                            byTime.computeIfAbsent(Math.round(series.times()[i] * 1000), t -> new Double[4])[k] = series.values()[i];
                        }
                    }
                }
            }
            List<TrendPoint> out = new ArrayList<>(byTime.size());
            byTime.forEach((millis, v) -> out.add(new TrendPoint(Instant.ofEpochMilli(millis), round(v[0], 1000), round(v[1], 100),
                    round(v[2], 10), round(v[3], 10))));
            return out;
        });
    }

    private static Double round(Double value, int scale) {
        return value == null ? null : Math.round(value * scale) / (double) scale;
    }

    @Override
    public String note(Instant from) {
        return "from Prometheus, over the chart's recording rules (" + CLUSTER_ALLOCATION + ", " + NAMESPACE_ALLOCATED + ", …)";
    }
}
