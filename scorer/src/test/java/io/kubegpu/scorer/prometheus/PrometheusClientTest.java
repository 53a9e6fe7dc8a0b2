package io.kubegpu.scorer.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failures a real Prometheus cannot be made to produce on demand — hanging, answering garbage or a proxy
 * page — from a local HTTP server standing in for it; the good path is proven against a real Prometheus
 * in {@code ScorerPrometheusIT}.
 */
class PrometheusClientTest {
    private final Vertx vertx = Vertx.vertx();
    private final List<String> forms = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private PrometheusClient against(Consumer<HttpServerRequest> answer, Duration timeout) throws Exception {
        int port = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            forms.add(request.path() + "?" + body);
            answer.accept(request);
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        return new PrometheusClient(vertx, "http://127.0.0.1:" + port + "/prom/", timeout);
    }

    private static PrometheusException failure(Future<?> future) throws Exception {
        Throwable cause = future.toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(20, TimeUnit.SECONDS);
        assertThat(cause).isInstanceOf(PrometheusException.class);
        return (PrometheusException) cause;
    }

    private static Future<List<PromSeries>> query(PrometheusClient client) {
        return client.queryRange("DCGM_FI_DEV_GPU_UTIL{pod!=\"\"}", Instant.ofEpochSecond(1000), Instant.ofEpochSecond(1600), "30s");
    }

    @Test
    void postsTheRangeQueryAsAFormUnderThePathPrefix() throws Exception {
        var client = against(r -> r.response().end("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}"),
                Duration.ofSeconds(5));
        assertThat(query(client).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(forms.get(0)).startsWith("/prom/api/v1/query_range?").contains("start=1000.000").contains("end=1600.000")
                .contains("step=30s").contains("timeout=5000ms").contains("query=DCGM_FI_DEV_GPU_UTIL%7Bpod%21%3D%22%22%7D");
    }

    @Test
    void aPrometheusThatHangsTimesOut() throws Exception {
        var client = against(r -> { }, Duration.ofMillis(500));
        PrometheusException e = failure(query(client));
        assertThat(e.kind()).isEqualTo(PrometheusException.Kind.TIMEOUT);
        assertThat(e).hasMessageContaining("did not answer").hasMessageContaining("500 ms");
    }

    @Test
    void garbageAndProxyPagesAreErrorsThatSayWhat() throws Exception {
        AtomicInteger n = new AtomicInteger();
        var client = against(r -> {
            if (n.incrementAndGet() == 1) {
                r.response().end("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{}}]}}");
            } else {
                r.response().setStatusCode(502).end("<html>Bad Gateway</html>");
            }
        }, Duration.ofSeconds(5));
        assertThat(failure(query(client)).kind()).isEqualTo(PrometheusException.Kind.MALFORMED);
        PrometheusException proxy = failure(query(client));
        assertThat(proxy.kind()).isEqualTo(PrometheusException.Kind.ERROR);
        assertThat(proxy).hasMessageContaining("HTTP 502");
    }

    @Test
    void nothingListeningIsUnreachable() throws Exception {
        var client = new PrometheusClient(vertx, "http://127.0.0.1:1", Duration.ofSeconds(2));
        PrometheusException e = failure(query(client));
        assertThat(e.kind()).isEqualTo(PrometheusException.Kind.UNREACHABLE);
        assertThat(e).hasMessageContaining("cannot reach Prometheus at http://127.0.0.1:1");
    }
}
