package io.kubegpu.scorer.run;

import io.kubegpu.scorer.score.GpuWindow;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Where GPU metric windows come from: Prometheus in production, a synthetic generator in the demo. */
public interface UtilizationSource {
    /** The windows of every GPU over {@code [end - window, end]}; fails when no consistent answer can be had. */
    Future<List<GpuWindow>> fetch(Instant end, Duration window);

    /** For health and logs, e.g. the Prometheus URL. */
    String describe();

    /** Whether this source is Prometheus: {@code /health}'s {@code prometheus_connected} is false for any other. */
    default boolean isPrometheus() {
        return false;
    }
}
