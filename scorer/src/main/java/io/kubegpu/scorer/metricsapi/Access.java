package io.kubegpu.scorer.metricsapi;

/**
 * What a request asks to do, in SubjectAccessReview terms: a resource ({@code get} of {@code pods/METRIC} in a
 * namespace, as the generic API server reads {@code .../namespaces/NS/pods/NAME/METRIC}) or a non-resource path
 * (discovery).
 *
 * @param resource null for a non-resource request
 */
public record Access(String verb, String path, String group, String version, String namespace, String resource, String subresource, String name) {
    public static Access path(String path) {
        return new Access("get", path, null, null, null, null, null, null);
    }

    public boolean nonResource() {
        return resource == null;
    }
}
