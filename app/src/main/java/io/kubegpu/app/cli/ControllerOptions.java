package io.kubegpu.app.cli;

import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.controllers.ControllerHost;
import io.kubegpu.controllers.GpuController;
import io.kubegpu.controllers.autoscale.AutoscaleController;
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

    @Option(names = "--autoscale-dry-run", defaultValue = "false",
            description = "autoscale: only validate the HorizontalPodAutoscalers it would write (dryRun=All) and report them in Events.")
    private boolean autoscaleDryRun;

    @Option(names = "--autoscale-resync", paramLabel = "SECONDS", defaultValue = "600",
            description = "autoscale: look at every workload and autoscaler again this often, in seconds (default: ${DEFAULT-VALUE}).")
    private int autoscaleResyncSeconds;

    /** Every controller this build knows, by name, built from its options. */
    private Map<String, Supplier<GpuController>> known() {
        return Map.of(AutoscaleController.NAME, () -> {
            if (autoscaleResyncSeconds < 10 || autoscaleResyncSeconds > 86_400) {
                throw new ParameterException(spec.commandLine(), "--autoscale-resync " + autoscaleResyncSeconds + " is not within 10..86400 seconds");
            }
            return new AutoscaleController(autoscaleDryRun, Duration.ofSeconds(autoscaleResyncSeconds));
        });
    }

    /** The role's settings, or null when no controller is asked for and none is known. */
    ServerSettings.ControllersRole role() {
        Map<String, Supplier<GpuController>> known = known();
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
