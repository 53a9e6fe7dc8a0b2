package io.kubegpu.cluster.it;

import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.PatchUtils;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the kubelet's part for the test control plane, where no kubelet can run: a pod bound to one of its nodes is
 * marked Running and Ready (what Deployments, ReplicaSets and the HorizontalPodAutoscaler wait for), and a pod whose
 * graceful deletion began is deleted for good (what a kubelet confirms once its containers stopped). Nothing else of a
 * kubelet is imitated: no containers, no node status, no resource accounting.
 *
 * <p>It polls the API (every 200 ms) rather than watching: simple, and quick enough for tests that wait on conditions.
 */
public final class NodeAgent implements AutoCloseable {
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private final CoreV1Api api;
    private final Set<String> nodes;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "test-node-agent");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<String> started = ConcurrentHashMap.newKeySet();

    /** Acts for the pods bound to {@code nodes} (names as created, e.g. by {@link TestCluster#createNode}). */
    public NodeAgent(ApiClient client, Set<String> nodes) {
        this.api = new CoreV1Api(client);
        this.nodes = Set.copyOf(nodes);
    }

    public NodeAgent start() {
        loop.scheduleWithFixedDelay(this::pass, 0, 200, TimeUnit.MILLISECONDS);
        return this;
    }

    private void pass() {
        try {
            List<V1Pod> pods = api.listPodForAllNamespaces().execute().getItems();
            for (V1Pod pod : pods) {
                String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
                if (node == null || !nodes.contains(node)) {
                    continue;
                }
                if (pod.getMetadata().getDeletionTimestamp() != null) {
                    api.deleteNamespacedPod(pod.getMetadata().getName(), pod.getMetadata().getNamespace()).gracePeriodSeconds(0).execute();
                } else if (pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase())) {
                    if (started.add(pod.getMetadata().getUid())) {
                        markRunning(pod);
                    }
                }
            }
        } catch (ApiException | RuntimeException e) {
            // The API server may be restarting in a fault test: try again at the next pass.
        }
    }

    private void markRunning(V1Pod pod) throws ApiException {
        String now = OffsetDateTime.now(ZoneOffset.UTC).format(RFC3339);
        String patch = """
                {"status":{"phase":"Running","startTime":"%1$s","podIP":"10.244.0.1",
                 "conditions":[{"type":"PodScheduled","status":"True","lastTransitionTime":"%1$s"},
                               {"type":"Initialized","status":"True","lastTransitionTime":"%1$s"},
                               {"type":"ContainersReady","status":"True","lastTransitionTime":"%1$s"},
                               {"type":"Ready","status":"True","lastTransitionTime":"%1$s"}]}}""".formatted(now);
        try {
            PatchUtils.patch(V1Pod.class, () -> api.patchNamespacedPodStatus(pod.getMetadata().getName(), pod.getMetadata().getNamespace(),
                    new V1Patch(patch)).buildCall(null), V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH, api.getApiClient());
        } catch (ApiException e) {
            started.remove(pod.getMetadata().getUid()); // Try again at the next pass.
            throw e;
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
