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
        description = "Run the scheduler extender (filter, prioritize, bind), the admission webhook, the utilization scorer and the "
                + "web console, with health, readiness, metrics and /explain. Without --kubeconfig/--in-cluster it serves the built-in "
                + "sample cluster (or --manifests).")
final class ServeCommand implements Callable<Integer> {
    /** The roles one process can run. */
    enum Role { extender, webhook, scorer, controllers, console }

    /**
     * The warm-up's default on a live cluster, measured on the scheduler harness (first 1,000 real pods after a start
     * against a warmed extender, 2026-12-07): 10,000 calls left the compiler's first compilations of per-pod code (the
     * filter's hold, the route handler, the watch reader: counters still short of the C2 threshold) to the real pods,
     * 2.1–2.2 ms of compiler CPU per pod and 42–54 % of warmed throughput; 30,000 calls (26–30 s here) 1.1–1.7 ms and 59–80 %,
     * 68 % over four cold runs (README, Performance).
     */
    static final int LIVE_WARM_UP_CALLS = 30_000;

    /** Where the console's Trends page reads history. */
    enum ConsoleTrends { auto, memory, prometheus }

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

    @Mixin
    private PoolOptions poolOptions;

    @Option(names = "--roles", split = ",", defaultValue = "extender,scorer,console",
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

    @Option(names = "--custom-metrics-port", paramLabel = "PORT",
            description = "Serve custom.metrics.k8s.io (container_gpu_usage, container_gpu_memory_usage per pod) over HTTPS on this port for "
                    + "GPU autoscaling, behind an APIService; needs the scorer role, a live cluster and --custom-metrics-tls-cert/-key.")
    private Integer customMetricsPort;

    @Option(names = "--custom-metrics-host", defaultValue = "0.0.0.0", description = "Address of --custom-metrics-port (default: ${DEFAULT-VALUE}).")
    private String customMetricsHost;

    @Option(names = "--custom-metrics-tls-cert", paramLabel = "PEM", description = "Serving certificate of the custom metrics API.")
    private Path customMetricsCert;

    @Option(names = "--custom-metrics-tls-key", paramLabel = "PEM", description = "Private key of --custom-metrics-tls-cert.")
    private Path customMetricsKey;

    @Option(names = "--custom-metrics-window", paramLabel = "SECONDS", defaultValue = "60",
            description = "Each custom metric value is the mean of DCGM's samples over this many seconds (default: ${DEFAULT-VALUE}).")
    private int customMetricsWindow;

    @Option(names = "--custom-metrics-cache", paramLabel = "SECONDS", defaultValue = "5",
            description = "An answer of the custom metrics API is reused this many seconds (default: ${DEFAULT-VALUE}; the HPA asks every 15).")
    private int customMetricsCache;

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
            description = "Most GPU one pod may ask for in a namespace, e.g. students=0.5,research=8,*=4 (* for the rest); default: no caps. "
                    + "A quota file's perPod does the same per team, next to its totals.")
    private Map<String, String> namespaceCaps = new HashMap<>();

    @Option(names = "--console-port", defaultValue = "8090", description = "HTTP port of the web console (default: ${DEFAULT-VALUE}).")
    private int consolePort;

    @Option(names = "--console-host", defaultValue = "127.0.0.1",
            description = "Address of --console-port (default: ${DEFAULT-VALUE}: this machine only; 0.0.0.0 in a pod, behind a Service, "
                    + "ideally with --console-token-file).")
    private String consoleHost;

    @Option(names = "--console-token-file", paramLabel = "FILE",
            description = "Require 'Authorization: Bearer <token>' on the console's /api/v1/ with the token in this file (the pages ask "
                    + "for it); default: no token.")
    private Path consoleTokenFile;

    @Option(names = "--console-trends", defaultValue = "auto",
            description = "Where the console's Trends page reads history: memory (sampled every minute in this process, 48 hours), "
                    + "prometheus (the scorer's Prometheus, over the chart's recording rules), or auto: prometheus when the scorer reads "
                    + "Prometheus, else memory (default: ${DEFAULT-VALUE}).")
    private ConsoleTrends consoleTrends;

    @Option(names = "--team-group", paramLabel = "TEAM=NAMESPACE[,NAMESPACE...]",
            description = "Show these namespaces together as one team on the console's Teams and Trends pages; repeat for several "
                    + "teams, e.g. --team-group research=team-nlp,team-llm.")
    private Map<String, String> teamGroups = new java.util.LinkedHashMap<>();

    @Option(names = "--quota-file", paramLabel = "YAML",
            description = "Per-team GPU quotas the webhook enforces at admission, e.g. quotas: {team-a: \"A100=8, T4=4, *=16\"} "
                    + "(reloaded when the file changes; needs a live cluster). Default: no quotas.")
    private Path quotaFile;

    @Option(names = "--quota-ticket-ttl", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long a pod the webhook admitted counts against its quota before the pod watch must show it: a creation "
                    + "that fails after admission frees its share after this (default: ${DEFAULT-VALUE}).")
    private int quotaTicketTtl;

