package io.kubegpu.app.cli;

import io.kubegpu.app.server.Server;
import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.app.server.ServerSettings.ClusterSource;
import io.kubegpu.app.server.ServerSettings.Endpoint;
import io.kubegpu.cluster.watch.KubeClients;
import io.kubegpu.cluster.model.ModelLabelSource;
import io.kubegpu.extender.bind.BindGate;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.service.FilterMode;
import io.kubegpu.scorer.config.ConfigException;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import io.kubegpu.webhook.mutation.MutationConfig;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code serve}: runs the roles asked for until stopped. Every option is validated before anything starts, and any
 * failure to start ends the process with one line and a non-zero status.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the scheduler extender (filter, prioritize, bind), the admission webhook and the utilization scorer, with "
                + "health, readiness, metrics and /explain. Without --kubeconfig/--in-cluster it serves the built-in sample cluster "
                + "(or --manifests).")
final class ServeCommand implements Callable<Integer> {
    /** The roles one process can run. */
    enum Role { extender, webhook, scorer, controllers }

    /**
     * The warm-up's default on a live cluster: measured on the scheduler harness, a fresh extender's JIT compiler stopped
     * costing more than its requests after about 5,000 pods (some 10,000 calls and watch events).
     */
    static final int LIVE_WARM_UP_CALLS = 10_000;

    /** Where the scorer reads GPU metrics. */
    enum Utilization { auto, prometheus, synthetic }

    /** {@code --policy} in the words the docs use, with the same message the pod annotation gets. */
    static final class PolicyConverter implements ITypeConverter<Policy> {
        @Override
        public Policy convert(String value) {
            return Policy.parse(value).orElseThrow(() -> new TypeConversionException("--policy '" + value
                    + "' is not fragmentation, binpack, spread or balanced"));
        }
    }

    static final class FilterModeConverter implements ITypeConverter<FilterMode> {
        @Override
        public FilterMode convert(String value) {
            return FilterMode.parse(value).orElseThrow(() -> new TypeConversionException("--filter-returns '" + value + "' is not best or all"));
        }
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private GrammarOptions grammar;

    @Mixin
    private ControllerOptions controllerOptions;

    @Option(names = "--roles", split = ",", defaultValue = "extender,scorer",
            description = "What to run: ${COMPLETION-CANDIDATES}, in any combination (default: ${DEFAULT-VALUE}, plus webhook when "
                    + "--webhook-tls-cert is given).")
    private Set<Role> roles;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address of the extender's verbs, and of health and metrics unless --health-port is set (default: ${DEFAULT-VALUE}: "
                    + "only kube-scheduler beside it can call; 0.0.0.0 for a standalone extender, with --tls-client-ca).")
    private String host;

    @Option(names = "--port", defaultValue = "8888", description = "Port of the extender's verbs (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    private int port;

    @Option(names = "--health-port", paramLabel = "PORT",
            description = "Serve /healthz, /readyz, /metrics and /explain on their own port (on --health-host), so the verbs can stay on "
                    + "loopback; default: on --port.")
    private Integer healthPort;

    @Option(names = "--health-host", defaultValue = "0.0.0.0", description = "Address of --health-port (default: ${DEFAULT-VALUE}).")
    private String healthHost;

    @Option(names = "--prefix", defaultValue = "", description = "URL prefix of the verbs, e.g. /gpu-scheduler (default: none).")
    private String prefix;

    @Option(names = "--body-limit-mb", defaultValue = "8",
            description = "Largest extender request body in MiB (default: ${DEFAULT-VALUE}: node names of 5,000 nodes take under 1 MiB; "
                    + "full Node objects at that scale need tens of MiB).")
    private int bodyLimitMb;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve the verbs over HTTPS with this certificate (and --tls-key).")
    private Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key for --tls-cert.")
    private Path tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "PEM",
            description = "Require callers of the verbs to present a client certificate signed by this CA (mutual TLS).")
    private Path tlsClientCa;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Watch this cluster (else KUBECONFIG when set).")
    private Path kubeconfig;

    @Option(names = "--in-cluster", description = "Watch the cluster this pod runs in (service account).")
    private boolean inCluster;

    @Option(names = "--manifests", paramLabel = "FILE", description = "Serve an embedded cluster from these Node/Pod manifests.")
    private Path manifests;

