package io.kubegpu.scorer.testing;

import io.kubegpu.scorer.run.UtilizationSource;
import io.kubegpu.scorer.score.GpuWindow;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A source that returns the same windows on every run; it says it is Prometheus, so /health reports a connection. */
public record FixedSource(List<GpuWindow> windows) implements UtilizationSource {
    @Override
    public Future<List<GpuWindow>> fetch(Instant end, Duration window) {
        return Future.succeededFuture(windows);
    }

    @Override
    public String describe() {
        return "the test's " + windows.size() + " GPUs";
    }

    @Override
    public boolean isPrometheus() {
        return true;
    }
}
