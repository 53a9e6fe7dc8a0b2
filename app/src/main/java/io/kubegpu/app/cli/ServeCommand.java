package io.kubegpu.app.cli;

import io.kubegpu.app.server.ExtenderServer;
import io.kubegpu.cluster.kube.KubeClients;
import io.kubegpu.cluster.kube.ModelLabelSource;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.http.FilterMode;
import io.kubegpu.scorer.config.ConfigException;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code serve}: runs the scheduler extender until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the scheduler extender (filter, prioritize, bind) with health, readiness, metrics and /explain. "
                + "Without --kubeconfig/--in-cluster it serves the built-in sample cluster (or --manifests).")
final class ServeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private GrammarOptions grammar;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "8888", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    private int port;

    @Option(names = "--prefix", defaultValue = "", description = "URL prefix of the verbs, e.g. /gpu-scheduler (default: none).")
    private String prefix;

    @Option(names = "--body-limit-mb", defaultValue = "64",
            description = "Largest request body in MiB; full Node objects of 5,000 nodes are tens of MB (default: ${DEFAULT-VALUE}).")
    private int bodyLimitMb;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate (and --tls-key).")
    private Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key for --tls-cert.")
    private Path tlsKey;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Watch this cluster (else KUBECONFIG when set).")
    private Path kubeconfig;

    @Option(names = "--in-cluster", description = "Watch the cluster this pod runs in (service account).")
    private boolean inCluster;

    @Option(names = "--manifests", paramLabel = "FILE", description = "Serve an embedded cluster from these Node/Pod manifests.")
    private Path manifests;

    @Option(names = "--policy", defaultValue = "fragmentation", description = "fragmentation, binpack, spread or balanced "
            + "(default: ${DEFAULT-VALUE}); a pod overrides it with the kubegpu.io/policy annotation.")
    private String policy;

    @Option(names = "--filter-returns", defaultValue = "best", description = "What filter returns of the nodes a GPU pod fits: "
            + "best (only the node the policy ranks first, so kube-scheduler skips its scoring and the prioritize call) or all "
            + "(every fitting node, ranked by prioritize and kube-scheduler's plugins) (default: ${DEFAULT-VALUE}).")
    private String filterReturns;

    @Option(names = "--live-weight", defaultValue = "0.3",
            description = "Weight of live GPU utilization in node scores when fresh data exists, 0..1 (default: ${DEFAULT-VALUE}).")
    private double liveWeight;

    @Option(names = "--node-labels", split = ",", defaultValue = "gfd,gpu-type",
            description = "Node label strategies for the GPU model, in order: gfd, gpu-type, label:KEY (default: ${DEFAULT-VALUE}).")
    private List<String> nodeLabels;

    @Option(names = "--roles", split = ",", defaultValue = "extender,scorer",
            description = "What to run: extender, webhook, scorer, in any combination (default: ${DEFAULT-VALUE}, plus webhook when "
                    + "--webhook-tls-cert is given).")
    private List<String> roles;

    @Option(names = "--scorer-port", defaultValue = "8080",
            description = "HTTP port of the utilization scorer's REST API and metrics (default: ${DEFAULT-VALUE}).")
    private int scorerPort;

    @Option(names = "--scorer-config", paramLabel = "YAML",
            description = "Scorer settings: our flat keys (prom_url, threshold, …) or the Python monitor's nested config.yaml "
                    + "(prometheus.url, thresholds.low_utilization, …); environment variables such as PROM_URL override them.")
    private Path scorerConfig;

    @Option(names = "--utilization", defaultValue = "auto",
            description = "Where the scorer reads GPU metrics: prometheus, synthetic (demo data), or auto: synthetic for an embedded "
                    + "cluster, prometheus otherwise (default: ${DEFAULT-VALUE}).")
    private String utilization;

    @Option(names = "--webhook-port", defaultValue = "8443", description = "HTTPS port of the admission webhook (default: ${DEFAULT-VALUE}).")
    private int webhookPort;

    @Option(names = "--webhook-tls-cert", paramLabel = "PEM", description = "Webhook serving certificate (reloaded when the file changes).")
    private Path webhookCert;

    @Option(names = "--webhook-tls-key", paramLabel = "PEM", description = "Webhook private key.")
    private Path webhookKey;

    @Option(names = "--model-label", defaultValue = "nvidia.com/gpu.product",
            description = "Node label the webhook constrains pods to their GPU model by: nvidia.com/gpu.product (GFD) or e.g. gpu-type "
                    + "(default: ${DEFAULT-VALUE}).")
    private String modelLabel;

    @Option(names = "--scheduler-name", description = "schedulerName the webhook sets on GPU pods (default: leave the pod's).")
    private String schedulerName;

    @Option(names = "--hide-gpus", defaultValue = "true", arity = "1",
            description = "Set NVIDIA_VISIBLE_DEVICES=none on containers that asked for no GPU (default: ${DEFAULT-VALUE}).")
    private boolean hideGpus;

    @Option(names = "--gpu-toleration", paramLabel = "KEY[=VALUE]:EFFECT", split = ",",
            defaultValue = "nvidia.com/gpu:NoSchedule",
            description = "Tolerations the webhook adds to GPU pods (KEY alone tolerates any value); 'none' for no tolerations "
                    + "(default: ${DEFAULT-VALUE}).")
    private List<String> gpuTolerations;

    @Option(names = "--namespace-cap", paramLabel = "NAMESPACE=GPUS", split = ",",
            description = "Most GPU one pod may ask for in a namespace, e.g. students=0.5,research=8,*=4 (* for the rest); default: no caps.")
    private java.util.Map<String, String> namespaceCaps = new java.util.HashMap<>();

    private List<io.kubegpu.webhook.mutation.MutationConfig.Toleration> tolerations() {
        if (gpuTolerations.equals(List.of("none"))) {
            return List.of();
        }
        return gpuTolerations.stream().map(spec -> {
            int colon = spec.lastIndexOf(':');
            if (colon <= 0 || colon == spec.length() - 1) {
                throw new ParameterException(this.spec.commandLine(), "--gpu-toleration '" + spec + "' must look like KEY[=VALUE]:EFFECT, "
                        + "e.g. nvidia.com/gpu:NoSchedule");
            }
            String effect = spec.substring(colon + 1);
            if (!List.of("NoSchedule", "PreferNoSchedule", "NoExecute").contains(effect)) {
                throw new ParameterException(this.spec.commandLine(), "--gpu-toleration '" + spec + "': the effect is NoSchedule, "
                        + "PreferNoSchedule or NoExecute");
            }
            String keyValue = spec.substring(0, colon);
            int equals = keyValue.indexOf('=');
            return equals < 0 ? new io.kubegpu.webhook.mutation.MutationConfig.Toleration(keyValue, "Exists", null, effect)
                    : new io.kubegpu.webhook.mutation.MutationConfig.Toleration(keyValue.substring(0, equals), "Equal",
                            keyValue.substring(equals + 1), effect);
        }).toList();
    }

    private java.util.Map<String, Integer> caps() {
        java.util.Map<String, Integer> out = new java.util.HashMap<>();
        namespaceCaps.forEach((namespace, gpus) -> {
            try {
                java.math.BigDecimal value = new java.math.BigDecimal(gpus.trim());
                if (value.signum() <= 0 || value.scale() > 3) {
                    throw new NumberFormatException();
                }
                out.put(namespace, value.movePointRight(3).intValueExact());
            } catch (NumberFormatException | ArithmeticException e) {
                throw new ParameterException(spec.commandLine(), "--namespace-cap " + namespace + "=" + gpus
                        + ": the cap is a positive number of GPUs with at most 3 decimals, e.g. 8 or 0.5");
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

    @Override
    public Integer call() throws Exception {
        Policy chosen = Policy.parse(policy).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--policy '" + policy + "' is not fragmentation, binpack, spread or balanced"));
        FilterMode filterMode = FilterMode.parse(filterReturns).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--filter-returns '" + filterReturns + "' is not best or all"));
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
        }
        if (liveWeight < 0 || liveWeight > 1) {
            throw new ParameterException(spec.commandLine(), "--live-weight must be within 0..1");
        }
        List<ModelLabelSource> labels;
        try {
            labels = nodeLabels.stream().map(ModelLabelSource::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--node-labels: " + e.getMessage());
        }
        // Validate every option before anything starts, whichever roles run.
        var caps = caps();
        var tolerations = tolerations();
        boolean webhookRole = roles.contains("webhook") || webhookCert != null;
        boolean extenderRole = roles.contains("extender");
        for (String role : roles) {
            if (!List.of("extender", "webhook", "scorer").contains(role)) {
                throw new ParameterException(spec.commandLine(), "--roles: unknown role '" + role + "'; use extender, webhook and/or scorer");
            }
        }
        if (!List.of("auto", "prometheus", "synthetic").contains(utilization)) {
            throw new ParameterException(spec.commandLine(), "--utilization '" + utilization + "' is not auto, prometheus or synthetic");
        }
        if (webhookRole && (webhookCert == null || webhookKey == null)) {
            throw new ParameterException(spec.commandLine(), "the webhook role needs --webhook-tls-cert and --webhook-tls-key: "
                    + "the API server only calls webhooks over HTTPS");
        }
        var parser = grammar.parser();
        var webhook = !webhookRole ? null : new ExtenderServer.ServerConfig.Webhook(webhookPort, webhookCert, webhookKey,
                new io.kubegpu.webhook.mutation.MutationConfig(parser.config(), grammar.catalog(), modelLabel, "aliyun.com/gpu-mem", 1024,
                        tolerations, schedulerName, hideGpus, caps));
        Path config = inCluster ? null : KubeClients.kubeconfigPath(kubeconfig);
        boolean live = manifests == null && (inCluster || config != null);
        var source = live ? ExtenderServer.ServerConfig.Source.KUBERNETES : ExtenderServer.ServerConfig.Source.EMBEDDED;
        ExtenderServer.ServerConfig.ScorerRole scorer = null;
        if (roles.contains("scorer")) {
            ScorerConfig loaded;
            try {
                loaded = ScorerConfigLoader.load(scorerConfig, System.getenv());
            } catch (ConfigException e) {
                throw new ParameterException(spec.commandLine(), "scorer configuration: " + e.getMessage());
            }
            applyLogLevel(loaded.logLevel());
            boolean synthetic = utilization.equals("synthetic") || (utilization.equals("auto") && !live);
            scorer = new ExtenderServer.ServerConfig.ScorerRole(scorerPort, loaded, synthetic);
        }
        var server = ExtenderServer.start(new ExtenderServer.ServerConfig(host, port, prefix, bodyLimitMb * 1024L * 1024L, tlsCert, tlsKey,
                source, config, manifests, parser.config(), grammar.catalog(), labels, chosen, filterMode, liveWeight, extenderRole, webhook, scorer));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return Cli.OK;
    }
}
