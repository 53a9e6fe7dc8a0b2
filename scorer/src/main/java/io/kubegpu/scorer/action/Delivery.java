package io.kubegpu.scorer.action;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The retry rule of every outgoing report (control API, Slack, Feishu, e-mail): an attempt that fails in a way
 * that may pass (network error, timeout, HTTP 429 or 5xx, a rate limit) is tried again after {@code backoff},
 * doubled each time, at most {@code retries} times; any other failure ends at once.
 */
public final class Delivery {
    /** Why an attempt failed, and whether trying again may help. The message never holds a secret. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean retryable;

        public Failure(String message, boolean retryable) {
            super(message, null, false, false);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private Delivery() {
    }

    /** Runs {@code attempt} until it succeeds, fails for good, or has been retried {@code retries} times. */
    public static Future<Void> withRetries(Vertx vertx, int retries, Duration backoff, Supplier<Future<Void>> attempt) {
        Promise<Void> done = Promise.promise();
        run(vertx, retries, backoff, attempt, 0, done);
        return done.future();
    }

    private static void run(Vertx vertx, int retries, Duration backoff, Supplier<Future<Void>> attempt, int n, Promise<Void> done) {
        Future<Void> tried;
        try {
            tried = attempt.get();
        } catch (RuntimeException e) {
            tried = Future.failedFuture(e);
        }
        tried.onComplete(result -> {
            if (result.succeeded()) {
                done.complete();
                return;
            }
            Throwable cause = result.cause();
            boolean retryable = !(cause instanceof Failure f) || f.retryable();
            String problem = cause instanceof Failure ? cause.getMessage() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            if (!retryable || n >= retries) {
                done.fail(new Failure(problem + (n > 0 ? " after " + (n + 1) + " attempts" : ""), false));
                return;
            }
            vertx.setTimer(Math.max(1, backoff.toMillis() << n), id -> run(vertx, retries, backoff, attempt, n + 1, done));
        });
    }

    /** An HTTP answer as an attempt's outcome: 2xx succeeds; 429 and 5xx may pass; any other status will not. */
    public static Future<Void> httpOutcome(HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return Future.succeededFuture();
        }
        return Future.failedFuture(new Failure("HTTP " + status, status == 429 || status >= 500));
    }
}
