package io.kubegpu.perf;

import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.KubeNode;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.cluster.model.NodeMapper;
import io.kubegpu.cluster.model.PodMapper;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuPod;
import io.kubernetes.client.openapi.JSON;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Cost of one informer event on the cluster state: decode, map and publish a new snapshot. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClusterStateBenchmark {
    @Param({"500", "5000"})
    int nodes;

    private ClusterState state;
    private PodMapper podMapper;
    private GpuPod[] pods;
    private String[] podJson;
    private int next;

    @Setup
    public void setUp() {
        MetadataTrimming.install();
        ClusterConfig config = ClusterConfig.defaults();
        NodeMapper nodeMapper = new NodeMapper(config);
        podMapper = new PodMapper(config);
        state = new ClusterState(Clock.systemUTC());
        for (int i = 0; i < nodes; i++) {
            state.upsertNode(nodeMapper.map(JSON.getGson().fromJson(SyntheticCluster.node(i), KubeNode.class)));
        }
        pods = new GpuPod[1000];
        podJson = new String[1000];
        for (int i = 0; i < pods.length; i++) {
            // Only GPU pods: every fifth pod index is one (see SyntheticCluster.pod).
            podJson[i] = SyntheticCluster.pod(i * 5, nodes);
            pods[i] = podMapper.map(JSON.getGson().fromJson(podJson[i], KubePod.class)).orElseThrow();
            state.upsertPod(pods[i]);
        }
    }

    /** A pod event whose content changed: rebuild one node's state and publish a snapshot. */
    @Benchmark
    public long upsertChangedPod() {
        GpuPod pod = pods[next];
        next = (next + 1) % pods.length;
        state.deletePod(pod.uid());
        state.upsertPod(pod);
        return state.snapshot().version();
    }

    /** The whole informer path for one pod: JSON decode with trimming, mapping, and the state update. */
    @Benchmark
    public long decodeMapAndUpsertPod() {
        String json = podJson[next];
        next = (next + 1) % podJson.length;
        GpuPod pod = podMapper.map(JSON.getGson().fromJson(json, KubePod.class)).orElseThrow();
        state.deletePod(pod.uid());
        state.upsertPod(pod);
        return state.snapshot().version();
    }
}
