package io.kubegpu.app.server;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.model.ModelLabelSource;
import io.kubegpu.extender.decision.Policy;
import io.kubegpu.extender.service.FilterMode;
import io.kubegpu.extender.service.NoFitReply;
import io.kubegpu.request.GrammarConfig;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.webhook.mutation.MutationConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything one {@code serve} process runs with, grouped by what uses it. A role that is off is {@code null}. The
 * command line builds it (and validates it first); tests build it directly with the {@code with…} methods.
 *
 * @param common    the request grammar, GPU catalog and node-label strategies every role shares
 * @param source    where the cluster state comes from
 * @param health    the listener of {@code /healthz}, {@code /readyz}, {@code /metrics} and {@code /explain} when it is not
 *                  the extender's own (so the extender's verbs can stay on loopback); {@code null} to serve them on
 *                  {@link #main}
 * @param main      the listener of the extender's verbs (and of health and metrics when {@code health} is null); it
 *                  runs whatever the roles, for health and metrics
 * @param extender  the scheduler extender, or null
 * @param webhook   the admission webhook, or null
 * @param scorer    the utilization scorer, or null
 * @param controllers the platform's controllers, or null
 * @param console   the web console, or null
 */
public record ServerSettings(Common common, ClusterSource source, Endpoint health, Endpoint main, ExtenderRole extender,
                             WebhookRole webhook, ScorerRole scorer, ControllersRole controllers, ConsoleRole console) {
    public ServerSettings {
        Objects.requireNonNull(common, "common");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(main, "main");
    }

    /** The built-in sample cluster, the extender on a free loopback port, no other role: what most tests start from. */
    public static ServerSettings embedded() {
        return new ServerSettings(Common.defaults(), new ClusterSource.Sample(), null, Endpoint.loopback(0), ExtenderRole.defaults(), null, null,
                null, null);
    }

    public ServerSettings withSource(ClusterSource value) {
        return new ServerSettings(common, value, health, main, extender, webhook, scorer, controllers, console);
    }

    public ServerSettings withHealth(Endpoint value) {
        return new ServerSettings(common, source, value, main, extender, webhook, scorer, controllers, console);
    }

    public ServerSettings withMain(Endpoint value) {
        return new ServerSettings(common, source, health, value, extender, webhook, scorer, controllers, console);
    }

    public ServerSettings withExtender(ExtenderRole value) {
        return new ServerSettings(common, source, health, main, value, webhook, scorer, controllers, console);
    }

    public ServerSettings withWebhook(WebhookRole value) {
        return new ServerSettings(common, source, health, main, extender, value, scorer, controllers, console);
    }

    public ServerSettings withScorer(ScorerRole value) {
        return new ServerSettings(common, source, health, main, extender, webhook, value, controllers, console);
    }

    public ServerSettings withControllers(ControllersRole value) {
        return new ServerSettings(common, source, health, main, extender, webhook, scorer, value, console);
    }

    public ServerSettings withConsole(ConsoleRole value) {
        return new ServerSettings(common, source, health, main, extender, webhook, scorer, controllers, value);
    }

    /** What every role reads nodes, pods and requests with. */
    public record Common(GrammarConfig grammar, GpuCatalog catalog, List<ModelLabelSource> labelSources) {
        public Common {
            Objects.requireNonNull(grammar, "grammar");
            Objects.requireNonNull(catalog, "catalog");
            labelSources = List.copyOf(labelSources);
        }

        public static Common defaults() {
            return new Common(GrammarConfig.defaults(), GpuCatalog.builtIn(), List.of(ModelLabelSource.GFD, ModelLabelSource.GPU_TYPE));
        }

        /** How nodes and pods are read with these settings: the grammar's vendors, the catalog, the label sources. */
        public io.kubegpu.cluster.model.ClusterConfig clusterConfig() {
            return new io.kubegpu.cluster.model.ClusterConfig(grammar.vendors(), labelSources, catalog,
                    io.kubegpu.cluster.model.ClusterConfig.GpushareResources.DEFAULT);
        }
    }

    /** Where the cluster state comes from. */
    public sealed interface ClusterSource {
        /** The built-in sample cluster (the demo). */
        record Sample() implements ClusterSource {
        }

        /** Node and Pod manifests from a file. */
        record Manifests(Path file) implements ClusterSource {
        }

        /** A live cluster through a kubeconfig, or the in-cluster service account when {@code kubeconfig} is null. */
        record Kubernetes(Path kubeconfig) implements ClusterSource {
            /** How the user named the cluster, for messages. */
            public String describe() {
                return kubeconfig == null ? "the in-cluster service account" : "kubeconfig " + kubeconfig;
            }
        }

        /** No cluster state at all: the scorer alone reads only Prometheus. */
        record None() implements ClusterSource {
        }
    }

    /** A TCP listener: address and port (0 picks a free one). */
    public record Endpoint(String host, int port) {
        public Endpoint {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port " + port + " is not within 0..65535");
            }
        }

        public static Endpoint loopback(int port) {
            return new Endpoint("127.0.0.1", port);
        }
    }

    /**
     * TLS of a listener.
     *
     * @param cert     PEM certificate (chain)
     * @param key      PEM private key
     * @param clientCa PEM CA that client certificates must be signed by (mutual TLS), or null to accept any client
     */
    public record Tls(Path cert, Path key, Path clientCa) {
        public Tls {
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * The scheduler extender.
     *
     * @param tls            HTTPS for the verbs (with client certificates for a standalone extender), or null for HTTP
     * @param prefix         URL prefix of the verbs, e.g. {@code /gpu-scheduler}, or empty
     * @param bodyLimitBytes largest request body
     * @param policy         the default placement policy
     * @param filterMode     what filter returns of the nodes a GPU pod fits
     * @param liveWeight     weight of live GPU utilization in node scores
     * @param schedulers     the {@code schedulerName}s whose pods bind may place
     * @param warmUpCalls    synthetic calls answered before {@code /readyz} says ready (0: none), see {@code ExtenderWarmUp}
     * @param noFitReply     how filter answers a GPU pod that fits no node; null: by the API server's version (see
     *                       {@link NoFitReply#forKubeScheduler}) when watching a cluster, {@code failed-nodes} otherwise
     */
    public record ExtenderRole(Tls tls, String prefix, long bodyLimitBytes, Policy policy, FilterMode filterMode, double liveWeight,
                               Set<String> schedulers, int warmUpCalls, NoFitReply noFitReply) {
        public ExtenderRole {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(filterMode, "filterMode");
            schedulers = Set.copyOf(schedulers);
            if (bodyLimitBytes <= 0) {
                throw new IllegalArgumentException("the body limit must be positive");
            }
            if (warmUpCalls < 0) {
                throw new IllegalArgumentException("the warm-up calls must be 0 or more");
            }
        }

        public static ExtenderRole defaults() {
            return new ExtenderRole(null, "", 8L << 20, Policy.FRAGMENTATION, FilterMode.BEST, 0.3, Set.of("default-scheduler"), 0, null);
        }

        public ExtenderRole withNoFitReply(NoFitReply value) {
            return new ExtenderRole(tls, prefix, bodyLimitBytes, policy, filterMode, liveWeight, schedulers, warmUpCalls, value);
        }

        public ExtenderRole withWarmUpCalls(int value) {
            return new ExtenderRole(tls, prefix, bodyLimitBytes, policy, filterMode, liveWeight, schedulers, value, noFitReply);
        }

        public ExtenderRole withPolicy(Policy value) {
            return new ExtenderRole(tls, prefix, bodyLimitBytes, value, filterMode, liveWeight, schedulers, warmUpCalls, noFitReply);
        }

        public ExtenderRole withSchedulers(Set<String> value) {
            return new ExtenderRole(tls, prefix, bodyLimitBytes, policy, filterMode, liveWeight, value, warmUpCalls, noFitReply);
        }

        public ExtenderRole withTls(Tls value) {
            return new ExtenderRole(value, prefix, bodyLimitBytes, policy, filterMode, liveWeight, schedulers, warmUpCalls, noFitReply);
        }

        public ExtenderRole withBodyLimitBytes(long value) {
            return new ExtenderRole(tls, prefix, value, policy, filterMode, liveWeight, schedulers, warmUpCalls, noFitReply);
        }
    }

    /**
     * The admission webhook: its HTTPS listener, PEM certificate and key (reloaded when they change), what it writes, and its
     * quotas (null for none).
     */
    public record WebhookRole(Endpoint listen, Path cert, Path key, MutationConfig mutation, Quotas quotas) {
        public WebhookRole {
            Objects.requireNonNull(listen, "listen");
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(mutation, "mutation");
        }

        /** Without quotas. */
        public WebhookRole(Endpoint listen, Path cert, Path key, MutationConfig mutation) {
            this(listen, cert, key, mutation, null);
        }

        public WebhookRole withQuotas(Quotas value) {
            return new WebhookRole(listen, cert, key, mutation, value);
        }

        public WebhookRole withMutation(MutationConfig value) {
            return new WebhookRole(listen, cert, key, value, quotas);
        }
    }

    /**
     * Per-team GPU quotas at admission.
     *
     * @param file            the quota file (reloaded when it changes)
     * @param ticketTtl       how long an admitted pod counts before the watch must show it
     * @param ledgerNamespace where the admitted-not-seen tickets are kept (ConfigMaps), shared by the webhook's replicas
     */
    public record Quotas(Path file, java.time.Duration ticketTtl, String ledgerNamespace) {
        public Quotas {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(ticketTtl, "ticketTtl");
            Objects.requireNonNull(ledgerNamespace, "ledgerNamespace");
        }
    }

    /**
     * The platform's controllers, run in the replica that holds the lease.
     *
     * @param controllers the controllers to run (built by the app from their names and options)
     * @param election    the lease they compete for
     */
    public record ControllersRole(java.util.List<io.kubegpu.controllers.GpuController> controllers,
                                  io.kubegpu.controllers.ControllerHost.Election election) {
        public ControllersRole {
            controllers = java.util.List.copyOf(controllers);
            Objects.requireNonNull(election, "election");
            if (controllers.isEmpty()) {
                throw new IllegalArgumentException("the controllers role needs at least one controller");
            }
        }
    }

    /**
     * The web console: its listener, how it runs (token, trend source), and the team groups of its Teams page.
     *
     * @param trendsFromScorer read trends from the scorer's Prometheus when the scorer reads Prometheus ({@code auto}); the
     *                         settings' own source otherwise
     */
    public record ConsoleRole(Endpoint listen, io.kubegpu.console.http.ConsoleSettings settings, io.kubegpu.console.view.TeamGroups teams,
                              boolean trendsFromScorer) {
        public ConsoleRole {
            Objects.requireNonNull(listen, "listen");
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(teams, "teams");
        }

        /** A free loopback port, no token, trends in memory, no team groups: what tests start from. */
        public static ConsoleRole defaults() {
            return new ConsoleRole(Endpoint.loopback(0), io.kubegpu.console.http.ConsoleSettings.defaults(), io.kubegpu.console.view.TeamGroups.NONE,
                    true);
        }

        public ConsoleRole withSettings(io.kubegpu.console.http.ConsoleSettings value) {
            return new ConsoleRole(listen, value, teams, trendsFromScorer);
        }

        public ConsoleRole withTeams(io.kubegpu.console.view.TeamGroups value) {
            return new ConsoleRole(listen, settings, value, trendsFromScorer);
        }
    }

    /**
     * The utilization scorer: its listener, configuration, whether it reads synthetic data (the demo), and the
     * custom.metrics.k8s.io API it serves for GPU autoscaling (null: not served).
     */
    public record ScorerRole(Endpoint listen, ScorerConfig config, boolean synthetic, CustomMetrics customMetrics) {
        public ScorerRole {
            Objects.requireNonNull(listen, "listen");
            Objects.requireNonNull(config, "config");
        }

        public ScorerRole(Endpoint listen, ScorerConfig config, boolean synthetic) {
            this(listen, config, synthetic, null);
        }

        public ScorerRole withCustomMetrics(CustomMetrics value) {
            return new ScorerRole(listen, config, synthetic, value);
        }
    }

    /**
     * The scorer's custom.metrics.k8s.io API: an HTTPS listener behind the API server's aggregation layer.
     *
     * @param listen   where it listens (the APIService's Service points here)
     * @param cert     PEM serving certificate, for the Service's DNS name
     * @param key      its PEM key
     * @param window   how far back each value averages DCGM's samples
     * @param cacheFor how long an answer is reused
     */
    public record CustomMetrics(Endpoint listen, Path cert, Path key, java.time.Duration window, java.time.Duration cacheFor) {
        public CustomMetrics {
            Objects.requireNonNull(listen, "listen");
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
            if (window.toSeconds() < 1 || cacheFor.isNegative()) {
                throw new IllegalArgumentException("the custom metrics window must be at least 1 s and the cache time not negative");
            }
        }
    }
}
