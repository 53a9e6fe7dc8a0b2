package io.kubegpu.perf.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end floor: an extender that decides nothing. Its filter answers with the first candidate kube-scheduler
 * sent (found by a string search, no JSON parsing) and nothing else; every other verb gets an empty success. Run in
 * its own JVM beside kube-scheduler, it costs what any HTTP extender costs: kube-scheduler's encoding of the pod and
 * the names, the round trip, and the wait for a CPU on a busy machine. Ours is reported against it.
 *
 * <p>Usage: {@code java -cp perf/target/benchmarks.jar io.kubegpu.perf.http.FloorExtender PORT}; prints {@code ready}.
 */
public final class FloorExtender {
    private static final byte[] NAMES = "\"NodeNames\":[".getBytes(StandardCharsets.US_ASCII);

    private FloorExtender() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx();
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
                .requestHandler(request -> request.body().onSuccess(body -> {
                    String reply = request.path().endsWith("/filter")
                            ? "{\"Nodes\":null,\"NodeNames\":[" + firstName(body) + "],\"FailedNodes\":{},\"Error\":\"\"}"
                            : request.path().endsWith("/prioritize") ? "[]" : "{\"Error\":\"\"}";
                    request.response().putHeader("Content-Type", "application/json").end(reply);
                })).listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.out.println("ready");
    }

    /** The first quoted name after {@code "NodeNames":[}, quotes included, or nothing. */
    static String firstName(Buffer body) {
        byte[] bytes = body.getBytes();
        int at = indexOf(bytes, NAMES);
        if (at < 0) {
            return "";
        }
        int start = at + NAMES.length;
        if (start >= bytes.length || bytes[start] != '"') {
            return "";
        }
        int end = start + 1;
        while (end < bytes.length && bytes[end] != '"') {
            end++;
        }
        return new String(bytes, start, end + 1 - start, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] bytes, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
