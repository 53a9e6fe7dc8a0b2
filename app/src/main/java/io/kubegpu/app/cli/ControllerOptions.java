package io.kubegpu.app.cli;

import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.controllers.ControllerHost;
import io.kubegpu.controllers.GpuController;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Options of the {@code controllers} role: which controllers run, how their replicas elect a leader, and each
 * controller's own options. A controller is known here by name; each one adds its options and its line to {@link #known}.
 */
final class ControllerOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--controllers", split = ",", paramLabel = "NAME",
            description = "Controllers the controllers role runs (default: all known).")
    private List<String> names = new ArrayList<>();

    @Option(names = "--leader-election-namespace", paramLabel = "NAMESPACE",
            description = "Namespace of the controllers' Lease (default: POD_NAMESPACE, else default).")
    private String leaseNamespace;

    @Option(names = "--leader-election-id", paramLabel = "NAME",
            description = "This replica's identity in the Lease (default: POD_NAME or the host name, plus a random suffix).")
    private String identity;

    @Option(names = "--leader-lease", paramLabel = "SECONDS", defaultValue = "15",
            description = "How long the controllers' Lease holds without renewal, in seconds (default: ${DEFAULT-VALUE}).")
    private int leaseSeconds;

    @Option(names = "--elastic-wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "elastic-shrink: how long a higher-priority GPU pod must have been unschedulable before elastic Deployments "
                    + "are scaled down for it, and how long after a shrink before a restore (default: ${DEFAULT-VALUE}).")
    private int elasticWaitSeconds;

    @Option(names = "--elastic-dry-run", defaultValue = "false", arity = "1",
            description = "elastic-shrink: only record Events of the shrinks and restores it would make (default: ${DEFAULT-VALUE}).")
    private boolean elasticDryRun;

    /** Every controller this build knows, by name, built from its options and the settings every role shares. */
    private Map<String, Supplier<GpuController>> known(ServerSettings.Common common) {
        return Map.of(io.kubegpu.controllers.elastic.ElasticShrinkController.NAME, () -> {
            if (elasticWaitSeconds < 1 || elasticWaitSeconds > 86_400) {
                throw new ParameterException(spec.commandLine(), "--elastic-wait " + elasticWaitSeconds + " is not within 1..86400 seconds");
            }
            return new io.kubegpu.controllers.elastic.ElasticShrinkController(Duration.ofSeconds(elasticWaitSeconds), elasticDryRun,
                    common.clusterConfig(), common.grammar());
        });
    }

    /** The role's settings; its controllers read requests and GPUs with {@code common} (catalog, vendors, grammar, labels). */
    ServerSettings.ControllersRole role(ServerSettings.Common common) {
        Map<String, Supplier<GpuController>> known = known(common);
        List<String> wanted = names.isEmpty() ? known.keySet().stream().sorted().toList() : names;
        if (wanted.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "the controllers role has no controller to run in this build");
        }
        List<GpuController> controllers = new ArrayList<>();
        for (String name : wanted) {
            Supplier<GpuController> factory = known.get(name);
            if (factory == null) {
                throw new ParameterException(spec.commandLine(), "--controllers: unknown controller '" + name + "'; known: "
                        + String.join(", ", known.keySet().stream().sorted().toList()));
            }
            controllers.add(factory.get());
        }
        if (leaseSeconds < 3 || leaseSeconds > 600) {
            throw new ParameterException(spec.commandLine(), "--leader-lease " + leaseSeconds + " is not within 3..600 seconds");
        }
        String namespace = leaseNamespace != null ? leaseNamespace : System.getenv().getOrDefault("POD_NAMESPACE", "default");
        return new ServerSettings.ControllersRole(controllers, new ControllerHost.Election(namespace, "kube-gpu-extender-controllers",
                identity != null ? identity : defaultIdentity(), Duration.ofSeconds(leaseSeconds)));
    }

    private static String defaultIdentity() {
        String pod = System.getenv("POD_NAME");
        String host;
        try {
            host = pod != null ? pod : InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "kube-gpu-extender";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
