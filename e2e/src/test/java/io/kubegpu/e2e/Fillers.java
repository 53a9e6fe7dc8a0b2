package io.kubegpu.e2e;

import com.google.gson.Gson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Thousands of pending pods of a scheduler nobody runs, each with a few KiB of annotations: a pod list large enough that
 * an extender's start-up sync (the informers' full LIST) takes seconds, as in a busy cluster.
 */
final class Fillers implements AutoCloseable {
    final String namespace = "kubegpu-e2e-fill-" + UUID.randomUUID().toString().substring(0, 6);
    final int count;

    private Fillers(int count) {
        this.count = count;
    }

    static Fillers create(int count) throws Exception {
        Fillers fillers = new Fillers(count);
        AdminApi api = AdminApi.get();
        api.call("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + fillers.namespace + "\"}}");
        String padding = "x".repeat(4096);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> created = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Map<String, Object> pod = Map.of("apiVersion", "v1", "kind", "Pod",
                        "metadata", Map.of("name", "filler-" + i, "annotations", Map.of("kubegpu.io/e2e-padding", padding)),
                        "spec", Map.of("schedulerName", "nobody-serves-this", "containers",
                                List.of(Map.of("name", "main", "image", "registry.invalid/idle:1",
                                        "resources", Map.of("limits", Map.of("nvidia.com/gpu", "1"))))));
                String json = new Gson().toJson(pod);
                created.add(pool.submit(() -> api.call("POST", "/api/v1/namespaces/" + fillers.namespace + "/pods", json)));
            }
            for (Future<?> f : created) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return fillers;
    }

    @Override
    public void close() {
        // One deletecollection: the pods are unbound, so they go at once.
        AdminApi.get().send("DELETE", "/api/v1/namespaces/" + namespace + "/pods", null);
        AdminApi.get().send("DELETE", "/api/v1/namespaces/" + namespace, null);
    }
}
