package io.kubegpu.scorer.prometheus;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.buffer.Buffer;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A non-blocking client of the Prometheus HTTP API, on the Vert.x web client. Range queries are POSTed
 * as {@code application/x-www-form-urlencoded} (no URL length limit on long selectors). Every failure
 * becomes a {@link PrometheusException} that names the server and the query.
 */
public final class PrometheusClient implements AutoCloseable {
    private final WebClient client;
    private final String baseUrl;
    private final Duration timeout;

    /**
     * @param baseUrl Prometheus' address with any path prefix, e.g. {@code http://prometheus:9090} or
     *                {@code http://gateway/prometheus}
     * @param timeout the most one query may take, connection included; also sent as the query's own
     *                {@code timeout} so Prometheus gives up at the same time
     */
    public PrometheusClient(Vertx vertx, String baseUrl, Duration timeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = timeout;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setUserAgent("kube-gpu-extender-scorer")
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())));
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Runs {@code query} over [start, end] at {@code step} (a Prometheus duration such as {@code 30s}). */
    public Future<List<PromSeries>> queryRange(String query, Instant start, Instant end, String step) {
        MultiMap form = MultiMap.caseInsensitiveMultiMap()
                .add("query", query)
                .add("start", seconds(start))
                .add("end", seconds(end))
                .add("step", step)
                .add("timeout", timeout.toMillis() + "ms");
        return client.postAbs(baseUrl + "/api/v1/query_range")
                .idleTimeout(timeout.toMillis())
                .sendForm(form)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .recover(failure -> Future.failedFuture(describe(failure, query)))
                .compose(response -> decode(response, query));
    }

    /** Runs {@code query} at {@code time} (an instant query): one sample per series. */
    public Future<List<io.kubegpu.scorer.podmetrics.GpuSample>> query(String query, Instant time) {
        MultiMap form = MultiMap.caseInsensitiveMultiMap()
                .add("query", query)
                .add("time", seconds(time))
                .add("timeout", timeout.toMillis() + "ms");
        return client.postAbs(baseUrl + "/api/v1/query")
                .idleTimeout(timeout.toMillis())
                .sendForm(form)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .recover(failure -> Future.failedFuture(describe(failure, query)))
                .compose(response -> {
                    try {
                        return Future.succeededFuture(InstantResponse.parse(response.bodyAsString() == null ? "" : response.bodyAsString(), query));
                    } catch (PrometheusException e) {
                        return Future.failedFuture(e);
                    }
                });
    }

    private Future<List<PromSeries>> decode(HttpResponse<Buffer> response, String query) {
        String body = response.bodyAsString();
        try {
            return Future.succeededFuture(RangeResponse.parse(body == null ? "" : body, query));
        } catch (PrometheusException e) {
            if (response.statusCode() / 100 != 2 && e.kind() == PrometheusException.Kind.MALFORMED) {
                // A proxy or a dying server answering with its own page: say what status came back.
                return Future.failedFuture(new PrometheusException(PrometheusException.Kind.ERROR, "Prometheus at " + baseUrl
                        + " answered HTTP " + response.statusCode() + " to " + query));
            }
            return Future.failedFuture(e);
        }
    }

    private PrometheusException describe(Throwable failure, String query) {
        if (failure instanceof PrometheusException known) {
            return known;
        }
        String name = failure.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        if (failure instanceof java.util.concurrent.TimeoutException || name.contains("timeout")) {
            return new PrometheusException(PrometheusException.Kind.TIMEOUT, "Prometheus at " + baseUrl + " did not answer " + query
                    + " within " + timeout.toMillis() + " ms");
        }
        if (failure instanceof ConnectException || failure instanceof UnknownHostException
                || failure.getCause() instanceof ConnectException) {
            return new PrometheusException(PrometheusException.Kind.UNREACHABLE, "cannot reach Prometheus at " + baseUrl + ": "
                    + failure.getMessage());
        }
        return new PrometheusException(PrometheusException.Kind.UNREACHABLE, "query " + query + " to Prometheus at " + baseUrl
                + " failed: " + failure);
    }

    private static String seconds(Instant instant) {
        return String.format(Locale.ROOT, "%.3f", instant.toEpochMilli() / 1000.0);
    }

    @Override
    public void close() {
        client.close();
    }
}
