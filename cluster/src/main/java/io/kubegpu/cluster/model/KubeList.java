package io.kubegpu.cluster.model;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ListMeta;
import java.util.List;

/**
 * The list form an informer's LIST returns. Concrete subclasses fix {@code T}, which Gson needs to decode
 * the items (it resolves the type variable from the subclass).
 */
public abstract class KubeList<T extends KubernetesObject> implements KubernetesListObject {
    String apiVersion;
    String kind;
    V1ListMeta metadata;
    List<T> items;

    @Override
    public V1ListMeta getMetadata() {
        return metadata;
    }

    @Override
    public List<T> getItems() {
        return items == null ? List.of() : items;
    }

    @Override
    public String getApiVersion() {
        return apiVersion;
    }

    @Override
    public String getKind() {
        return kind;
    }
}
