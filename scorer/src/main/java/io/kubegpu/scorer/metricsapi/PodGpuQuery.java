package io.kubegpu.scorer.metricsapi;

import io.kubegpu.scorer.podmetrics.GpuSample;
import io.kubegpu.scorer.podmetrics.PodGpuMetric;
import io.kubegpu.scorer.podmetrics.PodGpuValues;
import io.kubegpu.scorer.prometheus.PrometheusClient;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Per-pod GPU values answered on demand from short Prometheus queries (the average of the last {@code window}, not the
 * scorer's periodic analysis) and kept for {@code cacheFor}: the HorizontalPodAutoscaler asks every 15 s per autoscaler,
 * and {@code kubectl get --raw} or a second autoscaler of the same pods should not query again.
 */
public final class PodGpuQuery {
    /** Most answers kept: one per metric, namespace and set of pods asked about recently. */
    private static final int MAX_ENTRIES = 1000;

    private record Entry(Instant expires, Future<Map<String, Double>> values) {
    }

    private final PrometheusClient prometheus;
    private final Duration window;
    private final Duration cacheFor;
    private final Clock clock;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    public PodGpuQuery(PrometheusClient prometheus, Duration window, Duration cacheFor, Clock clock) {
        this.prometheus = prometheus;
        this.window = window;
        this.cacheFor = cacheFor;
        this.clock = clock;
    }

    public Duration window() {
        return window;
    }

    /** The values of {@code metric} for {@code pods} (name to assigned MiB per GPU index) of {@code namespace}; absent for pods without data. */
    public Future<Map<String, Double>> values(PodGpuMetric metric, String namespace, Map<String, Map<Integer, Integer>> pods) {
        if (pods.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        Instant now = clock.instant();
        String key = metric + "|" + namespace + "|" + String.join(",", new TreeSet<>(pods.keySet()));
        Entry cached = cache.get(key);
        if (cached != null && cached.expires().isAfter(now) && !cached.values().failed()) {
            return cached.values();
        }
        Future<Map<String, Double>> values = query(metric, namespace, pods, now);
        evictExpired(now);
        cache.put(key, new Entry(now.plus(cacheFor), values));
        return values;
    }

    private Future<Map<String, Double>> query(PodGpuMetric metric, String namespace, Map<String, Map<Integer, Integer>> pods, Instant now) {
        if (metric == PodGpuMetric.GPU_USAGE) {
            return prometheus.query(promql("DCGM_FI_DEV_GPU_UTIL", namespace, pods.keySet()), now)
                    .map(samples -> PodGpuValues.usage(namespace, samples));
        }
        Future<List<GpuSample>> used = prometheus.query(promql("DCGM_FI_DEV_FB_USED", namespace, pods.keySet()), now);
        Future<List<GpuSample>> free = prometheus.query(promql("DCGM_FI_DEV_FB_FREE", namespace, pods.keySet()), now);
        return Future.all(used, free).map(both -> PodGpuValues.memory(namespace, used.result(), free.result(), pods));
    }

    /**
     * The mean over the window of {@code metric} for the pods, under dcgm-exporter's labels or, where Prometheus scraped the
     * exporter as a pod of its own, under the {@code exported_} ones.
     */
    String promql(String metric, String namespace, java.util.Collection<String> pods) {
        String names = pods.stream().sorted().map(PodGpuQuery::regexLiteral).collect(Collectors.joining("|"));
        String range = "[" + Math.max(1, window.toSeconds()) + "s]";
        return "avg_over_time(" + metric + "{namespace=\"" + escape(namespace) + "\",pod=~\"" + names + "\"}" + range + ") or avg_over_time("
                + metric + "{exported_namespace=\"" + escape(namespace) + "\",exported_pod=~\"" + names + "\"}" + range + ")";
    }

    /** A pod name as a regular expression matching only itself, in a PromQL string. Names are DNS labels: only '.' is special. */
    private static String regexLiteral(String name) {
        return escape(name.replace(".", "\\."));
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private void evictExpired(Instant now) {
        for (Iterator<Entry> entries = cache.values().iterator(); entries.hasNext(); ) {
            if (!entries.next().expires().isAfter(now)) {
                entries.remove();
            }
        }
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
    }
}
