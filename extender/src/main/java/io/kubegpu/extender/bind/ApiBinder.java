package io.kubegpu.extender.bind;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.kubegpu.api.LogSafe;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.GpuAssignment;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.KubePodList;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.Reservation;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.PodDemand;
import io.kubegpu.extender.wire.BindArgs;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Binding;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds through the API server. For shared GPUs: reserve the slice, then create the Binding carrying the assignment
 * annotations (ours and gpushare's), which the API server writes onto the pod together with its node. Whole-GPU pods
 * need only the Binding.
 *
 * <p>Safe to retry: a pod already bound to the node counts as bound, and a retry keeps the GPU this process chose in
 * the interrupted attempt when it still fits. Assignment annotations found on a pod are never trusted on their own:
 * anyone who creates a pod can write them, so only an assignment this process wrote is reused (and re-checked), and
 * anything else is replaced by a fresh decision. One API write per pod, never throttled by us.
 */
public final class ApiBinder implements Binder {
    private static final Logger LOG = LoggerFactory.getLogger(ApiBinder.class);

    private final CoreV1Api api;
    private final GenericKubernetesApi<KubePod, KubePodList> pods;
    private final ClusterState state;
    private final GpuAllocator allocator;
    private final DemandReader demands;
    private final PodCache cache;
    private final ClusterConfig config;
    private final BindGate gate;
    private final Clock clock;
    /** The assignments this process wrote, by pod UID: the only ones a retried bind may keep. */
    private final Cache<String, Written> written = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(Duration.ofMinutes(15))
            // Maintenance on the binding thread, as PodCache does: no hand-off to the common pool per share.
            .executor(Runnable::run).build();

    private record Written(String node, List<GpuSlice> slices) {
    }

    public ApiBinder(ApiClient client, ClusterState state, GpuAllocator allocator, DemandReader demands, PodCache cache, ClusterConfig config,
                     BindGate gate, Clock clock) {
        this.api = new CoreV1Api(client);
        this.state = state;
        this.pods = new GenericKubernetesApi<>(KubePod.class, KubePodList.class, "", "v1", "pods", client);
        this.allocator = allocator;
        this.demands = demands;
        this.cache = cache;
        this.config = config;
        this.gate = gate;
        this.clock = clock;
    }

    @Override
    public String bind(BindArgs args) throws IOException {
        // A retry of a bind that already happened: the watch shows the pod bound. Answer as before, and do not
        // allocate again (the pod in the filter cache predates its assignment annotations).
        GpuPod bound = args.podUid() == null ? null : state.pod(args.podUid());
        if (bound != null && bound.nodeName() != null) {
            return bound.nodeName().equals(args.node()) ? "" : "pod " + args.podKey() + " is already bound to " + bound.nodeName();
        }
        KubePod pod = cache.get(args.podUid()).orElse(null);
        if (pod == null) {
            var response = pods.get(args.podNamespace(), args.podName());
            if (!response.isSuccess()) {
                return "cannot read pod " + args.podKey() + ": HTTP " + response.getHttpStatusCode();
            }
            pod = response.getObject();
        }
        PodDemand demand = demands.read(pod);
        Optional<String> refused = gate.refusal(args, pod, demand);
        if (refused.isPresent()) {
            LOG.info("refused to bind {} to {}: {}", LogSafe.quote(args.podKey()), LogSafe.quote(args.node()), LogSafe.quote(refused.get()));
            return refused.get();
        }
        List<GpuSlice> preferred = preferredSlices(args);
        GpuAllocator.Allocation allocation = allocator.allocate(demand, args.node(), preferred);
        if (!allocation.succeeded()) {
            return allocation.verdict().reason();
        }
        try {
            Map<String, String> annotations = demand.kind() == PodDemand.Kind.SHARED ? assignment(args, allocation.verdict().slices()) : Map.of();
            String error = createBinding(args, annotations);
            if (!error.isEmpty()) {
                allocator.release(args.podUid());
            } else if (!annotations.isEmpty() && args.podUid() != null) {
                written.put(args.podUid(), new Written(args.node(), allocation.verdict().slices()));
                LOG.debug("bound {} to {} GPUs {} for {}", args.podKey(), args.node(), allocation.verdict().slices(), demand.describe());
            }
            return error;
        } catch (IOException | RuntimeException e) {
            allocator.release(args.podUid());
            throw e;
        }
    }

    /**
     * The card to keep when it still fits: the one an interrupted bind of this process wrote, else the one the filter held
     * for the pod on this node (its choice already counted by the next pods' filters). Empty: choose afresh.
     */
    private List<GpuSlice> preferredSlices(BindArgs args) {
        if (args.podUid() == null) {
            return List.of();
        }
        Written earlier = written.getIfPresent(args.podUid());
        if (earlier != null && earlier.node().equals(args.node())) {
            return earlier.slices();
        }
        return state.reservation(args.podUid()).filter(held -> held.nodeName().equals(args.node())).map(Reservation::slices).orElse(List.of());
    }

    /** The assignment annotations of a share: ours, and the gpushare device plugin's. */
    private Map<String, String> assignment(BindArgs args, List<GpuSlice> slices) {
        Map<String, String> values = new java.util.LinkedHashMap<>(GpuAssignment.annotations(args.node(), slices, clock.instant()));
        GpuSlice first = slices.get(0);
        int unit = config.gpushare().memoryUnitMiB();
        values.put(GpuAssignment.GPUSHARE_INDEX, Integer.toString(first.index()));
        values.put(GpuAssignment.GPUSHARE_POD_MEMORY, Integer.toString((first.memoryMiB() + unit - 1) / unit));
        values.put(GpuAssignment.GPUSHARE_ASSIGNED, "false");
        values.put(GpuAssignment.GPUSHARE_ASSUME_TIME, Long.toString(clock.millis() * 1_000_000L));
        return values;
    }

    /**
     * Creates the Binding through {@code POST /api/v1/namespaces/NS/pods/NAME/binding}, with a share's assignment as the
     * Binding's annotations: the API server copies a Binding's annotations onto the pod in the same write that sets its node,
     * so the pod is never seen bound without its GPU, and a share costs one API write, as a whole-GPU pod does. The API
     * server answers with a Status that client-java will not decode as a Binding, so the HTTP status is checked instead.
     * 409 means the pod is already bound: fine when it is bound to this node (a retry), an error otherwise.
     */
    private String createBinding(BindArgs args, Map<String, String> annotations) throws IOException {
        V1ObjectMeta metadata = new V1ObjectMeta().name(args.podName()).namespace(args.podNamespace()).uid(args.podUid());
        if (!annotations.isEmpty()) {
            metadata.annotations(annotations);
        }
        V1Binding binding = new V1Binding().metadata(metadata).target(new V1ObjectReference().kind("Node").apiVersion("v1").name(args.node()));
        // The pod's binding subresource (pods/binding, what the chart grants and kube-scheduler itself uses), not the
        // namespace's bindings collection: that one needs a right the standalone extender's ServiceAccount does not have.
        try (Response response = api.createNamespacedPodBinding(args.podName(), args.podNamespace(), binding).buildCall(null).execute()) {
            if (response.code() == 201 || response.code() == 200) {
                return "";
            }
            if (response.code() == 409) {
                var current = pods.get(args.podNamespace(), args.podName());
                String boundTo = current.isSuccess() ? current.getObject().nodeName() : null;
                if (args.node().equals(boundTo)) {
                    return "";
                }
                return "pod " + args.podKey() + " is already bound to " + boundTo;
            }
            return "creating the binding of " + args.podKey() + " to " + args.node() + " failed: HTTP " + response.code() + " " + body(response);
        } catch (io.kubernetes.client.openapi.ApiException e) {
            throw new IOException(e);
        }
    }

    private static String body(Response response) throws IOException {
        String text = response.body() == null ? "" : response.body().string();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
