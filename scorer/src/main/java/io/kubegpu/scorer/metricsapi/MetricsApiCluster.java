package io.kubegpu.scorer.metricsapi;

import io.vertx.core.Future;
import java.util.Map;

/** What serving custom.metrics.k8s.io needs from the cluster: the app answers it with the Kubernetes API. */
public interface MetricsApiCluster {
    /** The front proxy's authentication settings as they are now, or null until they were read once. */
    RequestHeaderConfig authentication();

    /** Whether {@code caller} may do {@code access} (a SubjectAccessReview). */
    Future<Boolean> authorize(Caller caller, Access access);

    /**
     * The pods of {@code namespace} that {@code labelSelector} selects (every pod when empty), each with the GPU memory it
     * was assigned per GPU index (empty for pods holding whole GPUs).
     */
    Future<Map<String, Map<Integer, Integer>>> pods(String namespace, String labelSelector);
}
