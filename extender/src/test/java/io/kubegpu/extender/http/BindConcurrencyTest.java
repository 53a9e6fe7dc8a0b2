package io.kubegpu.extender.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.extender.bind.Binder;
import io.kubegpu.extender.bind.PodCache;
import io.kubegpu.extender.service.ExplainStore;
import io.kubegpu.extender.service.ExtenderMetrics;
import io.kubegpu.extender.wire.ExtenderCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kube-scheduler sends binds concurrently, one per pod, and each waits on the API server's write: they must not queue
 * behind Vert.x's shared 20 workers (or anything else that blocks there). The binder here returns only once 40 binds are
 * in it at the same time, which a pool of 20 can never reach.
 */
class BindConcurrencyTest {
    private static final int AT_ONCE = 40;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void fortyBindsAreInTheBinderAtOnce() throws Exception {
        CountDownLatch inBinder = new CountDownLatch(AT_ONCE);
        Binder binder = args -> {
            inBinder.countDown();
            return inBinder.await(10, TimeUnit.SECONDS) ? "" : "only " + (AT_ONCE - inBinder.getCount()) + " binds ran at once";
        };
        Router router = Router.router(vertx);
        new ExtenderRoutes(vertx, null, new ExtenderCodec(), binder, new PodCache(), new ExplainStore(),
                new ExtenderMetrics(new SimpleMeterRegistry())).mount(router, "", 1 << 20, () -> true);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < AT_ONCE; i++) {
            String body = "{\"PodName\":\"p-" + i + "\",\"PodNamespace\":\"ns\",\"PodUID\":\"uid-" + i + "\",\"Node\":\"n\"}";
            replies.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/bind"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> reply : replies) {
            assertThat(reply.get(30, TimeUnit.SECONDS).body()).isEqualTo("{\"Error\":\"\"}");
        }
    }
}
