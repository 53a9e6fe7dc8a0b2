package io.kubegpu.app.server;

import io.kubegpu.app.server.ServerSettings.ClusterSource;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.watch.KubeClients;
import io.kubegpu.cluster.watch.KubeClusterWatcher;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.webhook.http.QuotaMetrics;
import io.kubegpu.webhook.http.QuotaRoutes;
import io.kubegpu.webhook.mutation.FleetFeasibility;
import io.kubegpu.webhook.mutation.NamespaceGroups;
import io.kubegpu.webhook.quota.QuotaFile;
import io.kubegpu.webhook.quota.QuotaFileException;
import io.kubegpu.webhook.quota.QuotaLedger;
import io.kubegpu.webhook.quota.QuotaSpec;
import io.kubernetes.client.openapi.ApiClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the webhook's quotas and group pools need around the pure mutation: the quota ledger with its ticket store
 * (ConfigMaps) and its feed from the pod watch, the quota file's reloads, the namespaces' groups, {@code /quotas} and the
 * quota metrics. Both need a live cluster.
 */
final class WebhookEdges {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookEdges.class);
    /** API calls made while an admission waits: well inside the API server's webhook timeout (5 s as shipped). */
    static final Duration ADMISSION_CALL_TIMEOUT = Duration.ofSeconds(2);
    static final Duration RELOAD_CHECK = Duration.ofSeconds(5);

    private final QuotaLedger ledger;
    private final QuotaFeed feed;
    private final QuotaFileReloader reloader;
    private final MeterRegistry registry;
    private final ApiClient requests;
    private final String groupLabel;
    private volatile NamespaceGroupWatch groups;

    private WebhookEdges(QuotaLedger ledger, QuotaFeed feed, QuotaFileReloader reloader, MeterRegistry registry, ApiClient requests,
                         String groupLabel) {
        this.ledger = ledger;
        this.feed = feed;
        this.reloader = reloader;
        this.registry = registry;
        this.requests = requests;
        this.groupLabel = groupLabel;
    }

    static WebhookEdges create(ServerSettings settings, ClusterState state, ClusterConfig cluster, FleetFeasibility fleet, Clock clock,
                               MeterRegistry registry) throws IOException {
        var role = settings.webhook();
        if (role == null || role.quotas() == null && role.mutation().pools() == null) {
            return new WebhookEdges(null, null, null, registry, null, null);
        }
        if (!(settings.source() instanceof ClusterSource.Kubernetes live)) {
            throw new IOException((role.quotas() != null ? "quotas count the cluster's pods" : "group pools read the namespaces' groups")
                    + ": the webhook needs a live cluster (give --kubeconfig or --in-cluster)");
        }
        String groupLabel = role.mutation().pools() == null ? null : role.mutation().pools().namespaceLabel();
        var quotas = role.quotas();
        QuotaFileReloader reloader = null;
        QuotaSpec spec = null;
        if (quotas != null) {
            // The file first: a bad one is the user's to fix before anything connects.
            reloader = new QuotaFileReloader(quotas.file(), new QuotaFile(settings.common().catalog(), settings.common().grammar().vendors()),
                    registry);
            try {
                spec = reloader.load();
            } catch (QuotaFileException e) {
                throw new IOException(e.getMessage(), e);
            } catch (IOException e) {
                throw new IOException("cannot read the quota file " + quotas.file() + ": " + e.getMessage(), e);
            }
        }
        ApiClient requests = KubeClients.forWatching(live.kubeconfig());
        requests.setHttpClient(requests.getHttpClient().newBuilder().callTimeout(ADMISSION_CALL_TIMEOUT).build());
        if (quotas == null) {
            return new WebhookEdges(null, null, null, registry, requests, groupLabel);
        }
        QuotaLedger ledger = new QuotaLedger(spec, new ConfigMapTicketStore(requests, quotas.ledgerNamespace()), clock, quotas.ticketTtl());
        reloader.attach(ledger);
        QuotaFeed feed = new QuotaFeed(ledger, state, cluster, new GpuRequestParser(settings.common().grammar()), fleet);
        LOG.info("quotas from {}: {} ({} s to see an admitted pod; tickets in ConfigMaps of namespace {})", quotas.file(),
                spec.quotas().stream().map(q -> q.name() + " " + q.namespaces()).toList(), quotas.ticketTtl().toSeconds(), quotas.ledgerNamespace());
        return new WebhookEdges(ledger, feed, reloader, registry, requests, groupLabel);
    }

    List<KubeClusterWatcher.PodListener> podListeners() {
        return feed == null ? List.of() : List.of(feed);
    }

    /** Starts the namespace watch of group pools, on the watching client. */
    void start(ApiClient watching, Resources resources) {
        if (groupLabel != null) {
            groups = resources.add("namespace watch", new NamespaceGroupWatch(watching, requests, groupLabel));
            groups.start();
        }
    }

    /** Ready when the quota ledger has the pods and the namespaces are known. */
    boolean synced() {
        return (ledger == null || ledger.synced()) && (groups == null || groups.synced());
    }

    QuotaLedger quotas() {
        return ledger;
    }

    NamespaceGroups groups() {
        return groups;
    }

    /** {@code /quotas} on the health listener, metrics refreshed and the quota file checked every few seconds. */
    void mount(Router health, Periodic periodic) {
        if (ledger == null) {
            return;
        }
        new QuotaRoutes(ledger, reloader::lastError).mount(health);
        QuotaMetrics metrics = new QuotaMetrics(ledger, registry);
        metrics.refresh();
        periodic.every(RELOAD_CHECK, () -> {
            reloader.reloadIfChanged();
            metrics.refresh();
        });
    }
}
