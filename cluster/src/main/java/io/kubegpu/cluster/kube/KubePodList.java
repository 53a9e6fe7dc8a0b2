package io.kubegpu.cluster.kube;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.openapi.models.V1ListMeta;
import java.util.List;

/** The list form the informer's initial LIST of pods returns. */
public final class KubePodList implements KubernetesListObject {
    String apiVersion;
    String kind;
    V1ListMeta metadata;
    List<KubePod> items;

    @Override
    public V1ListMeta getMetadata() {
        return metadata;
    }

    @Override
    public List<KubePod> getItems() {
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