    @Option(names = "--policy", defaultValue = "fragmentation", converter = PolicyConverter.class,
            description = "fragmentation, binpack, spread or balanced (default: ${DEFAULT-VALUE}); a pod overrides it with the "
                    + "kubegpu.io/policy annotation.")
    private Policy policy;

    @Option(names = "--filter-returns", defaultValue = "best", converter = FilterModeConverter.class, description = "What filter returns of the nodes a GPU pod fits: "
            + "best (only the node the policy ranks first, so kube-scheduler skips its scoring and the prioritize call; pods with soft "
            + "preferences still get every fitting node) or all (every fitting node) (default: ${DEFAULT-VALUE}).")
    private FilterMode filterReturns;

    @Option(names = "--no-fit-reply", defaultValue = "auto", paramLabel = "auto|failed-nodes|error",
            description = "How filter answers a GPU pod that fits none of the nodes it is sent: failed-nodes (each node with its reason; "
                    + "kube-scheduler may then preempt), error (an error with the reasons: kube-scheduler retries the pod without preempting, "
                    + "which kube-scheduler 1.20.0-1.20.9 and 1.21.0-1.21.3 need: they never call the preempt verb and crash on a "
                    + "preemption candidate without victims), or auto (error for an API server before 1.20.10 or of 1.21.0-1.21.3, "
                    + "failed-nodes otherwise) (default: ${DEFAULT-VALUE}).")
    private String noFitReply;

    @Option(names = "--warm-up-calls", paramLabel = "N",
            description = "Synthetic filter, prioritize and bind calls the extender answers on a private port before /readyz says ready, "
                    + "so its first real pods are not served by a cold JVM; 0 turns it off (default: "
                    + LIVE_WARM_UP_CALLS + " when watching a cluster, 0 for an embedded one).")
    private Integer warmUpCalls;

    @Option(names = "--live-weight", defaultValue = "0.3",
            description = "Weight of live GPU utilization in node scores when fresh data exists, 0..1 (default: ${DEFAULT-VALUE}).")
    private double liveWeight;

    @Option(names = "--node-labels", split = ",", defaultValue = "gfd,gpu-type",
            description = "Node label strategies for the GPU model, in order: gfd, gpu-type, label:KEY (default: ${DEFAULT-VALUE}).")
    private List<String> nodeLabels;

    @Option(names = "--scorer-port", defaultValue = "8080",
            description = "HTTP port of the utilization scorer's REST API and metrics (default: ${DEFAULT-VALUE}).")
    private int scorerPort;

    @Option(names = "--scorer-host", defaultValue = "0.0.0.0", description = "Address of --scorer-port (default: ${DEFAULT-VALUE}).")
    private String scorerHost;

    @Option(names = "--scorer-config", paramLabel = "YAML",
            description = "Scorer settings: our flat keys (prom_url, threshold, …) or the Python monitor's nested config.yaml "
                    + "(prometheus.url, thresholds.low_utilization, …); environment variables such as PROM_URL override them.")
    private Path scorerConfig;

    @Option(names = "--utilization", defaultValue = "auto",
            description = "Where the scorer reads GPU metrics: prometheus, synthetic (demo data), or auto: synthetic for an embedded "
                    + "cluster, prometheus otherwise (default: ${DEFAULT-VALUE}).")
    private Utilization utilization;

    @Option(names = "--webhook-port", defaultValue = "8443", description = "HTTPS port of the admission webhook (default: ${DEFAULT-VALUE}).")
    private int webhookPort;

    @Option(names = "--webhook-host", defaultValue = "0.0.0.0", description = "Address of --webhook-port (default: ${DEFAULT-VALUE}).")
    private String webhookHost;

    @Option(names = "--webhook-tls-cert", paramLabel = "PEM", description = "Webhook serving certificate (reloaded when the file changes).")
    private Path webhookCert;

    @Option(names = "--webhook-tls-key", paramLabel = "PEM", description = "Webhook private key.")
    private Path webhookKey;

    @Option(names = "--model-label", defaultValue = "nvidia.com/gpu.product",
            description = "Node label the webhook constrains pods to their GPU model by: nvidia.com/gpu.product (GFD) or e.g. gpu-type "
                    + "(default: ${DEFAULT-VALUE}).")
    private String modelLabel;

    @Option(names = "--scheduler-name",
            description = "The scheduler profile of GPU pods: the webhook sets it on them, and bind places only pods of it "
                    + "(default: leave the pod's; bind accepts default-scheduler).")
    private String schedulerName;

