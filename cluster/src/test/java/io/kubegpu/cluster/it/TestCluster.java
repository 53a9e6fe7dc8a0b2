package io.kubegpu.cluster.it;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Binding;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.util.PatchUtils;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Creates and removes GPU nodes and pods through the real API, the way a kubelet-less test cluster
 * needs them: nodes with their status (GPUs allocatable, Ready), pods bound through the binding
 * subresource, removed with a forced delete. Every name carries a run-unique suffix.
 */
public final class TestCluster implements AutoCloseable {
    public final CoreV1Api api;
    public final String namespace;
    public final String suffix = UUID.randomUUID().toString().substring(0, 6);
    private final List<String> nodes = new java.util.ArrayList<>();

    public TestCluster(ApiClient client) throws ApiException {
        this.api = new CoreV1Api(client);
        this.namespace = "kubegpu-it-" + suffix;
        api.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(namespace))).execute();
    }

    public String name(String base) {
        return base + "-" + suffix;
    }

    /**
     * Creates a Ready node with GPU labels and allocatable resources; returns its name. A 1.20 API server
     * keeps the status given on create (later status changes need the /status subresource).
     */
    public String createNode(String base, Map<String, String> labels, Map<String, String> allocatable) throws ApiException {
        String name = name(base);
        Map<String, Quantity> resources = new HashMap<>();
        allocatable.forEach((k, v) -> resources.put(k, new Quantity(v)));
        resources.putIfAbsent("pods", new Quantity("110"));
        V1NodeStatus status = new V1NodeStatus().allocatable(resources).capacity(resources).conditions(List.of(new V1NodeCondition()
                .type("Ready").status("True").reason("KubeletReady").lastHeartbeatTime(OffsetDateTime.now())
                .lastTransitionTime(OffsetDateTime.now())));
        api.createNode(new V1Node().metadata(new V1ObjectMeta().name(name).labels(labels)).status(status)).execute();
        synchronized (nodes) {
            nodes.add(name);
        }
        return name;
    }

    public void patchNode(String name, String mergePatch) throws ApiException {
        PatchUtils.patch(V1Node.class, () -> api.patchNode(name, new V1Patch(mergePatch)).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, api.getApiClient());
    }

    public void deleteNode(String name) throws ApiException {
        api.deleteNode(name).execute();
        synchronized (nodes) {
            nodes.remove(name);
        }
    }

    /** Creates a pod whose one container asks for the given resources; returns it. */
    public V1Pod createPod(String base, Map<String, String> limits, Map<String, String> annotations) throws ApiException {
        Map<String, Quantity> quantities = new HashMap<>();
        limits.forEach((k, v) -> quantities.put(k, new Quantity(v)));
        V1Pod pod = new V1Pod()
                .metadata(new V1ObjectMeta().name(name(base)).namespace(namespace).annotations(annotations))
                .spec(new V1PodSpec().containers(List.of(new V1Container().name("main").image("registry.invalid/gpu-job:1")
                        .resources(new V1ResourceRequirements().limits(quantities))))
                        // client-java 27 would send an empty overhead map, which a 1.20 API server refuses without a RuntimeClass.
                        .overhead(null));
        return api.createNamespacedPod(namespace, pod).execute();
    }

    /** Binds a pod to a node as kube-scheduler would. */
    public void bind(V1Pod pod, String nodeName) throws ApiException {
        V1Binding binding = new V1Binding()
                .metadata(new V1ObjectMeta().name(pod.getMetadata().getName()).namespace(namespace))
                .target(new V1ObjectReference().kind("Node").apiVersion("v1").name(nodeName));
        // The API server answers a Binding with a Status, which client-java 27 refuses to decode as V1Binding:
        // send the call and check the HTTP status instead.
        try (okhttp3.Response response = api.createNamespacedBinding(namespace, binding).buildCall(null).execute()) {
            if (response.code() != 201) {
                throw new ApiException(response.code(), "binding " + pod.getMetadata().getName() + " to " + nodeName + " failed: "
                        + (response.body() == null ? "" : response.body().string()));
            }
        } catch (java.io.IOException e) {
            throw new ApiException(e);
        }
    }

    /** Removes a pod at once: there is no kubelet to confirm a graceful deletion. */
    public void forceDelete(V1Pod pod) throws ApiException {
        api.deleteNamespacedPod(pod.getMetadata().getName(), namespace).gracePeriodSeconds(0).execute();
    }

    /** Force-deletes many pods in parallel on {@code pool} and waits for every deletion. */
    public void forceDeleteAll(List<V1Pod> pods, java.util.concurrent.ExecutorService pool) throws Exception {
        List<java.util.concurrent.Future<?>> deleted = new java.util.ArrayList<>();
        for (V1Pod pod : pods) {
            deleted.add(pool.submit(() -> {
                forceDelete(pod);
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> f : deleted) {
            f.get(10, java.util.concurrent.TimeUnit.MINUTES);
        }
    }

    @Override
    public void close() {
        List<String> remaining;
        synchronized (nodes) {
            remaining = List.copyOf(nodes);
        }
        if (remaining.size() > 100) {
            return; // Bulk tests delete their nodes by label in one call.
        }
        for (String node : remaining) {
            try {
                deleteNode(node);
            } catch (ApiException e) {
                // Best effort: a later run uses other names.
            }
        }
        // Workloads first: without a namespace controller the namespace stays Terminating with what it holds, and a
        // controller watching every namespace (autoscale, elastic-shrink) would keep judging this test's leftovers.
        io.kubernetes.client.openapi.apis.AppsV1Api apps = new io.kubernetes.client.openapi.apis.AppsV1Api(api.getApiClient());
        try {
            apps.deleteCollectionNamespacedDeployment(namespace).execute();
            apps.deleteCollectionNamespacedStatefulSet(namespace).execute();
        } catch (ApiException | RuntimeException e) {
            // Best effort, as below.
        }
        try {
            api.deleteNamespace(namespace).execute();
        } catch (ApiException e) {
            // Without a namespace controller the namespace stays Terminating; names are unique per run.
        }
    }
}
