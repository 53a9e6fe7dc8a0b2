package io.kubegpu.app.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import io.kubegpu.cluster.model.GpuAssignment;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.scorer.metricsapi.Access;
import io.kubegpu.scorer.metricsapi.Caller;
import io.kubegpu.scorer.metricsapi.MetricsApiCluster;
import io.kubegpu.scorer.metricsapi.RequestHeaderConfig;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AuthorizationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1NonResourceAttributes;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1ResourceAttributes;
import io.kubernetes.client.openapi.models.V1SubjectAccessReview;
import io.kubernetes.client.openapi.models.V1SubjectAccessReviewSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster side of custom.metrics.k8s.io, through the Kubernetes API: the front proxy's settings from
 * {@code kube-system/extension-apiserver-authentication} (read at start and every minute after, so a rotated CA is
 * followed), SubjectAccessReviews (answers kept 10 s, as the generic API server's webhook authorizer does), and the pods a
 * label selector picks with their assigned GPU memory. Every call runs on a worker thread, never on the event loop.
 */
final class CustomMetricsCluster implements MetricsApiCluster {
    private static final Logger LOG = LoggerFactory.getLogger(CustomMetricsCluster.class);
    static final String NAMESPACE = "kube-system";
    static final String CONFIG_MAP = "extension-apiserver-authentication";
    static final Duration REFRESH = Duration.ofMinutes(1);
    private static final Duration DECISION_TTL = Duration.ofSeconds(10);

    private record Decision(Instant expires, Future<Boolean> allowed) {
    }

    private final Vertx vertx;
    private final ApiClient client;
    private final int gpushareUnitMiB;
    private final Clock clock;
    private final Map<String, Decision> decisions = new ConcurrentHashMap<>();
    private volatile RequestHeaderConfig authentication;

    CustomMetricsCluster(Vertx vertx, ApiClient client, int gpushareUnitMiB, Clock clock) {
        this.vertx = vertx;
        this.client = client;
        this.gpushareUnitMiB = gpushareUnitMiB;
        this.clock = clock;
    }

    @Override
    public RequestHeaderConfig authentication() {
        return authentication;
    }

    /** Reads the front proxy's settings now (blocking); throws when they cannot be read or are not usable. */
    void refresh() throws Exception {
        V1ConfigMap map = new CoreV1Api(client).readNamespacedConfigMap(CONFIG_MAP, NAMESPACE).execute();
        authentication = parse(map.getData() == null ? Map.of() : map.getData());
    }

    /** Refreshes on a worker thread, keeping the settings it had when the read fails. */
    void refreshLater() {
        vertx.executeBlocking(() -> {
            try {
                refresh();
            } catch (Exception e) {
                LOG.warn("cannot read {}/{} (keeping the front-proxy settings read before): {}", NAMESPACE, CONFIG_MAP, Server.rootMessage(e));
            }
            return null;
        }, false);
    }

    static RequestHeaderConfig parse(Map<String, String> data) throws Exception {
        String pem = data.get("requestheader-client-ca-file");
        if (pem == null || pem.isBlank()) {
            throw new IllegalStateException(NAMESPACE + "/" + CONFIG_MAP + " has no requestheader-client-ca-file: the API server runs without "
                    + "--requestheader-client-ca-file, so it cannot call aggregated API servers");
        }
        List<X509Certificate> cas = new ArrayList<>();
        for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)))) {
            cas.add((X509Certificate) certificate);
        }
        return new RequestHeaderConfig(cas, new LinkedHashSet<>(list(data, "requestheader-allowed-names")), list(data, "requestheader-username-headers"),
                list(data, "requestheader-group-headers"), list(data, "requestheader-extra-headers-prefix"));
    }

    private static List<String> list(Map<String, String> data, String key) {
        String json = data.get(key);
        List<String> out = new ArrayList<>();
        if (json != null && !json.isBlank()) {
            JsonArray array = JsonParser.parseString(json).getAsJsonArray();
            array.forEach(e -> out.add(e.getAsString()));
        }
        return out;
    }

    @Override
    public Future<Boolean> authorize(Caller caller, Access access) {
        Instant now = clock.instant();
        String key = caller + "|" + access;
        Decision cached = decisions.get(key);
        if (cached != null && cached.expires().isAfter(now) && !cached.allowed().failed()) {
            return cached.allowed();
        }
        if (decisions.size() > 10_000) {
            decisions.clear();
        }
        Future<Boolean> allowed = vertx.executeBlocking(() -> review(caller, access), false);
        decisions.put(key, new Decision(now.plus(DECISION_TTL), allowed));
        return allowed;
    }

    private boolean review(Caller caller, Access access) throws Exception {
        V1SubjectAccessReviewSpec spec = new V1SubjectAccessReviewSpec().user(caller.user()).groups(caller.groups());
        if (!caller.extra().isEmpty()) {
            spec.extra(new HashMap<>(caller.extra()));
        }
        if (access.nonResource()) {
            spec.nonResourceAttributes(new V1NonResourceAttributes().path(access.path()).verb(access.verb()));
        } else {
            spec.resourceAttributes(new V1ResourceAttributes().verb(access.verb()).group(access.group()).version(access.version())
                    .namespace(access.namespace()).resource(access.resource()).subresource(access.subresource()).name(access.name()));
        }
        V1SubjectAccessReview review = new AuthorizationV1Api(client).createSubjectAccessReview(
                new V1SubjectAccessReview().apiVersion("authorization.k8s.io/v1").kind("SubjectAccessReview").spec(spec)).execute();
        return review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
    }

    @Override
    public Future<Map<String, Map<Integer, Integer>>> pods(String namespace, String labelSelector) {
        return vertx.executeBlocking(() -> {
            var request = new CoreV1Api(client).listNamespacedPod(namespace);
            if (!labelSelector.isEmpty()) {
                request.labelSelector(labelSelector);
            }
            Map<String, Map<Integer, Integer>> out = new HashMap<>();
            for (V1Pod pod : request.execute().getItems()) {
                Map<Integer, Integer> assigned = new HashMap<>();
                Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations();
                String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
                if (node != null) {
                    for (GpuSlice slice : GpuAssignment.read(annotations, node, gpushareUnitMiB)) {
                        assigned.merge(slice.index(), slice.memoryMiB(), Integer::sum);
                    }
                }
                out.put(pod.getMetadata().getName(), assigned);
            }
            return out;
        }, false);
    }
}
