package io.kubegpu.webhook.quota;

import java.io.IOException;
import java.util.List;

/**
 * Where a quota's tickets are kept so that every webhook replica counts them: compare-and-set on a version, so two replicas
 * admitting at once cannot both take the last GPU (one of the writes fails and is decided again).
 */
public interface TicketStore {
    /**
     * A quota's tickets and the version they were read at.
     *
     * @param version opaque; {@code null} when nothing is stored yet
     */
    record Stored(List<Ticket> tickets, String version) {
        public Stored {
            tickets = List.copyOf(tickets);
        }

        public static final Stored EMPTY = new Stored(List.of(), null);
    }

    Stored read(String quota) throws IOException;

    /**
     * Replaces a quota's tickets if they are still at {@code version} ({@code null}: nothing stored yet).
     *
     * @return the new version, or {@code null} when someone wrote in between (read again and decide again)
     */
    String write(String quota, List<Ticket> tickets, String version) throws IOException;
}
