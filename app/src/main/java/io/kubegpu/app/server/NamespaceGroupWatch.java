package io.kubegpu.app.server;

import io.kubegpu.webhook.mutation.NamespaceGroups;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NamespaceList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.util.Map;
import java.util.Optional;

/**
 * The namespaces' groups for the webhook's group pools: a watch of Namespaces (few, small), and a direct read for one the
 * watch has not shown yet (a namespace created a moment before its first pod), so a pod never loses its pool to a lagging
 * watch.
 */
final class NamespaceGroupWatch implements NamespaceGroups, AutoCloseable {
    private final SharedInformerFactory factory;
    private final SharedIndexInformer<V1Namespace> informer;
    private final CoreV1Api reads;
    private final String label;

    /**
     * @param watching a client without a read timeout, for the watch
     * @param requests a client whose calls time out quickly, for direct reads during an admission
     */
    NamespaceGroupWatch(ApiClient watching, ApiClient requests, String label) {
        this.factory = new SharedInformerFactory(watching);
        this.informer = factory.sharedIndexInformerFor(
                new GenericKubernetesApi<>(V1Namespace.class, V1NamespaceList.class, "", "v1", "namespaces", watching), V1Namespace.class, 0);
        this.reads = new CoreV1Api(requests);
        this.label = label;
    }

    void start() {
        factory.startAllRegisteredInformers();
    }

    boolean synced() {
        return informer.hasSynced();
    }

    @Override
    public Optional<String> groupOf(String namespace) {
        V1Namespace cached = informer.getIndexer().getByKey(namespace);
        if (cached == null) {
            try {
                cached = reads.readNamespace(namespace).execute();
            } catch (ApiException e) {
                throw new IllegalStateException(e.getCode() == 0 ? String.valueOf(e.getMessage()) : "reading namespace " + namespace
                        + " answered HTTP " + e.getCode());
            }
        }
        Map<String, String> labels = cached.getMetadata() == null ? null : cached.getMetadata().getLabels();
        String group = labels == null ? null : labels.get(label);
        return group == null || group.isBlank() ? Optional.empty() : Optional.of(group);
    }

    @Override
    public void close() {
        factory.stopAllRegisteredInformers(true);
    }
}