    @Option(names = "--hide-gpus", defaultValue = "true", arity = "1",
            description = "Set NVIDIA_VISIBLE_DEVICES=none on containers that asked for no GPU (default: ${DEFAULT-VALUE}).")
    private boolean hideGpus;

    @Option(names = "--gpu-toleration", paramLabel = "KEY[=VALUE]:EFFECT", split = ",",
            defaultValue = "nvidia.com/gpu:NoSchedule",
            description = "Tolerations the webhook adds to GPU pods (KEY alone tolerates any value); 'none' for no tolerations "
                    + "(default: ${DEFAULT-VALUE}).")
    private List<String> gpuTolerations;

    @Option(names = "--priority-tiers", paramLabel = "TIER=CLASS:VALUE,...",
            defaultValue = "high=kubegpu-high:1000000,normal=kubegpu-normal:0,low=kubegpu-low:-1000",
            description = "PriorityClasses the webhook maps kubegpu.io/priority: high|normal|low to (default: ${DEFAULT-VALUE}).")
    private String priorityTiers;

    @Option(names = "--namespace-cap", paramLabel = "NAMESPACE=GPUS", split = ",",
            description = "Most GPU one pod may ask for in a namespace, e.g. students=0.5,research=8,*=4 (* for the rest); default: no caps.")
    private Map<String, String> namespaceCaps = new HashMap<>();

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private List<MutationConfig.Toleration> tolerations() {
        if (gpuTolerations.equals(List.of("none"))) {
            return List.of();
        }
        return gpuTolerations.stream().map(value -> {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw bad("--gpu-toleration '" + value + "' must look like KEY[=VALUE]:EFFECT, e.g. nvidia.com/gpu:NoSchedule");
            }
            String effect = value.substring(colon + 1);
            if (!List.of("NoSchedule", "PreferNoSchedule", "NoExecute").contains(effect)) {
                throw bad("--gpu-toleration '" + value + "': the effect is NoSchedule, PreferNoSchedule or NoExecute");
            }
            String keyValue = value.substring(0, colon);
            int equals = keyValue.indexOf('=');
            return equals < 0 ? new MutationConfig.Toleration(keyValue, "Exists", null, effect)
                    : new MutationConfig.Toleration(keyValue.substring(0, equals), "Equal", keyValue.substring(equals + 1), effect);
        }).toList();
    }

    private Map<String, Integer> caps() {
        Map<String, Integer> out = new HashMap<>();
        namespaceCaps.forEach((namespace, gpus) -> {
            try {
                BigDecimal value = new BigDecimal(gpus.trim());
                if (value.signum() <= 0 || value.scale() > 3) {
                    throw new NumberFormatException();
                }
                out.put(namespace, value.movePointRight(3).intValueExact());
            } catch (NumberFormatException | ArithmeticException e) {
                throw bad("--namespace-cap " + namespace + "=" + gpus + ": the cap is a positive number of GPUs with at most 3 decimals, e.g. 8 or 0.5");
            }
        });
        return out;
    }

    /** LOG_LEVEL of the scorer configuration, applied before the first logger exists (slf4j-simple reads it once). */
    private static void applyLogLevel(String level) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level.equals("warning") ? "warn" : level);
        }
    }

    /** Every option checked and turned into settings; nothing is started here. */
    ServerSettings settings() {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw bad("--tls-cert and --tls-key go together");
        }
        if (tlsClientCa != null && tlsCert == null) {
            throw bad("--tls-client-ca needs --tls-cert and --tls-key: client certificates are checked over TLS");
        }
        if (liveWeight < 0 || liveWeight > 1) {
            throw bad("--live-weight must be within 0..1");
        }
        if (warmUpCalls != null && (warmUpCalls < 0 || warmUpCalls > 1_000_000)) {
            throw bad("--warm-up-calls " + warmUpCalls + " is not within 0..1000000 (0 turns the warm-up off)");
        }
        if (bodyLimitMb < 1 || bodyLimitMb > 1024) {
            throw bad("--body-limit-mb " + bodyLimitMb + " is not within 1..1024");
        }
        for (Path file : new Path[] {tlsCert, tlsKey, tlsClientCa, webhookCert, webhookKey, manifests, scorerConfig}) {
            if (file != null && !Files.isReadable(file)) {
                throw bad("cannot read " + file + ": no such file, or not readable");
            }
        }
        List<ModelLabelSource> labels;
        try {
            labels = nodeLabels.stream().map(ModelLabelSource::parse).toList();
        } catch (IllegalArgumentException e) {
            throw bad("--node-labels: " + e.getMessage());
        }
        var caps = caps();
        var tolerations = tolerations();
        Set<Role> running = roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles);
        if (webhookCert != null) {
            running.add(Role.webhook);
        }
        if (running.contains(Role.webhook) && (webhookCert == null || webhookKey == null)) {
            throw bad("the webhook role needs --webhook-tls-cert and --webhook-tls-key: the API server only calls webhooks over HTTPS");
        }
        var parser = grammar.parser();
        var common = new ServerSettings.Common(parser.config(), grammar.catalog(), labels);

        Path config = inCluster ? null : KubeClients.kubeconfigPath(kubeconfig);
        if (config != null && !Files.isReadable(config)) {
            throw bad("cannot read the kubeconfig " + config + ": no such file, or not readable");
        }
        boolean live = manifests == null && (inCluster || config != null);
        ClusterSource source;
        if (live) {
            source = new ClusterSource.Kubernetes(config);
        } else if (manifests != null) {
            source = new ClusterSource.Manifests(manifests);
        } else if (running.equals(EnumSet.of(Role.scorer)) && utilization == Utilization.prometheus) {
            source = new ClusterSource.None(); // The scorer alone reads only Prometheus.
        } else {
            source = new ClusterSource.Sample();
        }

        io.kubegpu.extender.service.NoFitReply noFit = null;
        if (!noFitReply.equalsIgnoreCase("auto")) {
            noFit = io.kubegpu.extender.service.NoFitReply.parse(noFitReply)
                    .orElseThrow(() -> bad("--no-fit-reply '" + noFitReply + "' is not auto, failed-nodes or error"));
        }
        ServerSettings.ExtenderRole extender = null;
        if (running.contains(Role.extender)) {
            extender = new ServerSettings.ExtenderRole(tlsCert == null ? null : new ServerSettings.Tls(tlsCert, tlsKey, tlsClientCa), prefix,
                    bodyLimitMb * 1024L * 1024L, policy, filterReturns, liveWeight,
                    Set.of(schedulerName == null ? BindGate.DEFAULT_SCHEDULER : schedulerName),
                    warmUpCalls != null ? warmUpCalls : live ? LIVE_WARM_UP_CALLS : 0, noFit);
        }
        ServerSettings.WebhookRole webhook = null;
        if (running.contains(Role.webhook)) {
            io.kubegpu.webhook.mutation.PriorityTiers tiers;
            try {
                tiers = priorityTiers.isBlank() ? io.kubegpu.webhook.mutation.PriorityTiers.NONE : io.kubegpu.webhook.mutation.PriorityTiers.parse(priorityTiers);
            } catch (IllegalArgumentException e) {
                throw bad("--priority-tiers: " + e.getMessage());
            }
            webhook = new ServerSettings.WebhookRole(new Endpoint(webhookHost, webhookPort), webhookCert, webhookKey,
                    new MutationConfig(parser.config(), grammar.catalog(), modelLabel, io.kubegpu.api.Annotations.GPUSHARE_MEMORY_RESOURCE, 1024, tolerations, schedulerName,
                            hideGpus, caps, tiers));
        }
        ServerSettings.ScorerRole scorer = null;
        if (running.contains(Role.scorer)) {
            ScorerConfig loaded;
            try {
                loaded = ScorerConfigLoader.load(scorerConfig, System.getenv());
            } catch (ConfigException e) {
                throw bad("scorer configuration: " + e.getMessage());
            }
            applyLogLevel(loaded.logLevel());
            boolean synthetic = utilization == Utilization.synthetic || (utilization == Utilization.auto && !live);
            scorer = new ServerSettings.ScorerRole(new Endpoint(scorerHost, scorerPort), loaded, synthetic);
        }
        ServerSettings.ControllersRole controllers = null;
        if (running.contains(Role.controllers)) {
            if (!live) {
                throw bad("the controllers role needs a live cluster: give --kubeconfig or --in-cluster");
            }
            controllers = controllerOptions.role(common);
        }
        return new ServerSettings(common, source, healthPort == null ? null : new Endpoint(healthHost, healthPort), new Endpoint(host, port),
                extender, webhook, scorer, controllers);
    }

    @Override
    public Integer call() throws Exception {
        Server server = Server.start(settings());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return Cli.OK;
    }
}
