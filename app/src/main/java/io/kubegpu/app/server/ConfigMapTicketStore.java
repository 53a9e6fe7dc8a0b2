package io.kubegpu.app.server;

import io.kubegpu.api.LogSafe;
import io.kubegpu.webhook.quota.Ticket;
import io.kubegpu.webhook.quota.TicketCodec;
import io.kubegpu.webhook.quota.TicketStore;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A quota's tickets in a ConfigMap of the webhook's namespace ({@code kube-gpu-extender-quota-<quota>}, key {@code tickets}),
 * written with the object's resourceVersion: the API server refuses a write based on an older version (409), which is how two
 * webhook replicas admitting at once for one quota are told apart. The API calls have a short timeout, inside the API server's
 * own webhook timeout.
 */
final class ConfigMapTicketStore implements TicketStore {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigMapTicketStore.class);
    static final String PREFIX = "kube-gpu-extender-quota-";
    static final String KEY = "tickets";

    private final CoreV1Api api;
    private final String namespace;

    /** @param client a client whose calls time out quickly (the webhook must answer within seconds) */
    ConfigMapTicketStore(ApiClient client, String namespace) {
        this.api = new CoreV1Api(client);
        this.namespace = namespace;
    }

    static String name(String quota) {
        return PREFIX + quota;
    }

    @Override
    public Stored read(String quota) throws IOException {
        V1ConfigMap map;
        try {
            map = api.readNamespacedConfigMap(name(quota), namespace).execute();
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return Stored.EMPTY;
            }
            throw failure("read", quota, e);
        }
        String text = map.getData() == null ? null : map.getData().get(KEY);
        List<Ticket> tickets;
        try {
            tickets = TicketCodec.decode(text);
        } catch (IllegalArgumentException e) {
            // Someone edited it by hand: its tickets are lost (they lapse within minutes anyway) and the next write repairs it.
            LOG.warn("ConfigMap {}/{} does not hold quota tickets ({}); starting it anew", namespace, name(quota), LogSafe.quote(e.getMessage()));
            tickets = List.of();
        }
        return new Stored(tickets, map.getMetadata().getResourceVersion());
    }

    @Override
    public String write(String quota, List<Ticket> tickets, String version) throws IOException {
        V1ConfigMap map = new V1ConfigMap().apiVersion("v1").kind("ConfigMap")
                .metadata(new V1ObjectMeta().name(name(quota)).namespace(namespace).resourceVersion(version)
                        .labels(Map.of("app.kubernetes.io/name", "kube-gpu-extender", "app.kubernetes.io/component", "quota-ledger")))
                .data(Map.of(KEY, TicketCodec.encode(tickets)));
        try {
            V1ConfigMap written = version == null ? api.createNamespacedConfigMap(namespace, map).execute()
                    : api.replaceNamespacedConfigMap(name(quota), namespace, map).execute();
            return written.getMetadata().getResourceVersion();
        } catch (ApiException e) {
            if (e.getCode() == 409) {
                return null; // Created or changed by another replica since we read it.
            }
            throw failure("write", quota, e);
        }
    }

    private IOException failure(String what, String quota, ApiException e) {
        String detail = e.getCode() == 0 ? String.valueOf(e.getMessage()) : "HTTP " + e.getCode();
        return new IOException("cannot " + what + " ConfigMap " + namespace + "/" + name(quota) + ": " + detail, e);
    }
}
