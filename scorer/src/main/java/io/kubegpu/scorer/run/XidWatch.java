package io.kubegpu.scorer.run;

import io.kubegpu.scorer.health.XidHealth;
import io.kubegpu.scorer.prometheus.PrometheusClient;
import io.kubegpu.scorer.prometheus.PromSeries;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Prometheus every {@code period} for each GPU's last XID error over the last {@code window} — of every GPU, not
 * only those assigned to pods, since a broken free GPU matters most to the next placement — and keeps the GPUs
 * {@link XidHealth} calls unhealthy. A failed query keeps the last answer (a Prometheus outage must not make broken
 * GPUs look healthy, nor healthy ones broken).
 */
public final class XidWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(XidWatch.class);
    static final String QUERY_TEMPLATE = "last_over_time(DCGM_FI_DEV_XID_ERRORS[%ds])";

    private final Vertx vertx;
    private final PrometheusClient prometheus;
    private final Duration window;
    private final Clock clock;
    private final AtomicReference<Map<String, List<Integer>>> unhealthy = new AtomicReference<>(Map.of());
    private long timer = -1;

    public XidWatch(Vertx vertx, PrometheusClient prometheus, Duration window, Clock clock) {
        this.vertx = vertx;
        this.prometheus = prometheus;
        this.window = window;
        this.clock = clock;
    }

    public XidWatch start(Duration period) {
        poll();
        timer = vertx.setPeriodic(period.toMillis(), id -> poll());
        return this;
    }

    /** The GPUs reported broken, by node; empty when none (or nothing known yet). */
    public Map<String, List<Integer>> unhealthy() {
        return unhealthy.get();
    }

    private void poll() {
        Instant now = clock.instant();
        String query = String.format(QUERY_TEMPLATE, window.toSeconds());
        prometheus.queryRange(query, now, now, window.toSeconds() + "s").onComplete(done -> {
            if (done.failed()) {
                LOG.debug("GPU health query failed, keeping the last answer: {}", done.cause().getMessage());
                return;
            }
            List<XidHealth.Sample> samples = new ArrayList<>();
            for (PromSeries series : done.result()) {
                double[] values = series.values();
                samples.add(new XidHealth.Sample(series.labels(), values.length == 0 ? 0 : values[values.length - 1]));
            }
            Map<String, List<Integer>> found = XidHealth.unhealthy(samples);
            Map<String, List<Integer>> before = unhealthy.getAndSet(found);
            if (!found.equals(before)) {
                LOG.warn("GPUs with hardware XID errors (taken out of placement): {}", found.isEmpty() ? "none" : found);
            }
        });
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
