package io.kubegpu.app.it;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;

/** The running pods a label selector picks, as the stand-ins below see them. */
final class TestPods {
    private TestPods() {
    }

    static List<V1Pod> running(ApiClient client, String namespace, String selector) throws Exception {
        return new CoreV1Api(client).listNamespacedPod(namespace).labelSelector(selector).execute().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                .toList();
    }
}
