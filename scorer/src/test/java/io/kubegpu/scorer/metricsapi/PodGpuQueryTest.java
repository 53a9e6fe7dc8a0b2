package io.kubegpu.scorer.metricsapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.scorer.podmetrics.PodGpuMetric;
import io.kubegpu.scorer.prometheus.PrometheusClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Values answered from a Prometheus stub: the query sent, the answer read, and reuse within the cache time. */
class PodGpuQueryTest {
    private final Vertx vertx = Vertx.vertx();
    private final List<String> queries = new CopyOnWriteArrayList<>();

    /** A clock the test moves. */
    private static final class Moving extends Clock {
        Instant now = Instant.parse("2026-12-07T02:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private String prometheus() throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.bodyHandler(body -> {
            queries.add(java.net.URLDecoder.decode(body.toString(), java.nio.charset.StandardCharsets.UTF_8));
            request.response().putHeader("Content-Type", "application/json").end("""
                    {"status":"success","data":{"resultType":"vector","result":[
                     {"metric":{"namespace":"team-a","pod":"infer.v2-0","UUID":"GPU-1","gpu":"0"},"value":[1765072800,"90"]},
                     {"metric":{"namespace":"team-a","pod":"infer-1","UUID":"GPU-2","gpu":"0"},"value":[1765072800,"NaN"]}]}}""");
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return "http://127.0.0.1:" + server.actualPort();
    }

    @Test
    void asksPrometheusOnceWithinTheCacheTimeAndLeavesPodsWithoutDataOut() throws Exception {
        Moving clock = new Moving();
        PodGpuQuery query = new PodGpuQuery(new PrometheusClient(vertx, prometheus(), Duration.ofSeconds(5)), Duration.ofSeconds(60),
                Duration.ofSeconds(5), clock);
        Map<String, Map<Integer, Integer>> pods = Map.of("infer.v2-0", Map.of(), "infer-1", Map.of());
        var first = query.values(PodGpuMetric.GPU_USAGE, "team-a", pods).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // infer-1's sample is NaN: no data, so no value (never 0).
        assertThat(first).containsOnlyKeys("infer.v2-0");
        assertThat(first.get("infer.v2-0")).isEqualTo(0.9);
        assertThat(queries).singleElement().asString().contains(
                "avg_over_time(DCGM_FI_DEV_GPU_UTIL{namespace=\"team-a\",pod=~\"infer-1|infer\\\\.v2-0\"}[60s]) or "
                        + "avg_over_time(DCGM_FI_DEV_GPU_UTIL{exported_namespace=\"team-a\",exported_pod=~\"infer-1|infer\\\\.v2-0\"}[60s])");

        clock.now = clock.now.plusSeconds(4);
        query.values(PodGpuMetric.GPU_USAGE, "team-a", pods).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(queries).as("answered from the cache").hasSize(1);
        clock.now = clock.now.plusSeconds(2);
        query.values(PodGpuMetric.GPU_USAGE, "team-a", pods).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(queries).as("asked again once the answer is 5 s old").hasSize(2);
    }
}
