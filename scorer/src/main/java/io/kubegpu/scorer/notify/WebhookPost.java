package io.kubegpu.scorer.notify;

import com.google.gson.JsonObject;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One JSON POST to a webhook, under a timeout. The URL carries the webhook's token, so errors name its host only. */
final class WebhookPost {
    private WebhookPost() {
    }

    static Future<io.vertx.ext.web.client.HttpResponse<Buffer>> post(WebClient client, String url, JsonObject body, Duration timeout) {
        return client.postAbs(url).idleTimeout(timeout.toMillis()).putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body.toString()))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .recover(failure -> Future.failedFuture(new io.kubegpu.scorer.action.Delivery.Failure("cannot deliver to " + host(url) + ": "
                        + failure.getClass().getSimpleName(), true)));
    }

    static String host(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return "the webhook";
        }
    }
}
