package io.kubegpu.scorer.notify;

import io.vertx.core.Future;

/**
 * Where notifications go: Slack, Feishu, e-mail. One {@link #send} is one attempt; it fails with a {@link
 * io.kubegpu.scorer.action.Delivery.Failure} saying whether a retry may help. Names and messages never hold the
 * channel's secret (a webhook URL, a password).
 */
public interface Channel {
    /** {@code slack}, {@code feishu} or {@code email}: the metric label and the name in logs. */
    String name();

    Future<Void> send(LowGpuReport report);
}
