package io.kubegpu.perf.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * HTTP load on the Vert.x web client, in two shapes:
 * <ul>
 *   <li><b>open loop</b> at a fixed rate: request i is due at start + i/rate and its latency is measured from
 *   that due time, not from when it was sent, so a server that stalls is charged for every request that
 *   waited behind the stall (no coordinated omission);</li>
 *   <li><b>closed loop</b> at a fixed concurrency: each of N callers sends its next request when the previous
 *   answer arrives; this finds the throughput ceiling.</li>
 * </ul>
 * Latencies go into an HdrHistogram (1 µs to 1 min, 3 significant digits). Bounded by count and time.
 */
public final class LoadGenerator implements AutoCloseable {
    private final Vertx vertx;
    private final WebClient client;

    public LoadGenerator(Vertx vertx, int connections, boolean trustAll) {
        this.vertx = vertx;
        WebClientOptions options = new WebClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(5_000);
        if (trustAll) {
            options.setSsl(true).setTrustAll(true).setVerifyHost(false);
        }
        this.client = WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(connections));
    }

    /** What one run measured. */
    public record Result(String shape, double offered, long requests, long errors, double seconds, Histogram latency) {
        public double throughput() {
            return requests / seconds;
        }

        public double percentileMicros(double percentile) {
            return latency.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private HttpRequest<Buffer> request(URI url) {
        return client.post(url.getPort(), url.getHost(), url.getRawPath()).putHeader("Content-Type", "application/json");
    }

    /**
     * {@code rate} requests per second for {@code seconds}. A pacer thread sleeps until each request's due time
     * (Vert.x timers tick in milliseconds, too coarse for sub-millisecond latencies) and hands it to the event loop.
     */
    public Future<Result> openLoop(URI url, Buffer body, double rate, double seconds) {
        Promise<Result> done = Promise.promise();
        Histogram histogram = new Histogram(60_000_000_000L, 3);
        long total = (long) (rate * seconds);
        long intervalNs = (long) (1e9 / rate);
        AtomicLong finished = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        io.vertx.core.Context context = vertx.getOrCreateContext();
        long start = System.nanoTime() + 10_000_000L;
        Thread pacer = new Thread(() -> {
            for (long i = 0; i < total; i++) {
                long due = start + i * intervalNs;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                context.runOnContext(v -> request(url).sendBuffer(body).onComplete(r -> {
                    synchronized (histogram) {
                        histogram.recordValue(Math.max(0, System.nanoTime() - due));
                    }
                    if (r.failed() || r.result().statusCode() != 200) {
                        errors.incrementAndGet();
                    }
                    if (finished.incrementAndGet() == total) {
                        done.complete(new Result("open", rate, total, errors.get(), (System.nanoTime() - start) / 1e9, histogram));
                    }
                }));
            }
        }, "open-loop-pacer");
        pacer.setDaemon(true);
        pacer.start();
        return done.future();
    }

    /** {@code concurrency} callers back to back for {@code seconds}. */
    public Future<Result> closedLoop(URI url, Buffer body, int concurrency, double seconds) {
        Promise<Result> done = Promise.promise();
        Histogram histogram = new Histogram(60_000_000_000L, 3);
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        AtomicLong requests = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicInteger callers = new AtomicInteger(concurrency);
        for (int i = 0; i < concurrency; i++) {
            vertx.runOnContext(v -> caller(url, body, end, histogram, requests, errors, () -> {
                if (callers.decrementAndGet() == 0) {
                    done.complete(new Result("closed", concurrency, requests.get(), errors.get(), (System.nanoTime() - start) / 1e9, histogram));
                }
            }));
        }
        return done.future();
    }

    private void caller(URI url, Buffer body, long end, Histogram histogram, AtomicLong requests, AtomicLong errors, Runnable finished) {
        if (System.nanoTime() >= end) {
            finished.run();
            return;
        }
        long sentAt = System.nanoTime();
        request(url).sendBuffer(body).onComplete(r -> {
            synchronized (histogram) {
                histogram.recordValue(System.nanoTime() - sentAt);
            }
            requests.incrementAndGet();
            if (r.failed() || r.result().statusCode() != 200) {
                errors.incrementAndGet();
            }
            caller(url, body, end, histogram, requests, errors, finished);
        });
    }

    /** One request, for warm-up and to learn the reply's size. */
    public Future<Buffer> once(URI url, Buffer body) {
        return request(url).sendBuffer(body).map(r -> r.body() == null ? Buffer.buffer() : r.body());
    }

    @Override
    public void close() {
        client.close();
    }

}
