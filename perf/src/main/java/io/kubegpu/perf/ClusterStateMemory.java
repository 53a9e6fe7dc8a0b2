package io.kubegpu.perf;

import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.KubeNode;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.cluster.model.NodeMapper;
import io.kubegpu.cluster.model.PodMapper;
import io.kubegpu.cluster.state.ClusterState;
import io.kubernetes.client.openapi.JSON;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Retained heap of the cluster state at scale: decodes API-server-shaped Node and Pod JSON through the
 * same trimming Gson the informers use, keeps the decoded objects (what the informer caches hold) and
 * maps them into {@link ClusterState}, then measures retained heap after full GCs.
 *
 * <p>Usage: {@code java -cp perf/target/benchmarks.jar io.kubegpu.perf.ClusterStateMemory [NODES] [PODS]}
 * (default 5000 and 100000). Writes {@code perf/results/cluster-memory.json} and {@code .md}.
 */
public final class ClusterStateMemory {
    private ClusterStateMemory() {
    }

    public static void main(String[] args) throws IOException {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int pods = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        MetadataTrimming.install();
        ClusterConfig config = ClusterConfig.defaults();
        NodeMapper nodeMapper = new NodeMapper(config);
        PodMapper podMapper = new PodMapper(config);

        long baseline = retainedHeap();
        List<KubeNode> nodeCache = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            nodeCache.add(JSON.getGson().fromJson(SyntheticCluster.node(i), KubeNode.class));
        }
        long afterNodeCache = retainedHeap();
        List<KubePod> podCache = new ArrayList<>(pods);
        for (int i = 0; i < pods; i++) {
            podCache.add(JSON.getGson().fromJson(SyntheticCluster.pod(i, nodes), KubePod.class));
        }
        long afterPodCache = retainedHeap();

        ClusterState state = new ClusterState(Clock.systemUTC());
        long started = System.nanoTime();
        nodeCache.forEach(n -> state.upsertNode(nodeMapper.map(n)));
        long afterNodes = retainedHeap();
        int gpuPods = 0;
        long podStart = System.nanoTime();
        for (KubePod pod : podCache) {
            var gpuPod = podMapper.map(pod);
            if (gpuPod.isPresent()) {
                state.upsertPod(gpuPod.get());
                gpuPods++;
            }
        }
        long buildNanos = System.nanoTime() - started;
        long podNanos = System.nanoTime() - podStart;
        long afterState = retainedHeap();
        long rss = rssBytes();

        double cacheNode = (afterNodeCache - baseline) / (double) nodes;
        double cachePod = (afterPodCache - afterNodeCache) / (double) pods;
        double stateNode = (afterNodes - afterPodCache) / (double) nodes;
        double statePod = (afterState - afterNodes) / (double) gpuPods;
        String json = String.format(Locale.ROOT, """
                {"date":"%s","nodes":%d,"pods":%d,"gpuPods":%d,
                 "informerCacheBytesPerNode":%.0f,"informerCacheBytesPerPod":%.0f,
                 "stateBytesPerNode":%.0f,"stateBytesPerGpuPod":%.0f,
                 "retainedHeapMiB":%.1f,"rssMiB":%.1f,"buildSeconds":%.3f,"microsPerGpuPodEvent":%.2f,"snapshotNodes":%d}
                """, Instant.now(), nodes, pods, gpuPods, cacheNode, cachePod, stateNode, statePod,
                (afterState - baseline) / 1048576.0, rss / 1048576.0, buildNanos / 1e9, podNanos / 1e3 / gpuPods,
                state.snapshot().nodeCount());
        String markdown = String.format(Locale.ROOT, """
                # Cluster state memory

                - date: %s
                - command: `java -cp perf/target/benchmarks.jar io.kubegpu.perf.ClusterStateMemory %d %d`
                - machine: %d cores, max heap %d MiB, %s

                | what | per node | per pod |
                |---|---|---|
                | informer cache (trimmed Node/Pod objects) | %.0f B | %.0f B (all pods) |
                | cluster state (NodeState, GpuPod) | %.0f B | %.0f B (GPU pods only) |

                %d nodes, %d pods of which %d hold GPUs: retained heap %.1f MiB, process RSS %.1f MiB.
                Building the state from decoded objects took %.2f s (%.2f µs per GPU pod event at this size).
                """, Instant.now(), nodes, pods, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), cacheNode, cachePod, stateNode, statePod,
                nodes, pods, gpuPods, (afterState - baseline) / 1048576.0, rss / 1048576.0, buildNanos / 1e9, podNanos / 1e3 / gpuPods);
        Path results = Path.of("perf/results");
        Files.createDirectories(results);
        Files.writeString(results.resolve("cluster-memory.json"), json, StandardCharsets.UTF_8);
        Files.writeString(results.resolve("cluster-memory.md"), markdown, StandardCharsets.UTF_8);
        System.out.println(markdown);
        // Keep everything reachable until measured.
        if (nodeCache.size() + podCache.size() < 0) {
            System.out.println(state);
        }
    }

    private static long retainedHeap() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
