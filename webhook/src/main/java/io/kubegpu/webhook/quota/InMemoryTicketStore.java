package io.kubegpu.webhook.quota;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Tickets in this process only: for a single webhook without a cluster to write to, and for tests, where two ledgers sharing one
 * instance behave as two replicas sharing the API server's object.
 */
public final class InMemoryTicketStore implements TicketStore {
    private final Map<String, Stored> byQuota = new HashMap<>();
    private long versions;

    @Override
    public synchronized Stored read(String quota) {
        return byQuota.getOrDefault(quota, Stored.EMPTY);
    }

    @Override
    public synchronized String write(String quota, List<Ticket> tickets, String version) {
        Stored current = byQuota.getOrDefault(quota, Stored.EMPTY);
        if (!Objects.equals(current.version(), version)) {
            return null;
        }
        String next = Long.toString(++versions);
        byQuota.put(quota, new Stored(tickets, next));
        return next;
    }
}
