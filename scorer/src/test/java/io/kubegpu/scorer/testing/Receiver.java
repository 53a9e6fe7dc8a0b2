package io.kubegpu.scorer.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A local HTTP server standing in for a webhook, a control API or an AI endpoint: it records every request
 * (method, path with query, headers, body) and answers as the test says.
 */
public final class Receiver {
    /** One request as it arrived. */
    public record Request(String method, String uri, MultiMap headers, String body) {
        public JsonObject json() {
            return JsonParser.parseString(body).getAsJsonObject();
        }

        public String header(String name) {
            return headers.get(name);
        }
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final int port;

    private Receiver(Vertx vertx, BiConsumer<Request, HttpServerRequest> answer) throws Exception {
        this.port = vertx.createHttpServer().requestHandler(http -> http.body().onSuccess(body -> {
            Request request = new Request(http.method().name(), http.uri(), MultiMap.caseInsensitiveMultiMap().addAll(http.headers()),
                    body.toString());
            synchronized (requests) {
                requests.add(request);
                requests.notifyAll();
            }
            answer.accept(request, http);
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    /** A receiver that calls {@code answer} with each request and the exchange to answer it on. */
    public static Receiver start(Vertx vertx, BiConsumer<Request, HttpServerRequest> answer) throws Exception {
        return new Receiver(vertx, answer);
    }

    /** A receiver that answers every request with {@code status} and {@code body} as JSON. */
    public static Receiver answering(Vertx vertx, int status, String body) throws Exception {
        return start(vertx, (request, http) -> http.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body));
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests once there are at least {@code count}, waiting on their arrival; fails after {@code seconds}. */
    public List<Request> await(int count, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (requests) {
            while (requests.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " requests within " + seconds + " s, got " + requests.size());
                }
                TimeUnit.NANOSECONDS.timedWait(requests, left);
            }
            return List.copyOf(requests);
        }
    }
}
