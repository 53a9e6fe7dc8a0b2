package io.kubegpu.cluster.model;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;

/** The envelope every trimmed wire model shares: apiVersion, kind and metadata. */
public abstract class KubeObject implements KubernetesObject {
    String apiVersion;
    String kind;
    V1ObjectMeta metadata;

    @Override
    public V1ObjectMeta getMetadata() {
        return metadata;
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
