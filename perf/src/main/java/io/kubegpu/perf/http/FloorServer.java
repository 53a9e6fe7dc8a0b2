package io.kubegpu.perf.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The physical floor: a Vert.x server that reads the request body and answers a constant reply of the
 * size the real server gives for the same path. What it costs is HTTP and buffers only; our server's latency
 * is reported as a ratio to it.
 */
public final class FloorServer implements AutoCloseable {
    private final HttpServer server;

    private FloorServer(HttpServer server) {
        this.server = server;
    }

    /**
     * @param replies the reply body per path, e.g. {@code /filter} → the real server's filter reply
     * @param tls     PEM certificate and key to serve HTTPS with (as the webhook does), or null for HTTP
     */
    public static FloorServer start(Vertx vertx, Map<String, Buffer> replies, java.nio.file.Path[] tls) throws Exception {
        Map<String, Buffer> byPath = new ConcurrentHashMap<>(replies);
        HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true);
        if (tls != null) {
            options.setSsl(true).setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(tls[0].toString())
                    .setKeyPath(tls[1].toString()));
        }
        HttpServer server = vertx.createHttpServer(options)
                .requestHandler(request -> request.body().onSuccess(body -> {
                    Buffer reply = byPath.getOrDefault(request.path(), Buffer.buffer("{}"));
                    request.response().putHeader("Content-Type", "application/json").end(reply);
                })).listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new FloorServer(server);
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
