package io.kubegpu.app.cli;

import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.watch.KubeClients;
import io.kubegpu.cluster.watch.KubeClusterWatcher;
import io.kubegpu.cluster.manifest.ManifestLoader;
import io.kubegpu.cluster.state.AllocationInvariants;
import io.kubegpu.cluster.state.ClusterSnapshot;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.NodeState;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code state}: the GPU inventory and usage per node, from the sample cluster, manifests or a live cluster; with
 * {@code --check}, the allocation invariants judged on what the API server holds.
 */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = "Print each node's GPUs and what holds them: the built-in sample cluster by default, "
                + "--manifests FILE, or a live cluster with --kubeconfig FILE / --in-cluster. With --check, print every GPU "
                + "given out twice instead (exit status 1 when there is one, 0 for none).")
final class StateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true)
    private Source source = new Source();

    @Option(names = "--check",
            description = "Check that no GPU's memory or compute and no node's GPU count is given out twice, that every share sits "
                    + "on a healthy GPU the node has and every bound share has an assignment: prints each violation, or 'no "
                    + "violations' (exit status 1 when there is a violation, 2 when the cluster could not be read).")
    private boolean check;

    @Option(names = "--sync-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for a live cluster's informers to sync (default: ${DEFAULT-VALUE}).")
    private int syncTimeoutSeconds;

    static final class Source {
        @Option(names = "--manifests", paramLabel = "FILE", description = "Nodes and Pods as Kubernetes YAML or JSON.")
        Path manifests;

        @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Watch the cluster of this kubeconfig (else KUBECONFIG).")
        Path kubeconfig;

        @Option(names = "--in-cluster", description = "Watch the cluster this pod runs in (service account).")
        boolean inCluster;
    }

    @Override
    public Integer call() throws Exception {
        ClusterState state = new ClusterState(Clock.systemUTC());
        ClusterConfig config = ClusterConfig.defaults();
        Path kubeconfig = source.inCluster ? null : KubeClients.kubeconfigPath(source.kubeconfig);
        if (source.manifests != null) {
            new ManifestLoader(config).load(source.manifests, state);
        } else if (kubeconfig != null || source.inCluster) {
            try (KubeClusterWatcher watcher = new KubeClusterWatcher(KubeClients.forWatching(kubeconfig), state, config)) {
                watcher.start();
                long deadline = System.nanoTime() + syncTimeoutSeconds * 1_000_000_000L;
                while (!state.snapshot().synced()) {
                    if (System.nanoTime() > deadline) {
                        spec.commandLine().getErr().println("the cluster's nodes and pods did not sync within " + syncTimeoutSeconds
                                + " s; check the kubeconfig and that the API server is reachable");
                        // Not 1 with --check: that status means "a violation was found", which nobody could tell.
                        return check ? Cli.INVALID_INPUT : Cli.NO_FIT;
                    }
                    LockSupport.parkNanos(50_000_000L);
                }
            }
        } else {
            new ManifestLoader(config).loadSample(state);
        }
        if (check) {
            return check(state.snapshot(), config, spec.commandLine().getOut());
        }
        print(state.snapshot(), spec.commandLine().getOut());
        return Cli.OK;
    }

    /**
     * The invariants on a fresh read of the cluster: this process reserved nothing, so its state is exactly the nodes and
     * pods the API server (or the manifests) hold, mapped as the extender maps them.
     */
    private static int check(ClusterSnapshot snapshot, ClusterConfig config, PrintWriter out) {
        List<GpuNode> nodes = new ArrayList<>();
        List<GpuPod> pods = new ArrayList<>();
        for (NodeState node : snapshot.nodes()) {
            if (node.node() != null) {
                nodes.add(node.node());
            }
            pods.addAll(node.pods());
        }
        var invariants = new AllocationInvariants(config.vendors().all().stream().map(io.kubegpu.request.Vendor::resource)
                .collect(java.util.stream.Collectors.toSet()), config.gpushare().memoryResource());
        List<AllocationInvariants.Violation> violations = invariants.check(nodes, pods);
        violations.forEach(out::println);
        out.println(violations.isEmpty() ? "no violations (" + nodes.size() + " nodes, " + pods.size() + " GPU pods bound)"
                : violations.size() + " violations (" + nodes.size() + " nodes, " + pods.size() + " GPU pods bound)");
        return violations.isEmpty() ? Cli.OK : Cli.NO_FIT;
    }

    private static void print(ClusterSnapshot snapshot, PrintWriter out) {
        out.println(String.format(Locale.ROOT, "%-18s %-24s %4s %7s %5s %6s %-10s %s", "NODE", "MODEL", "GPUS", "MEM/GPU", "USED",
                "SHARED", "STATUS", "PODS"));
        snapshot.nodes().stream().sorted(Comparator.comparing(NodeState::name)).forEach(state -> {
            GpuNode node = state.node();
            String model = node == null ? "?" : node.model() != null ? node.model().describe()
                    : node.modelLabel() != null ? node.modelLabel() + " (unknown)" : "-";
            String status = node == null ? "not-seen" : !node.ready() ? "NotReady" : node.unschedulable() ? "Cordoned"
                    : node.taints().isEmpty() ? "Ready" : "Tainted";
            out.println(String.format(Locale.ROOT, "%-18s %-24s %4d %7s %5d %6d %-10s %s", state.name(), truncate(model, 24),
                    node == null ? 0 : node.gpuCount(), node == null || node.gpuMemoryMiB() == 0 ? "-" : node.gpuMemoryMiB() / 1024 + "G",
                    state.used("nvidia.com/gpu"), state.sharedGpusInUse(), status,
                    String.join(",", state.pods().stream().map(p -> p.key()).sorted().toList())));
        });
        out.println(snapshot.nodeCount() + " nodes, snapshot version " + snapshot.version() + (snapshot.synced() ? "" : " (not synced)"));
    }

    private static String truncate(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}
