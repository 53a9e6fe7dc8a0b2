package io.kubegpu.cluster.kube;

import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuPod;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds {@link ClusterState} from the API server with the official client's informers: one for
 * Nodes, one for Pods in all namespaces. The client's reflector relists after a watch ends or the
 * server answers 410 Gone, so the state recovers from API server restarts without our help.
 *
 * <p>The state is marked synced once both informers have delivered their initial list; until then
 * readiness is false.
 */
public final class KubeClusterWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubeClusterWatcher.class);

    private final SharedInformerFactory factory;
    private final ClusterState state;
    private final NodeMapper nodes;
    private final PodMapper pods;
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "cluster-state-housekeeping");
        thread.setDaemon(true);
        return thread;
    });
    private final SharedIndexInformer<KubeNode> nodeInformer;
    private final SharedIndexInformer<KubePod> podInformer;
    /** Objects our handlers have processed; see {@link #caughtUp}. */
    private final AtomicLong nodesHandled = new AtomicLong();
    private final AtomicLong podsHandled = new AtomicLong();
    private volatile boolean synced;

    public KubeClusterWatcher(ApiClient client, ClusterState state, ClusterConfig config) {
        MetadataTrimming.install();
        this.factory = new SharedInformerFactory(client);
        this.state = state;
        this.nodes = new NodeMapper(config);
        this.pods = new PodMapper(config);
        var nodeApi = new GenericKubernetesApi<>(KubeNode.class, KubeNodeList.class, "", "v1", "nodes", client);
        var podApi = new GenericKubernetesApi<>(KubePod.class, KubePodList.class, "", "v1", "pods", client);
        this.nodeInformer = factory.sharedIndexInformerFor(nodeApi, KubeNode.class, 0);
        this.podInformer = factory.sharedIndexInformerFor(podApi, KubePod.class, 0);
        nodeInformer.addEventHandler(new Handler<>(this::applyNode, this::removeNode, nodesHandled));
        podInformer.addEventHandler(new Handler<>(this::applyPod, this::removePod, podsHandled));
    }

    /** Starts watching; returns at once. Reservations are expired every second from here on. */
    public void start() {
        factory.startAllRegisteredInformers();
        housekeeping.scheduleWithFixedDelay(this::housekeep, 100, 100, TimeUnit.MILLISECONDS);
    }

    private void housekeep() {
        try {
            if (!synced) {
                // Once synced, stay ready: after a relist the informer redelivers and the state catches up.
                synced = caughtUp(nodeInformer, nodesHandled) && caughtUp(podInformer, podsHandled);
                state.markSynced(synced);
            }
            state.expireReservations();
        } catch (RuntimeException e) {
            LOG.warn("cluster state housekeeping failed", e);
        }
    }

    /**
     * The informer has listed everything and our handler has processed at least as many objects as its
     * cache holds. {@code hasSynced()} alone is not enough: handlers are fed asynchronously through
     * per-listener queues, so right after it turns true our state may still lack most of the list.
     */
    private static boolean caughtUp(SharedIndexInformer<?> informer, AtomicLong handled) {
        return informer.hasSynced() && handled.get() >= informer.getIndexer().list().size();
    }

    private void applyNode(KubeNode node) {
        try {
            state.upsertNode(nodes.map(node));
        } catch (RuntimeException e) {
            LOG.warn("ignoring node {}: {}", node.getMetadata() == null ? "?" : node.getMetadata().getName(), e.getMessage());
        }
    }

    private void removeNode(KubeNode node) {
        if (node.getMetadata() != null && node.getMetadata().getName() != null) {
            state.deleteNode(node.getMetadata().getName());
        }
    }

    private void applyPod(KubePod pod) {
        Optional<GpuPod> gpuPod = pods.map(pod);
        if (gpuPod.isPresent()) {
            state.upsertPod(gpuPod.get());
        } else if (pod.getMetadata() != null && pod.getMetadata().getUid() != null) {
            // It may have held GPUs in an earlier version (resources cannot change, but be safe).
            state.deletePod(pod.getMetadata().getUid());
        }
    }

    private void removePod(KubePod pod) {
        if (pod.getMetadata() != null && pod.getMetadata().getUid() != null) {
            state.deletePod(pod.getMetadata().getUid());
        }
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        factory.stopAllRegisteredInformers(true);
    }

    private static final class Handler<T extends io.kubernetes.client.common.KubernetesObject> implements ResourceEventHandler<T> {
        private final java.util.function.Consumer<T> apply;
        private final java.util.function.Consumer<T> remove;
        private final AtomicLong added;

        Handler(java.util.function.Consumer<T> apply, java.util.function.Consumer<T> remove, AtomicLong added) {
            this.apply = apply;
            this.remove = remove;
            this.added = added;
        }

        @Override
        public void onAdd(T obj) {
            apply.accept(obj);
            added.incrementAndGet();
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            apply.accept(newObj);
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            remove.accept(obj);
        }
    }
}
