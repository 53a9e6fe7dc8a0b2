package io.kubegpu.scorer.action;

import com.google.gson.JsonObject;
import io.kubegpu.scorer.analysis.AnalysisListener;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.wire.Timestamps;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports GPUs that turned low or idle to an external control API: one POST of {@code {gpu_id, pod,
 * namespace, hostname, score, status, timestamp}} per GPU and pod (two pods sharing a GPU are two reports),
 * with a timeout, {@link Delivery bounded retries}, and a {@link Cooldown} per GPU and pod. GPUs the AI review
 * cleared with {@code ai.threshold} confidence are not reported. Counted as {@code
 * gpu_control_api_reports_total{outcome}}.
 */
public final class ControlApiNotifier implements AnalysisListener {
    private static final Logger LOG = LoggerFactory.getLogger(ControlApiNotifier.class);

    private final Vertx vertx;
    private final WebClient client;
    private final ScorerConfig.ControlApi config;
    private final double aiThreshold;
    private final Clock clock;
    private final Duration backoff;
    private final Cooldown cooldown;
    private final Counter sent;
    private final Counter failed;

    /** @param backoff wait before the first retry; doubled for each next one */
    public ControlApiNotifier(Vertx vertx, ScorerConfig.ControlApi config, double aiThreshold, Clock clock, Duration backoff,
                              MeterRegistry registry) {
        this.vertx = vertx;
        this.client = WebClient.create(vertx);
        this.config = config;
        this.aiThreshold = aiThreshold;
        this.clock = clock;
        this.backoff = backoff;
        this.cooldown = new Cooldown(config.cooldown());
        this.sent = Counter.builder("gpu_control_api_reports").tag("outcome", "sent").description("Reports to the control API")
                .register(registry);
        this.failed = Counter.builder("gpu_control_api_reports").tag("outcome", "failed").description("Reports to the control API")
                .register(registry);
    }

    @Override
    public void analyzed(AnalysisSnapshot snapshot, Duration took) {
        reportLow(snapshot);
    }

    /**
     * Reports the low and idle GPUs of {@code snapshot} that are outside their cooldown; completes, with how many
     * reports got through, once every one of them has succeeded or used up its retries.
     */
    Future<Integer> reportLow(AnalysisSnapshot snapshot) {
        Instant now = clock.instant();
        List<Future<Boolean>> reports = new ArrayList<>();
        for (GpuScore gpu : cooldown.take(snapshot.actionable(aiThreshold), now)) {
            reports.add(Delivery.withRetries(vertx, config.retries(), backoff, () -> post(payload(gpu, snapshot))).transform(result -> {
                if (result.succeeded()) {
                    sent.increment();
                    return Future.succeededFuture(true);
                }
                failed.increment();
                cooldown.release(List.of(gpu), now);
                LOG.warn("could not report {} ({}) to the control API {}: {}", gpu.key(), gpu.status().label(), config.url(),
                        result.cause().getMessage());
                return Future.succeededFuture(false);
            }));
        }
        return Future.all(reports).map(all -> (int) reports.stream().filter(Future::result).count());
    }

    @Override
    public void failed(Throwable error, AnalysisSnapshot kept, Duration took) {
        // Nothing new to report: stale results were reported when they were fresh.
    }

    private Future<Void> post(JsonObject payload) {
        HttpRequest<Buffer> request = client.postAbs(config.url()).idleTimeout(config.timeout().toMillis())
                .putHeader("Content-Type", "application/json");
        if (config.token() != null) {
            request.bearerTokenAuthentication(config.token());
        }
        return request.sendBuffer(Buffer.buffer(payload.toString())).timeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .compose(Delivery::httpOutcome);
    }

    static JsonObject payload(GpuScore gpu, AnalysisSnapshot snapshot) {
        JsonObject out = new JsonObject();
        out.addProperty("gpu_id", gpu.gpuId());
        out.addProperty("pod", gpu.pod());
        out.addProperty("namespace", gpu.namespace());
        out.addProperty("hostname", gpu.hostname());
        out.addProperty("score", Math.round(gpu.score() * 100) / 100.0);
        out.addProperty("status", gpu.status().label());
        out.addProperty("timestamp", Timestamps.format(snapshot.analyzedAt()));
        return out;
    }
}
