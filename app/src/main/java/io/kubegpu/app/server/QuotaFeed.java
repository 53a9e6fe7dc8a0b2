package io.kubegpu.app.server;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.PodMapper;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.cluster.watch.KubeClusterWatcher;
import io.kubegpu.request.GpuRequest;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.InvalidGpuRequestException;
import io.kubegpu.request.Vendor;
import io.kubegpu.webhook.mutation.FleetFeasibility;
import io.kubegpu.webhook.quota.GpuUse;
import io.kubegpu.webhook.quota.QuotaLedger;
import io.kubegpu.webhook.quota.Ticket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Feeds the quota ledger from the pod watch: every pod that asks for GPU resources, pending or bound, with what it asks
 * for (its resources; its {@code kubegpu.io/gpu} string for the models it may land on), its node's model once bound, and
 * the ticket it was admitted with. Pods count by their resources, so a pod that went around the webhook still counts.
 */
final class QuotaFeed implements KubeClusterWatcher.PodListener {
    private final QuotaLedger ledger;
    private final ClusterState state;
    private final ClusterConfig cluster;
    private final PodMapper pods;
    private final GpuRequestParser parser;
    private final FleetFeasibility fleet;

    QuotaFeed(QuotaLedger ledger, ClusterState state, ClusterConfig cluster, GpuRequestParser parser, FleetFeasibility fleet) {
        this.ledger = ledger;
        this.state = state;
        this.cluster = cluster;
        this.pods = new PodMapper(cluster);
        this.parser = parser;
        this.fleet = fleet;
    }

    @Override
    public void listing() {
        ledger.markSynced(false);
    }

    @Override
    public void listed(List<KubePod> list) {
        List<QuotaLedger.SeenPod> seen = new ArrayList<>();
        for (KubePod pod : list) {
            seen(pod).ifPresent(seen::add);
        }
        ledger.podsListed(seen);
        ledger.markSynced(true);
    }

    @Override
    public void changed(KubePod pod) {
        Optional<QuotaLedger.SeenPod> seen = seen(pod);
        if (seen.isPresent()) {
            ledger.podSeen(seen.get());
        } else if (pod.uid() != null) {
            ledger.podGone(pod.uid());
        }
    }

    @Override
    public void deleted(KubePod pod) {
        if (pod.uid() != null) {
            ledger.podGone(pod.uid());
        }
    }

    /** The pod as the ledger counts it; empty for a pod that asks for no GPU resource. */
    Optional<QuotaLedger.SeenPod> seen(KubePod pod) {
        if (pod.uid() == null || pod.name() == null) {
            return Optional.empty();
        }
        String namespace = pod.namespace() == null ? "default" : pod.namespace();
        Map<String, Long> requests = pods.effectiveRequests(pod);
        GpuRequest request = null;
        String text = pod.annotations().get(io.kubegpu.api.Annotations.GPU);
        if (text != null) {
            try {
                request = parser.parse(text);
            } catch (InvalidGpuRequestException e) {
                request = null; // Counted by its resources alone, as a pod that may land on any model.
            }
        }
        Set<String> modelIds = Set.of();
        boolean anyModel = true;
        String vendor = cluster.vendors().defaultVendor().name();
        if (request != null) {
            GpuUse named = GpuUse.requested(namespace, request, 0, 0, cluster.catalog(), cluster.vendors());
            modelIds = named.modelIds();
            anyModel = named.anyModel();
            vendor = named.vendor();
        }
        long milli = 0;
        long sharedMiB = 0;
        for (Vendor candidate : cluster.vendors().all()) {
            long count = requests.getOrDefault(candidate.resource(), 0L);
            if (count > 0) {
                milli = count * 1000;
                vendor = candidate.name();
                break;
            }
        }
        String node = pod.nodeName();
        GpuNode gpuNode = node == null ? null : Optional.ofNullable(state.snapshot().nodeOrNull(node)).map(NodeState::node).orElse(null);
        if (milli == 0) {
            long units = requests.getOrDefault(cluster.gpushare().memoryResource(), 0L);
            if (units == 0) {
                return Optional.empty();
            }
            sharedMiB = units * cluster.gpushare().memoryUnitMiB();
            milli = request != null && request.isShared() && request.shareMilli() > 0 ? request.shareMilli()
                    : GpuUse.fractionOfCard(sharedMiB, card(request, gpuNode));
        }
        GpuUse use = new GpuUse(namespace, vendor, anyModel, modelIds, milli, sharedMiB, false);
        if (gpuNode != null) {
            use = use.boundTo(gpuNode.model(), gpuNode.model() == null ? null : gpuNode.model().vendor());
        } else if (node != null) {
            // Bound to a node not seen yet: still counted against every model it may be on.
            use = new GpuUse(namespace, vendor, anyModel, modelIds, milli, sharedMiB, true);
        }
        return Optional.of(new QuotaLedger.SeenPod(pod.uid(), namespace + "/" + pod.name(), use, !pod.terminal(),
                pod.annotations().get(Ticket.ANNOTATION), node));
    }

    /** The card a share of memory alone is a part of: its node's, else the smallest it may land on, as the webhook sized it. */
    private int card(GpuRequest request, GpuNode node) {
        if (node != null && node.usableMemoryMiB() > 0) {
            return node.usableMemoryMiB();
        }
        if (request == null) {
            return 0;
        }
        int fromFleet = fleet == null ? 0 : fleet.smallestCardMiB(request).orElse(0);
        return fromFleet > 0 ? fromFleet : GpuUse.smallestNamedCardMiB(request, catalog());
    }

    private GpuCatalog catalog() {
        return cluster.catalog();
    }
}
