package io.kubegpu.scorer.notify;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.scorer.action.Delivery;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Feishu (Lark) custom bot webhook: a POST of {@code {"msg_type":"text","content":{"text":…}}}, plus {@code
 * timestamp} (seconds) and {@code sign} when the bot has a signing secret. Feishu answers HTTP 200 even when it
 * refuses: success is {@code code} 0 (older bots: {@code StatusCode} 0); its rate limits (codes 9499, 11232) may
 * pass by retrying, any other code (a bad signature, 19021) will not.
 */
final class FeishuWebhook implements Channel {
    private static final Set<Integer> RATE_LIMITED = Set.of(9499, 11232);

    private final WebClient client;
    private final String url;
    private final String secret;
    private final Duration timeout;
    private final Clock clock;

    FeishuWebhook(WebClient client, String url, String secret, Duration timeout, Clock clock) {
        this.client = client;
        this.url = url;
        this.secret = secret;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "feishu";
    }

    @Override
    public Future<Void> send(LowGpuReport report) {
        return WebhookPost.post(client, url, payload(report, secret, clock.instant().getEpochSecond()), timeout)
                .compose(FeishuWebhook::outcome);
    }

    static JsonObject payload(LowGpuReport report, String secret, long epochSeconds) {
        JsonObject out = new JsonObject();
        if (secret != null) {
            out.addProperty("timestamp", Long.toString(epochSeconds));
            out.addProperty("sign", sign(epochSeconds, secret));
        }
        out.addProperty("msg_type", "text");
        JsonObject content = new JsonObject();
        content.addProperty("text", report.text());
        out.add("content", content);
        return out;
    }

    /**
     * Feishu's signature: HmacSHA256 keyed with {@code timestamp + "\n" + secret} over no data, in Base64. (The
     * string is the key, not the message: that is how Feishu defines it.)
     */
    static String sign(long epochSeconds, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec((epochSeconds + "\n" + secret).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(new byte[0]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static Future<Void> outcome(HttpResponse<Buffer> response) {
        if (response.statusCode() / 100 != 2) {
            return Delivery.httpOutcome(response);
        }
        int code;
        String message;
        try {
            JsonObject body = JsonParser.parseString(response.bodyAsString()).getAsJsonObject();
            JsonElement value = body.has("code") ? body.get("code") : body.get("StatusCode");
            code = value.getAsInt();
            JsonElement msg = body.has("msg") ? body.get("msg") : body.get("StatusMessage");
            message = msg == null || !msg.isJsonPrimitive() ? "" : msg.getAsString();
        } catch (RuntimeException e) {
            return Future.failedFuture(new Delivery.Failure("Feishu answered HTTP " + response.statusCode()
                    + " without its {code, msg} body", false));
        }
        if (code == 0) {
            return Future.succeededFuture();
        }
        return Future.failedFuture(new Delivery.Failure("Feishu refused the message with code " + code + " ("
                + (message.length() > 120 ? message.substring(0, 120) + "…" : message) + ")", RATE_LIMITED.contains(code)));
    }
}
