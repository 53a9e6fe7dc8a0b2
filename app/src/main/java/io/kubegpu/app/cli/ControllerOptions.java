package io.kubegpu.app.cli;

import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.controllers.ControllerHost;
import io.kubegpu.controllers.GpuController;
import io.kubegpu.controllers.autoscale.AutoscaleController;
import io.kubegpu.controllers.pools.PoolBalancer;
import io.kubegpu.pools.balance.BalancePolicy;
import io.kubegpu.webhook.mutation.MutationConfig;
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

    @Option(names = "--autoscale-dry-run", defaultValue = "false",
            description = "autoscale: only validate the HorizontalPodAutoscalers it would write (dryRun=All) and report them in Events.")
    private boolean autoscaleDryRun;

    @Option(names = "--autoscale-resync", paramLabel = "SECONDS", defaultValue = "600",
            description = "autoscale: look at every workload and autoscaler again this often, in seconds (default: ${DEFAULT-VALUE}).")
    private int autoscaleResyncSeconds;

    /** The pool balancer's mode. */
    enum BalanceMode {
        /** Record what it would do (Events, /balance, metrics); change nothing. */
        dry_run,
        /** Relabel (and, with --balance-drain, cordon) nodes. */
        apply
    }

    @Option(names = "--balance", paramLabel = "MODE", defaultValue = "dry-run", converter = BalanceModeConverter.class,
            description = "The pools controller: dry-run (record what it would do as Events, in /balance and metrics) or apply (change the "
                    + "nodes' group labels) (default: ${DEFAULT-VALUE}).")
    private BalanceMode balance;

    @Option(names = "--balance-interval", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds between the pools controller's passes (default: ${DEFAULT-VALUE}).")
    private int balanceInterval;

    @Option(names = "--balance-threshold", paramLabel = "PERCENT", defaultValue = "20",
            description = "Allocation gap between the most- and least-allocated groups that calls for a move, in points (default: ${DEFAULT-VALUE}).")
    private int balanceThreshold;

    @Option(names = "--balance-min-nodes", paramLabel = "N", defaultValue = "3",
            description = "Nodes a group needs to take part in balancing, and never falls below (default: ${DEFAULT-VALUE}).")
    private int balanceMinNodes;

    @Option(names = "--balance-cooldown", paramLabel = "SECONDS", defaultValue = "1800",
            description = "Seconds a moved node stays in its new group before it may move again (default: ${DEFAULT-VALUE}).")
    private int balanceCooldown;

    @Option(names = "--balance-hysteresis", paramLabel = "PERCENT", defaultValue = "5",
            description = "Points below the threshold that the gap a move leaves the other way must stay, so the next pass cannot move the "
                    + "node back (default: ${DEFAULT-VALUE}).")
    private int balanceHysteresis;

    @Option(names = "--balance-drain", defaultValue = "false",
            description = "When every candidate node runs pods of its group, cordon the least-used one and move it once they finish "
                    + "(never evicting) (default: ${DEFAULT-VALUE}: only nodes without such pods move).")
    private boolean balanceDrain;

    static final class BalanceModeConverter implements picocli.CommandLine.ITypeConverter<BalanceMode> {
        @Override
        public BalanceMode convert(String value) {
            return switch (value) {
                case "dry-run" -> BalanceMode.dry_run;
                case "apply" -> BalanceMode.apply;
                default -> throw new picocli.CommandLine.TypeConversionException("--balance '" + value + "' is not dry-run or apply");
            };
        }
    }

    /**
     * Every controller this build knows and can run with the options given, by name, built from its options and the
     * settings every role shares (catalog, vendors, grammar, node labels).
     */
    private Map<String, Supplier<GpuController>> known(ServerSettings.Common common, MutationConfig.Pools pools) {
        ClusterConfig cluster = common.clusterConfig();
        Map<String, Supplier<GpuController>> known = new java.util.HashMap<>();
        known.put(io.kubegpu.controllers.elastic.ElasticShrinkController.NAME, () -> {
            check("--elastic-wait", elasticWaitSeconds, 1, 86_400, "seconds");
            return new io.kubegpu.controllers.elastic.ElasticShrinkController(Duration.ofSeconds(elasticWaitSeconds), elasticDryRun, cluster,
                    common.grammar());
        });
        known.put(AutoscaleController.NAME, () -> {
            check("--autoscale-resync", autoscaleResyncSeconds, 10, 86_400, "seconds");
            return new AutoscaleController(autoscaleDryRun, Duration.ofSeconds(autoscaleResyncSeconds));
        });
        if (pools != null) {
            known.put("pools", () -> new PoolBalancer(balancer(cluster, pools)));
        }
        return known;
    }

    private PoolBalancer.Settings balancer(ClusterConfig cluster, MutationConfig.Pools pools) {
        check("--balance-interval", balanceInterval, 1, 86_400, "seconds");
        check("--balance-threshold", balanceThreshold, 1, 99, "points");
        check("--balance-min-nodes", balanceMinNodes, 1, 1000, "nodes");
        check("--balance-cooldown", balanceCooldown, 0, 7 * 86_400, "seconds");
        if (balanceHysteresis < 0 || balanceHysteresis >= balanceThreshold) {
            throw new ParameterException(spec.commandLine(), "--balance-hysteresis " + balanceHysteresis + " is not within 0.." + (balanceThreshold - 1)
                    + " points (below --balance-threshold " + balanceThreshold + ")");
        }
        BalancePolicy policy = new BalancePolicy(balanceThreshold / 100.0, balanceMinNodes, Duration.ofSeconds(balanceCooldown),
                balanceHysteresis / 100.0, balanceDrain, pools.publicGroup());
        return new PoolBalancer.Settings(cluster, pools.nodeLabel(), pools.namespaceLabel(), policy, Duration.ofSeconds(balanceInterval),
                balance == BalanceMode.apply);
    }

    private void check(String option, int value, int min, int max, String unit) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), option + " " + value + " is not within " + min + ".." + max + " " + unit);
        }
    }

    /** The role's settings; its controllers read requests and GPUs with {@code common}. */
    ServerSettings.ControllersRole role(ServerSettings.Common common, MutationConfig.Pools pools) {
        Map<String, Supplier<GpuController>> known = known(common, pools);
        if (names.contains("pools") && pools == null) {
            throw new ParameterException(spec.commandLine(), "--controllers pools needs --pool-label: the node label naming each GPU node's group, "
                    + "e.g. --pool-label org");
        }
        List<String> wanted = names.isEmpty() ? known.keySet().stream().sorted().toList() : names;
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