    @Option(names = "--quota-ledger-namespace", paramLabel = "NAMESPACE",
            description = "Namespace of the ConfigMaps where webhook replicas share the pods they admitted (default: POD_NAMESPACE, else "
                    + "default).")
    private String quotaLedgerNamespace;

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

    private ServerSettings.Quotas quotas() {
        if (quotaFile == null) {
            return null;
        }
        if (quotaTicketTtl < 5 || quotaTicketTtl > 3600) {
            throw bad("--quota-ticket-ttl " + quotaTicketTtl + " is not within 5..3600 seconds (it must outlast the API server's webhook timeout "
                    + "and the pod watch's delay)");
        }
        String namespace = quotaLedgerNamespace != null ? quotaLedgerNamespace : System.getenv().getOrDefault("POD_NAMESPACE", "default");
        return new ServerSettings.Quotas(quotaFile, java.time.Duration.ofSeconds(quotaTicketTtl), namespace);
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
        for (Path file : new Path[] {tlsCert, tlsKey, tlsClientCa, webhookCert, webhookKey, manifests, scorerConfig, consoleTokenFile, quotaFile,
                customMetricsCert, customMetricsKey}) {
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
        var pools = poolOptions.pools();
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
                            hideGpus, caps, tiers, pools), quotas());
            if ((webhook.quotas() != null || pools != null) && !live) {
                throw bad((webhook.quotas() != null ? "--quota-file" : "--pool-label") + " needs a live cluster (the webhook counts its pods and "
                        + "reads its namespaces): give --kubeconfig or --in-cluster");
            }
        } else if (quotaFile != null) {
            throw bad("--quota-file is enforced by the webhook: add webhook to --roles (with --webhook-tls-cert and --webhook-tls-key)");
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
        if (customMetricsPort != null) {
            if (scorer == null) {
                throw bad("--custom-metrics-port needs the scorer role: it serves the scorer's GPU metrics");
            }
            if (customMetricsCert == null || customMetricsKey == null) {
                throw bad("--custom-metrics-port needs --custom-metrics-tls-cert and --custom-metrics-tls-key: the API server calls aggregated "
                        + "APIs over HTTPS");
            }
            if (!live) {
                throw bad("--custom-metrics-port needs a live cluster (--kubeconfig or --in-cluster): it checks callers with the API server");
            }
            if (customMetricsWindow < 1 || customMetricsWindow > 3600) {
                throw bad("--custom-metrics-window " + customMetricsWindow + " is not within 1..3600 seconds");
            }
            if (customMetricsCache < 0 || customMetricsCache > 60) {
                throw bad("--custom-metrics-cache " + customMetricsCache + " is not within 0..60 seconds");
            }
            scorer = scorer.withCustomMetrics(new ServerSettings.CustomMetrics(new Endpoint(customMetricsHost, customMetricsPort), customMetricsCert,
                    customMetricsKey, java.time.Duration.ofSeconds(customMetricsWindow), java.time.Duration.ofSeconds(customMetricsCache)));
        }
        ServerSettings.ControllersRole controllers = null;
        if (running.contains(Role.controllers)) {
            if (!live) {
                throw bad("the controllers role needs a live cluster: give --kubeconfig or --in-cluster");
            }
            controllers = controllerOptions.role(common, pools);
        }
        ServerSettings.ConsoleRole console = null;
        if (running.contains(Role.console)) {
            console = consoleRole(scorer);
        }
        return new ServerSettings(common, source, healthPort == null ? null : new Endpoint(healthHost, healthPort), new Endpoint(host, port),
                extender, webhook, scorer, controllers, console);
    }

    private ServerSettings.ConsoleRole consoleRole(ServerSettings.ScorerRole scorer) {
        var settings = io.kubegpu.console.http.ConsoleSettings.defaults();
        if (consoleTokenFile != null) {
            String token;
            try {
                token = Files.readString(consoleTokenFile).trim();
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                throw bad("cannot read --console-token-file " + consoleTokenFile + ": " + e.getMessage());
            }
            if (token.isEmpty()) {
                throw bad("--console-token-file " + consoleTokenFile + " is empty: write the token in it");
            }
            settings = settings.withToken(token);
        }
        if (consoleTrends == ConsoleTrends.prometheus) {
            if (scorer == null || scorer.synthetic()) {
                throw bad("--console-trends prometheus reads the scorer's Prometheus (prom_url): run the scorer role on Prometheus "
                        + "(--utilization prometheus)");
            }
            settings = settings.withPrometheus(scorer.config().promUrl());
        }
        io.kubegpu.console.view.TeamGroups teams;
        try {
            teams = io.kubegpu.console.view.TeamGroups.parse(teamGroups);
        } catch (IllegalArgumentException e) {
            throw bad("--team-group: " + e.getMessage());
        }
        return new ServerSettings.ConsoleRole(new Endpoint(consoleHost, consolePort), settings, teams, consoleTrends == ConsoleTrends.auto);
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
