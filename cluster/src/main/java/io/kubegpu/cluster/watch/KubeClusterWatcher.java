package io.kubegpu.cluster.watch;

import io.kubegpu.api.LogSafe;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.KubeList;
import io.kubegpu.cluster.model.KubeNode;
import io.kubegpu.cluster.model.KubeNodeList;
import io.kubegpu.cluster.model.KubeObject;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.KubePodList;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.cluster.model.NodeMapper;
import io.kubegpu.cluster.model.PodMapper;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.PendingPod;
import io.kubegpu.cluster.state.PendingPods;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds {@link ClusterState} from the API server with the official client's informers: one for Nodes and, unless
 * only nodes are needed, one for Pods in all namespaces.
 *
 * <p>Every LIST (the first, and each relist after a watch expired or the API server restarted) is applied to the
 * state whole, in one step, by {@link SyncingListerWatcher}. The state is synced only while each informer's latest
 * list is applied: it turns unsynced when a relist begins and synced again once that list is in, so nobody decides
 * on a state that misses pods bound while the watch was down. Watch events in between are applied one by one; an
 * object that cannot be read is logged and skipped, never allowed to stop the others.
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
    private final SharedIndexInformer<KubePod> podInformer;
    /** The GPU pods waiting for a node, or null when nobody reads them. */
    private final PendingPods pending;
    private final Clock clock;
    private final Object syncLock = new Object();
    private boolean nodesListed;
    private boolean podsListed;
    private final List<PodListener> podListeners;
    /** Keeps late watch events from undoing a newer list (see {@link AppliedVersions}). */
    private final AppliedVersions podVersions = new AppliedVersions();

    /**
     * Told about every pod the watch delivers besides the state (e.g. the webhook's quota ledger, which counts pending pods
     * too): each list whole, then each change. Called on the informer's thread, in order; must not block.
     */
    public interface PodListener {
        /** A relist begins: what was delivered may be stale until {@link #listed}. */
        default void listing() {
        }

        /** Every pod, as one fresh list. */
        void listed(List<KubePod> pods);

        /** A pod added or changed. */
        void changed(KubePod pod);

        /** A pod deleted. */
        void deleted(KubePod pod);
    }

    /** Watches nodes and pods. */
    public KubeClusterWatcher(ApiClient client, ClusterState state, ClusterConfig config) {
        this(client, state, config, true);
    }

    /**
     * @param watchPods false when only the nodes matter (the webhook judges requests against the nodes' GPUs): no pod
     *                  list is held in memory
     */
    public KubeClusterWatcher(ApiClient client, ClusterState state, ClusterConfig config, boolean watchPods) {
        this(client, state, config, watchPods, null, Clock.systemUTC(), List.of());
    }

    /**
     * @param pending      where the GPU pods waiting for a node are kept (the console's scheduling queue), or null to keep none
     * @param clock        when a pod was first seen, for pods without a creation time
     * @param podListeners told of every pod besides the state (when {@code watchPods})
     */
    public KubeClusterWatcher(ApiClient client, ClusterState state, ClusterConfig config, boolean watchPods, PendingPods pending, Clock clock,
                              List<PodListener> podListeners) {
        MetadataTrimming.install();
        this.pending = watchPods ? pending : null;
        this.clock = clock;
        this.podListeners = List.copyOf(podListeners);
        if (!watchPods && !this.podListeners.isEmpty()) {
            throw new IllegalArgumentException("pod listeners need the pods watched");
        }
        this.factory = new SharedInformerFactory(client);
        this.state = state;
        this.nodes = new NodeMapper(config);
        this.pods = new PodMapper(config);
        var nodeApi = new GenericKubernetesApi<>(KubeNode.class, KubeNodeList.class, "", "v1", "nodes", client);
        SharedIndexInformer<KubeNode> nodeInformer = factory.sharedIndexInformerFor(
                new SyncingListerWatcher<>(nodeApi, listener(this::applyNodeList, () -> nodesListed = true)), KubeNode.class, 0);
        nodeInformer.addEventHandler(new Handler<>(this::applyNode, this::removeNode));
        if (watchPods) {
            var podApi = new GenericKubernetesApi<>(KubePod.class, KubePodList.class, "", "v1", "pods", client);
            podInformer = factory.sharedIndexInformerFor(
                    new SyncingListerWatcher<>(podApi, listener(this::applyPodList, () -> podsListed = true,
                            () -> this.podListeners.forEach(PodListener::listing))), KubePod.class, 0);
            podInformer.addEventHandler(new Handler<>(this::applyPod, this::removePod));
        } else {
            podInformer = null;
            podsListed = true;
        }
    }

    /** Starts watching; returns at once. Reservations whose time is up are dropped every 100 ms from here on. */
    public void start() {
        factory.startAllRegisteredInformers();
        housekeeping.scheduleWithFixedDelay(this::housekeep, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** The pod as the informer last saw it, by {@code namespace/name}; empty when it does not exist (or pods are not watched). */
    public Optional<KubePod> pod(String namespace, String name) {
        return podInformer == null ? Optional.empty() : Optional.ofNullable(podInformer.getIndexer().getByKey(namespace + "/" + name));
    }

    /** Whether pods are watched, so {@link #pod} answers. */
    public boolean watchesPods() {
        return podInformer != null;
    }

    private void housekeep() {
        try {
            state.expireReservations();
        } catch (RuntimeException e) {
            LOG.warn("cluster state housekeeping failed", e);
        }
    }

    private <L extends KubeList<?>> SyncingListerWatcher.Listener<L> listener(Consumer<L> apply, Runnable markListed) {
        return listener(apply, markListed, () -> {
        });
    }

    private <L extends KubeList<?>> SyncingListerWatcher.Listener<L> listener(Consumer<L> apply, Runnable markListed, Runnable onListing) {
        return new SyncingListerWatcher.Listener<>() {
            @Override
            public void listing() {
                synchronized (syncLock) {
                    state.markSynced(false);
                }
                onListing.run();
            }

            @Override
            public void listed(L list) {
                apply.accept(list);
                synchronized (syncLock) {
                    markListed.run();
                    state.markSynced(nodesListed && podsListed);
                }
            }
        };
    }

    private void applyNodeList(KubeNodeList list) {
        List<GpuNode> mapped = new ArrayList<>(list.getItems().size());
        for (KubeNode node : list.getItems()) {
            safely("node", node, () -> mapped.add(nodes.map(node)));
        }
        state.replaceNodes(mapped);
        LOG.info("listed {} nodes", list.getItems().size());
    }

    private void applyPodList(KubePodList list) {
        List<GpuPod> mapped = new ArrayList<>();
        List<PendingPod> waiting = new ArrayList<>();
        java.time.Instant now = clock.instant();
        for (KubePod pod : list.getItems()) {
            safely("pod", pod, () -> {
                pods.map(pod).ifPresent(mapped::add);
                if (pending != null) {
                    pods.pending(pod, now).ifPresent(waiting::add);
                }
            });
        }
        podVersions.listed(list.getItems());
        state.replacePods(mapped);
        if (pending != null) {
            pending.replaceAll(waiting);
        }
        for (PodListener listener : podListeners) {
            try {
                listener.listed(list.getItems());
            } catch (RuntimeException e) {
                LOG.warn("a pod listener failed on the pod list", e);
            }
        }
        LOG.info("listed {} pods, {} of them GPU pods", list.getItems().size(), mapped.size());
    }

    private void applyNode(KubeNode node) {
        safely("node", node, () -> state.upsertNode(nodes.map(node)));
    }

    private void removeNode(KubeNode node) {
        if (node.getMetadata() != null && node.getMetadata().getName() != null) {
            state.deleteNode(node.getMetadata().getName());
        }
    }

    private void applyPod(KubePod pod) {
        if (podVersions.staleOrRecord(pod)) {
            // Older than the list applied since (see AppliedVersions): the state already holds something newer.
            LOG.debug("skipping a late event for pod {} at resourceVersion {}", pod.uid(), pod.getMetadata().getResourceVersion());
            return;
        }
        safely("pod", pod, () -> {
            Optional<GpuPod> gpuPod = pods.map(pod);
            if (gpuPod.isPresent()) {
                state.upsertPod(gpuPod.get());
            } else if (pod.getMetadata() != null && pod.getMetadata().getUid() != null) {
                // It may have held GPUs in an earlier version (resources cannot change, but be safe).
                state.deletePod(pod.getMetadata().getUid());
            }
            if (pending != null) {
                Optional<PendingPod> waiting = pods.pending(pod, clock.instant());
                if (waiting.isPresent()) {
                    pending.upsert(waiting.get());
                } else if (pod.uid() != null) {
                    pending.remove(pod.uid());
                }
            }
        });
        podListeners.forEach(listener -> safely("pod", pod, () -> listener.changed(pod)));
    }

    private void removePod(KubePod pod) {
        podVersions.removed(pod);
        if (pod.getMetadata() != null && pod.getMetadata().getUid() != null) {
            state.deletePod(pod.getMetadata().getUid());
            if (pending != null) {
                pending.remove(pod.getMetadata().getUid());
            }
        }
        podListeners.forEach(listener -> safely("pod", pod, () -> listener.deleted(pod)));
    }

    /** Runs one object's update; an object we cannot read is skipped with a warning, so it never stops the others. */
    private static void safely(String kind, KubeObject object, Runnable update) {
        try {
            update.run();
        } catch (RuntimeException e) {
            String name = object.getMetadata() == null ? "?" : object.getMetadata().getNamespace() == null ? object.getMetadata().getName()
                    : object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
            LOG.warn("ignoring {} {}: {}", kind, LogSafe.quote(name), LogSafe.quote(String.valueOf(e.getMessage())));
        }
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        factory.stopAllRegisteredInformers(true);
    }

    private static final class Handler<T extends KubeObject> implements ResourceEventHandler<T> {
        private final Consumer<T> apply;
        private final Consumer<T> remove;

        Handler(Consumer<T> apply, Consumer<T> remove) {
            this.apply = apply;
            this.remove = remove;
        }

        @Override
        public void onAdd(T obj) {
            apply.accept(obj);
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
