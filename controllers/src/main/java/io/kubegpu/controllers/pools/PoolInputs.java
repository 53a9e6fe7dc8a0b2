package io.kubegpu.controllers.pools;

import io.kubegpu.api.Annotations;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.KubeNode;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.NodeMapper;
import io.kubegpu.cluster.model.PodMapper;
import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.extender.decision.DemandReader;
import io.kubegpu.extender.decision.PodDemand;
import io.kubegpu.pools.balance.PoolNode;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.GrammarConfig;
import io.kubegpu.request.Vendor;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the planner needs, read from the watched Nodes, Pods and Namespaces: each pool node's GPUs, GPUs held (whole or
 * shared, as {@code kubegpu_cluster_gpu_allocated} counts them), GPU pods of its own group, cooldown and drain; and each
 * group's pending GPU demand. The GPU accounting is the extender's own ({@link ClusterState} over the same mappers).
 */
final class PoolInputs {
    private static final Logger LOG = LoggerFactory.getLogger(PoolInputs.class);

    /**
     * @param nodes            every GPU node with the pool label
     * @param pending          GPUs (thousandths) asked by each group's pending pods
     * @param resourceVersions each pool node's resourceVersion, the precondition of the balancer's write
     * @param uids             each pool node's uid, for Events
     */
    record Inputs(List<PoolNode> nodes, Map<String, Long> pending, Map<String, String> resourceVersions, Map<String, String> uids) {
    }

    private final ClusterConfig cluster;
    private final NodeMapper nodeMapper;
    private final PodMapper podMapper;
    private final DemandReader demands;
    private final String nodeLabel;
    private final String namespaceLabel;
    private final String publicGroup;
    private final Clock clock;

    PoolInputs(ClusterConfig cluster, String nodeLabel, String namespaceLabel, String publicGroup, Clock clock) {
        this.cluster = cluster;
        this.nodeMapper = new NodeMapper(cluster);
        this.podMapper = new PodMapper(cluster);
        this.demands = new DemandReader(new GpuRequestParser(new GrammarConfig(cluster.vendors(), GrammarConfig.DEFAULT_MAX_GPUS)), cluster);
        this.nodeLabel = nodeLabel;
        this.namespaceLabel = namespaceLabel;
        this.publicGroup = publicGroup;
        this.clock = clock;
    }

    Inputs read(Collection<KubeNode> kubeNodes, Collection<KubePod> kubePods, Map<String, String> groupOfNamespace) {
        ClusterState state = new ClusterState(clock);
        Map<String, GpuNode> gpuNodes = new HashMap<>();
        for (KubeNode node : kubeNodes) {
            try {
                GpuNode mapped = nodeMapper.map(node);
                gpuNodes.put(mapped.name(), mapped);
            } catch (RuntimeException e) {
                LOG.debug("ignoring node {}: {}", node.getMetadata() == null ? "?" : node.getMetadata().getName(), e.getMessage());
            }
        }
        state.replaceNodes(gpuNodes.values());
        List<GpuPod> bound = new ArrayList<>();
        Map<String, Long> pending = new HashMap<>();
        List<KubePod> pendingPods = new ArrayList<>();
        for (KubePod pod : kubePods) {
            Optional<GpuPod> mapped;
            try {
                mapped = podMapper.map(pod);
            } catch (RuntimeException e) {
                continue;
            }
            if (mapped.isEmpty()) {
                continue;
            }
            if (mapped.get().nodeName() != null) {
                bound.add(mapped.get());
            } else if (!mapped.get().terminal()) {
                pendingPods.add(pod);
            }
        }
        state.replacePods(bound);
        ClusterSnapshot snapshot = state.snapshot();

        List<PoolNode> nodes = new ArrayList<>();
        Map<String, String> versions = new HashMap<>();
        Map<String, String> uids = new HashMap<>();
        Map<String, Integer> smallestCard = new HashMap<>();
        for (KubeNode node : kubeNodes) {
            Map<String, String> labels = node.getMetadata() == null || node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
            String group = labels.get(nodeLabel);
            GpuNode gpu = node.getMetadata() == null ? null : gpuNodes.get(node.getMetadata().getName());
            if (group == null || group.isBlank() || gpu == null || gpu.gpuCount() == 0) {
                continue;
            }
            NodeState held = snapshot.nodeOrNull(gpu.name());
            long whole = 0;
            int groupPods = 0;
            if (held != null) {
                for (Vendor vendor : cluster.vendors().all()) {
                    whole += held.used(vendor.resource());
                }
                whole += held.sharedGpusInUse();
                for (GpuPod pod : held.pods()) {
                    groupPods += group.equals(groupOfNamespace.get(pod.namespace())) ? 1 : 0;
                }
            }
            Map<String, String> annotations = node.getMetadata().getAnnotations() == null ? Map.of() : node.getMetadata().getAnnotations();
            String drainingFor = annotations.get(Annotations.POOL_DRAINING_FOR);
            nodes.add(new PoolNode(gpu.name(), group, gpu.ready(), gpu.unschedulable() && drainingFor == null, gpu.gpuCount(),
                    (int) Math.min(gpu.gpuCount(), whole), groupPods, instant(annotations.get(Annotations.POOL_MOVED_AT)), drainingFor));
            versions.put(gpu.name(), node.getMetadata().getResourceVersion());
            uids.put(gpu.name(), node.getMetadata().getUid());
            if (gpu.usableMemoryMiB() > 0) {
                smallestCard.merge(group, gpu.usableMemoryMiB(), Math::min);
            }
        }
        for (KubePod pod : pendingPods) {
            String group = groupOfNamespace.get(pod.namespace() == null ? "default" : pod.namespace());
            if (group == null || group.equals(publicGroup)) {
                continue;
            }
            PodDemand demand = demands.read(pod);
            long milli = switch (demand.kind()) {
                case WHOLE -> demand.count() * 1000L;
                case SHARED -> demand.milli() > 0 ? demand.milli() : shareOfCard(demand.memoryMiB(), smallestCard.getOrDefault(group, 0));
                default -> 0;
            };
            if (milli > 0) {
                pending.merge(group, milli, Long::sum);
            }
        }
        return new Inputs(nodes, pending, versions, uids);
    }

    /** Memory alone as a part of the group's smallest card; a whole card when none is known. */
    private static long shareOfCard(int memoryMiB, int cardMiB) {
        return cardMiB <= 0 ? 1000 : Math.min(1000, Math.max(1, ((long) memoryMiB * 1000 + cardMiB - 1) / cardMiB));
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null; // Not ours, or edited by hand: no cooldown rather than a crash.
        }
    }
}
