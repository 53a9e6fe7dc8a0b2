package io.kubegpu.scorer.notify;

import com.google.gson.JsonObject;
import io.kubegpu.scorer.action.Delivery;
import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;

/**
 * A Slack incoming webhook: a POST of {@code {"text": …}} (Slack's mrkdwn, the title in bold), answered with
 * HTTP 200 {@code ok}. Slack asks that {@code &}, {@code <} and {@code >} in the text be escaped; other statuses
 * (400 invalid_payload, 403, 404 no_service, 410 channel_is_archived) will not pass by retrying, 429 and 5xx may.
 */
final class SlackWebhook implements Channel {
    private final WebClient client;
    private final String url;
    private final Duration timeout;

    SlackWebhook(WebClient client, String url, Duration timeout) {
        this.client = client;
        this.url = url;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "slack";
    }

    @Override
    public Future<Void> send(LowGpuReport report) {
        return WebhookPost.post(client, url, payload(report), timeout).compose(Delivery::httpOutcome);
    }

    static JsonObject payload(LowGpuReport report) {
        StringBuilder text = new StringBuilder(":warning: *").append(escape(report.title())).append("*");
        for (String line : report.lines()) {
            text.append("\n• ").append(escape(line));
        }
        JsonObject out = new JsonObject();
        out.addProperty("text", text.toString());
        return out;
    }

    /** Slack's three control characters; everything else is sent as it is. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
