package io.kubegpu.scorer.notify;

import io.kubegpu.scorer.action.Cooldown;
import io.kubegpu.scorer.action.Delivery;
import io.kubegpu.scorer.analysis.AnalysisListener;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.score.GpuScore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After each analysis, one message per channel listing the low and idle GPUs that are outside that channel's
 * cooldown, with the control API's rules: a {@link Cooldown} per GPU and pod, {@link Delivery bounded retries},
 * marks released when a message fails for good so the next run tries again, and GPUs the AI cleared with {@code
 * ai.threshold} confidence left out. Counted as {@code gpu_notifications_total{channel, outcome}}.
 */
public final class NotificationDispatcher implements AnalysisListener {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);

    /** A channel with its own cooldown and counters. */
    private record Route(Channel channel, Cooldown cooldown, Counter sent, Counter failed) {
    }

    private final Vertx vertx;
    private final ScorerConfig.Notifications config;
    private final double aiThreshold;
    private final Clock clock;
    private final Duration backoff;
    private final List<Route> routes = new ArrayList<>();

    /** The channels {@code config} turns on; {@code backoff} is the wait before the first retry, doubled after. */
    public NotificationDispatcher(Vertx vertx, ScorerConfig.Notifications config, double aiThreshold, Clock clock, Duration backoff,
                                  MeterRegistry registry) {
        this.vertx = vertx;
        this.config = config;
        this.aiThreshold = aiThreshold;
        this.clock = clock;
        this.backoff = backoff;
        List<Channel> channels = new ArrayList<>();
        WebClient client = WebClient.create(vertx);
        if (config.slackWebhookUrl() != null) {
            channels.add(new SlackWebhook(client, config.slackWebhookUrl(), config.timeout()));
        }
        if (config.feishuWebhookUrl() != null) {
            channels.add(new FeishuWebhook(client, config.feishuWebhookUrl(), config.feishuSecret(), config.timeout(), clock));
        }
        if (config.email() != null) {
            channels.add(new EmailChannel(vertx, config.email(), config.timeout(), clock));
        }
        for (Channel channel : channels) {
            routes.add(new Route(channel, new Cooldown(config.cooldown()), counter(registry, channel, "sent"),
                    counter(registry, channel, "failed")));
        }
    }

    private static Counter counter(MeterRegistry registry, Channel channel, String outcome) {
        return Counter.builder("gpu_notifications").description("Notification messages about low-utilization GPUs")
                .tag("channel", channel.name()).tag("outcome", outcome).register(registry);
    }

    /** The channels on, by name. */
    public List<String> channels() {
        return routes.stream().map(r -> r.channel().name()).toList();
    }

    @Override
    public void analyzed(AnalysisSnapshot snapshot, Duration took) {
        notifyLow(snapshot);
    }

    @Override
    public void failed(Throwable error, AnalysisSnapshot kept, Duration took) {
        // Stale results were notified when they were fresh.
    }

    /** Sends each channel its message; completes, with how many messages got through, when all are done. */
    public Future<Integer> notifyLow(AnalysisSnapshot snapshot) {
        Instant now = clock.instant();
        List<GpuScore> low = snapshot.actionable(aiThreshold);
        List<Future<Boolean>> messages = new ArrayList<>();
        for (Route route : routes) {
            List<GpuScore> due = route.cooldown().take(low, now);
            if (due.isEmpty()) {
                continue;
            }
            LowGpuReport report = new LowGpuReport(snapshot.analyzedAt(), snapshot.threshold(), due, snapshot.ai());
            messages.add(Delivery.withRetries(vertx, config.retries(), backoff, () -> route.channel().send(report)).transform(result -> {
                if (result.succeeded()) {
                    route.sent().increment();
                    return Future.succeededFuture(true);
                }
                route.failed().increment();
                route.cooldown().release(due, now);
                LOG.warn("could not notify {} of {} low-utilization GPUs: {}", route.channel().name(), due.size(),
                        result.cause().getMessage());
                return Future.succeededFuture(false);
            }));
        }
        return Future.all(messages).map(all -> (int) messages.stream().filter(Future::result).count());
    }
}
