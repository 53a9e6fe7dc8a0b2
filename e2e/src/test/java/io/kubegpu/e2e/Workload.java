package io.kubegpu.e2e;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.Eventually;
import io.kubegpu.cluster.it.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPU nodes and pods on the test API server (no kubelet: nodes are created with their status, pods are bound and never
 * run). Nodes come from {@link TestCluster}; pods are written as raw JSON, so each carries exactly what the test says
 * (scheduler name, resources, annotations, node selector) and nothing a typed model would add.
 */
final class Workload implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(90);

    final TestCluster cluster;
    final String namespace;

    Workload() throws Exception {
        this.cluster = new TestCluster(ControlPlane.client());
        this.namespace = cluster.namespace;
    }

    /** A Ready V100 node of {@code gpus} GPUs (GFD labels) with extra labels; its name. */
    String v100(String base, int gpus, Map<String, String> labels) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(Map.of("nvidia.com/gpu.product", "Tesla-V100-SXM2-32GB", "nvidia.com/gpu.memory",
                "32510"));
        all.putAll(labels);
        return cluster.createNode(base, all, Map.of("nvidia.com/gpu", String.valueOf(gpus), "cpu", "64", "memory", "512Gi"));
    }

    /** A Ready T4 node of 4 GPUs shared through gpushare (15360 MiB usable each, as GFD reports a T4). */
    String sharedT4(String base, Map<String, String> labels) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(Map.of("nvidia.com/gpu.product", "Tesla-T4", "nvidia.com/gpu.memory", "15360"));
        all.putAll(labels);
        return cluster.createNode(base, all, Map.of("nvidia.com/gpu", "4", "aliyun.com/gpu-mem", "60", "aliyun.com/gpu-count", "4",
                "cpu", "64", "memory", "512Gi"));
    }

    /** What a pod asks for: its GPU string, the resources the webhook would have set, and where it may go. */
    record PodSpec(String gpu, Map<String, String> limits, Map<String, String> nodeSelector, Map<String, String> annotations) {
        static PodSpec whole(int gpus, String model) {
            return new PodSpec(gpus + "(" + model + ")", Map.of("nvidia.com/gpu", String.valueOf(gpus)), Map.of(), Map.of());
        }

        /** A share of a T4: {@code gib} GiB and {@code share} of its compute. */
        static PodSpec share(int gib, String share) {
            return new PodSpec(gib + "G," + share + "(T4)", Map.of("aliyun.com/gpu-mem", String.valueOf(gib)), Map.of(), Map.of());
        }

        PodSpec on(Map<String, String> selector) {
            return new PodSpec(gpu, limits, selector, annotations);
        }

        PodSpec annotated(Map<String, String> extra) {
            Map<String, String> all = new LinkedHashMap<>(annotations);
            all.putAll(extra);
            return new PodSpec(gpu, limits, nodeSelector, all);
        }
    }

    /** Creates a pod for {@code scheduler}; returns its name. */
    String create(String base, String scheduler, PodSpec spec) {
        String name = cluster.name(base);
        AdminApi.get().call("POST", "/api/v1/namespaces/" + namespace + "/pods", new Gson().toJson(pod(name, scheduler, spec)));
        return name;
    }

    /**
     * As {@link #create}, retried while the API server is away (a restart): an answer lost after the pod was stored
     * comes back as 409 on the retry, which means it exists.
     */
    String createRetrying(String base, String scheduler, PodSpec spec) {
        String name = cluster.name(base);
        String json = new Gson().toJson(pod(name, scheduler, spec));
        Eventually.until(WAIT, "pod " + name + " is created", () -> {
            try {
                int status = AdminApi.get().send("POST", "/api/v1/namespaces/" + namespace + "/pods", json).status();
                return status == 201 || status == 409;
            } catch (RuntimeException apiServerAway) {
                return false;
            }
        });
        return name;
    }

    static Map<String, Object> pod(String name, String scheduler, PodSpec spec) {
        Map<String, String> annotations = new LinkedHashMap<>(spec.annotations());
        if (spec.gpu() != null) {
            annotations.put("kubegpu.io/gpu", spec.gpu());
        }
        Map<String, Object> podSpec = new LinkedHashMap<>();
        podSpec.put("schedulerName", scheduler);
        podSpec.put("containers", List.of(Map.of("name", "main", "image", "registry.invalid/gpu-job:1",
                "resources", Map.of("limits", spec.limits()))));
        if (!spec.nodeSelector().isEmpty()) {
            podSpec.put("nodeSelector", spec.nodeSelector());
        }
        return Map.of("apiVersion", "v1", "kind", "Pod", "metadata", Map.of("name", name, "annotations", annotations), "spec", podSpec);
    }

    JsonObject read(String pod) {
        return AdminApi.get().call("GET", "/api/v1/namespaces/" + namespace + "/pods/" + pod, null);
    }

    /** The node the pod is bound to, or null while it is pending. */
    String nodeOf(String pod) {
        JsonObject spec = read(pod).getAsJsonObject("spec");
        return spec.has("nodeName") ? spec.get("nodeName").getAsString() : null;
    }

    String awaitNode(String pod) {
        return Eventually.value(WAIT, pod + " is bound", () -> nodeOf(pod));
    }

    Map<String, String> annotations(String pod) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonObject meta = read(pod).getAsJsonObject("metadata");
        if (meta.has("annotations")) {
            meta.getAsJsonObject("annotations").entrySet().forEach(e -> out.put(e.getKey(), e.getValue().getAsString()));
        }
        return out;
    }

    /** Binds a pod to a node through the binding subresource, as kube-scheduler does. */
    void bind(String pod, String node) {
        AdminApi.get().call("POST", "/api/v1/namespaces/" + namespace + "/pods/" + pod + "/binding",
                "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"" + pod + "\"},\"target\":{\"kind\":\"Node\",\"name\":\""
                        + node + "\"}}");
    }

    /** Every pod of the namespace: name → node (null while pending); retried while the API server is away. */
    Map<String, String> placements() {
        return Eventually.value(WAIT, "the pods of " + namespace + " are listed", () -> {
            try {
                return placementsOnce();
            } catch (RuntimeException apiServerAway) {
                return null;
            }
        });
    }

    private Map<String, String> placementsOnce() {
        Map<String, String> out = new LinkedHashMap<>();
        JsonArray items = AdminApi.get().call("GET", "/api/v1/namespaces/" + namespace + "/pods", null).getAsJsonArray("items");
        for (JsonElement item : items) {
            JsonObject pod = item.getAsJsonObject();
            JsonObject spec = pod.getAsJsonObject("spec");
            out.put(pod.getAsJsonObject("metadata").get("name").getAsString(), spec.has("nodeName") ? spec.get("nodeName").getAsString() : null);
        }
        return out;
    }

    /** Changes a label of the node: kube-scheduler retries the pods it could not place when a node changes. */
    void touch(String node) {
        AdminApi.get().call("PATCH", "/api/v1/nodes/" + node, "{\"metadata\":{\"labels\":{\"kubegpu.io/e2e-touched\":\"" + System.nanoTime() + "\"}}}");
    }

    /** Force-deletes every pod of the namespace (bound ones too: no kubelet confirms a graceful deletion). */
    void deleteAllPods() {
        List<String> names = new ArrayList<>(placements().keySet());
        for (String name : names) {
            AdminApi.get().send("DELETE", "/api/v1/namespaces/" + namespace + "/pods/" + name,
                    "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0}");
        }
    }

    @Override
    public void close() {
        deleteAllPods();
        cluster.close();
    }
}
