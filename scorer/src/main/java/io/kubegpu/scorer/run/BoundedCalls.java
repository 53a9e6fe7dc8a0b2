package io.kubegpu.scorer.run;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Runs one asynchronous call per key with at most {@code limit} in flight: Prometheus queries, AI reviews. */
public final class BoundedCalls<K, V> {
    private final Deque<K> pending;
    private final int total;
    private final int limit;
    private final Function<K, Future<V>> call;
    private final boolean failFast;
    private final Map<K, V> results = new LinkedHashMap<>();
    private final Promise<Map<K, V>> done = Promise.promise();
    private int running;
    private int finished;

    private BoundedCalls(List<K> keys, int limit, Function<K, Future<V>> call, boolean failFast) {
        this.pending = new ArrayDeque<>(keys);
        this.total = keys.size();
        this.limit = limit;
        this.call = call;
        this.failFast = failFast;
    }

    /** All results, or the first failure (the calls not yet started are not started). */
    public static <K, V> Future<Map<K, V>> all(List<K> keys, int limit, Function<K, Future<V>> call) {
        return new BoundedCalls<>(keys, limit, call, true).start();
    }

    /** The results of the calls that succeeded; failures are left out. */
    public static <K, V> Future<Map<K, V>> successful(List<K> keys, int limit, Function<K, Future<V>> call) {
        return new BoundedCalls<>(keys, limit, call, false).start();
    }

    private Future<Map<K, V>> start() {
        if (total == 0) {
            done.complete(Map.of());
        }
        launch();
        return done.future();
    }

    private void launch() {
        while (true) {
            K key;
            synchronized (this) {
                if (done.future().isComplete() || running >= limit || pending.isEmpty()) {
                    return;
                }
                key = pending.poll();
                running++;
            }
            Future<V> future;
            try {
                future = call.apply(key);
            } catch (RuntimeException e) {
                future = Future.failedFuture(e);
            }
            future.onComplete(result -> finish(key, result.succeeded(), result.result(), result.cause()));
        }
    }

    private void finish(K key, boolean ok, V value, Throwable failure) {
        synchronized (this) {
            running--;
            finished++;
            if (ok) {
                results.put(key, value);
            } else if (failFast) {
                done.tryFail(failure);
                return;
            }
            if (finished == total) {
                done.tryComplete(Map.copyOf(results));
                return;
            }
        }
        launch();
    }
}
