package io.kubegpu.scorer.action;

import com.google.gson.JsonObject;
import io.kubegpu.scorer.analysis.AnalysisListener;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.score.GpuScore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports GPUs that turned low or idle to an external control API: one POST of {@code {gpu_id, pod,
 * namespace, hostname, score, status, timestamp}} per GPU, with a timeout, bounded retries with
 * exponential backoff on network errors, 429 and 5xx, and a cooldown per GPU so a GPU that stays idle
 * is reported once per cooldown, not every interval. A report that failed every retry leaves the
 * cooldown so the next analysis tries again. Counted as {@code gpu_control_api_reports_total{outcome}}.
 */
public final class ControlApiNotifier implements AnalysisListener {
    private static final Logger LOG = LoggerFactory.getLogger(ControlApiNotifier.class);

    private final Vertx vertx;
    private final WebClient client;
    private final ScorerConfig.ControlApi config;
    private final Clock clock;
    private final Duration backoff;
    private final Map<String, Instant> reported = new ConcurrentHashMap<>();
    private final Counter sent;
    private final Counter failed;

    /** @param backoff wait before the first retry; doubled for each next one */
    public ControlApiNotifier(Vertx vertx, ScorerConfig.ControlApi config, Clock clock, Duration backoff, MeterRegistry registry) {
        this.vertx = vertx;
        this.client = WebClient.create(vertx);
        this.config = config;
        this.clock = clock;
        this.backoff = backoff;
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
        for (GpuScore gpu : snapshot.low()) {
            Instant last = reported.get(gpu.gpuId());
            if (last != null && Duration.between(last, now).compareTo(config.cooldown()) < 0) {
                continue;
            }
            reported.put(gpu.gpuId(), now);
            reports.add(report(payload(gpu, snapshot), 0).transform(result -> {
                if (result.succeeded()) {
                    sent.increment();
                    return Future.succeededFuture(true);
                }
                failed.increment();
                reported.remove(gpu.gpuId(), now);
                LOG.warn("could not report GPU {} ({}) to the control API {}: {}", gpu.gpuId(), gpu.status().label(), config.url(),
                        result.cause().getMessage());
                return Future.succeededFuture(false);
            }));
        }
        return Future.all(reports).map(all -> (int) reports.stream().filter(f -> f.result()).count());
    }

    @Override
    public void failed(Throwable error, AnalysisSnapshot kept, Duration took) {
        // Nothing new to report: stale results were reported when they were fresh.
    }

    private Future<Void> report(JsonObject payload, int attempt) {
        HttpRequest<Buffer> request = client.postAbs(config.url()).idleTimeout(config.timeout().toMillis())
                .putHeader("Content-Type", "application/json");
        if (config.token() != null) {
            request.bearerTokenAuthentication(config.token());
        }
        Promise<Void> done = Promise.promise();
        request.sendBuffer(Buffer.buffer(payload.toString())).timeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS).onComplete(r -> {
            String problem;
            boolean retry;
            if (r.succeeded() && r.result().statusCode() / 100 == 2) {
                done.complete();
                return;
            } else if (r.succeeded()) {
                int status = r.result().statusCode();
                problem = "HTTP " + status;
                retry = status == 429 || status >= 500;
            } else {
                problem = r.cause().getClass().getSimpleName() + ": " + r.cause().getMessage();
                retry = true;
            }
            if (!retry || attempt >= config.retries()) {
                done.fail(problem + (attempt > 0 ? " after " + (attempt + 1) + " attempts" : ""));
                return;
            }
            vertx.setTimer(backoff.toMillis() << attempt, id -> report(payload, attempt + 1).onComplete(done));
        });
        return done.future();
    }

    static JsonObject payload(GpuScore gpu, AnalysisSnapshot snapshot) {
        JsonObject out = new JsonObject();
        out.addProperty("gpu_id", gpu.gpuId());
        out.addProperty("pod", gpu.pod());
        out.addProperty("namespace", gpu.namespace());
        out.addProperty("hostname", gpu.hostname());
        out.addProperty("score", Math.round(gpu.score() * 100) / 100.0);
        out.addProperty("status", gpu.status().label());
        out.addProperty("timestamp", snapshot.analyzedAt().toString());
        return out;
    }
}
