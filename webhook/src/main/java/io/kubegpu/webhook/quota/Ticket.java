package io.kubegpu.webhook.quota;

import java.time.Instant;
import java.util.Objects;

/**
 * A pod admitted and not yet seen: what it was charged and until when the charge holds unless the pod shows up. The webhook
 * writes its id on the pod ({@value #ANNOTATION}); the watch that then shows the pod counts the pod instead of the ticket. A
 * ticket whose pod never appears (a dry run the API server did not announce as one, a creation another check refused) lapses
 * at {@code expiresAt}.
 */
public record Ticket(String id, GpuUse use, Instant expiresAt) {
    /** The pod annotation naming the ticket it was admitted with. Only the webhook writes it. */
    public static final String ANNOTATION = "kubegpu.io/quota-ticket";

    public Ticket {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(use, "use");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
