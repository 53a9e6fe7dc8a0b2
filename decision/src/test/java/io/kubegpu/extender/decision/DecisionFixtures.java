package io.kubegpu.extender.decision;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.cluster.fixtures.GpuNodes;
import io.kubegpu.cluster.fixtures.GpuPods;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequestParser;
import io.kubernetes.client.openapi.JSON;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** Builders shared by the decision tests: nodes, usage and pods as the filter sees them. */
final class DecisionFixtures {
    static final String GPU = "nvidia.com/gpu";
    static final String GPU_MEM = "aliyun.com/gpu-mem";
    static final ClusterConfig CONFIG = ClusterConfig.defaults();
    static final DemandReader DEMANDS = new DemandReader(GpuRequestParser.defaults(), CONFIG);
    static final GpuFit FIT = new GpuFit(new MemoryGuard(GpuCatalog.builtIn()), CONFIG.vendors().all());

    static {
        MetadataTrimming.install();
    }

    private DecisionFixtures() {
    }

    /** A Ready node of a catalog model: {@code gpus} GPUs of the model's nominal memory. */
    static GpuNode node(String name, String product, int gpus) {
        var model = GpuCatalog.builtIn().resolve(product).orElseThrow();
        return GpuNodes.node(name).model(product).gpus(gpus).allocatable(GPU_MEM, (long) gpus * model.smallest().memoryMiB() / 1024).build();
    }

    /** The usage of a node holding these pods, through the real ClusterState. */
    static NodeState usage(GpuNode node, GpuPod... pods) {
        ClusterState state = new ClusterState(Clock.systemUTC());
        state.upsertNode(node);
        for (GpuPod pod : pods) {
            state.upsertPod(pod);
        }
        return state.snapshot().node(node.name()).orElseThrow();
    }

    static GpuPod whole(String uid, String node, int gpus) {
        return GpuPods.pod(uid).on(node).whole(gpus).build();
    }

    static GpuPod shared(String uid, String node, int index, int memoryMiB, int milli) {
        return GpuPods.pod(uid).on(node).share(index, memoryMiB, milli).build();
    }

    /** A pod carrying the annotation (and, optionally, more annotations as key, value pairs). */
    static PodDemand demand(String gpu, String... annotations) {
        StringBuilder json = new StringBuilder("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"uid\":\"u\",\"annotations\":{");
        json.append("\"kubegpu.io/gpu\":\"").append(gpu).append('"');
        for (int i = 0; i < annotations.length; i += 2) {
            json.append(",\"").append(annotations[i]).append("\":\"").append(annotations[i + 1]).append('"');
        }
        json.append("}},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}");
        return DEMANDS.read(JSON.getGson().fromJson(json.toString(), KubePod.class));
    }

    static PodDemand podJson(String json) {
        return DEMANDS.read(JSON.getGson().fromJson(json, KubePod.class));
    }
}
