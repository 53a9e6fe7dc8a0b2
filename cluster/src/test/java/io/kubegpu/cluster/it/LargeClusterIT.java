package io.kubegpu.cluster.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.watch.KubeClusterWatcher;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.NodeState;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A 5,000-node cluster's state builds from a real API server (nodes created in bulk). */
class LargeClusterIT {
    private static final int NODES = 5_000;
    private static final String[] PRODUCTS = {"Tesla-V100-SXM2-32GB", "NVIDIA-A100-SXM4-80GB", "Tesla-T4", "NVIDIA-H100-80GB-HBM3"};

    @Test
    void buildsTheStateOfFiveThousandNodes() throws Exception {
        ApiClient client = ControlPlane.client();
        try (TestCluster cluster = new TestCluster(client)) {
            String runLabel = "kubegpu.io/it-run";
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<String>> created = new ArrayList<>(NODES);
                for (int i = 0; i < NODES; i++) {
                    int index = i;
                    created.add(pool.submit(() -> cluster.createNode(String.format("bulk-%05d", index),
                            Map.of(runLabel, cluster.suffix, "nvidia.com/gpu.product", PRODUCTS[index % PRODUCTS.length]),
                            Map.of("nvidia.com/gpu", "8"))));
                }
                for (Future<String> future : created) {
                    future.get(10, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdown();
            }

            ClusterState state = new ClusterState(Clock.systemUTC());
            try (KubeClusterWatcher watcher = new KubeClusterWatcher(client, state, ClusterConfig.defaults())) {
                watcher.start();
                Eventually.until(Duration.ofMinutes(2), "the informers have synced", () -> state.snapshot().synced());
                List<NodeState> ours = state.snapshot().nodes().stream()
                        .filter(n -> n.name().startsWith("bulk-") && n.name().endsWith(cluster.suffix)).toList();
                assertThat(ours).hasSize(NODES);
                assertThat(ours).allSatisfy(n -> {
                    assertThat(n.node().ready()).isTrue();
                    assertThat(n.node().allocatable("nvidia.com/gpu")).isEqualTo(8);
                    assertThat(n.node().model()).isNotNull();
                });
                assertThat(state.snapshot().node("bulk-00003-" + cluster.suffix).orElseThrow().node().model().smallest().id())
                        .isEqualTo("H100-SXM");
            } finally {
                cluster.api.deleteCollectionNode().labelSelector(runLabel + "=" + cluster.suffix).execute();
            }
        }
    }
}
