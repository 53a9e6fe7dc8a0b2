package io.kubegpu.webhook.quota;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What each quota has used, and the admission decision against it. Used = pods the watch shows in the quota's namespaces
 * (bound or pending; a finished or deleted pod frees its share at once) + pods admitted and not seen yet (their
 * {@link Ticket}s, kept in a {@link TicketStore} that every webhook replica reads and writes).
 *
 * <p>Why this never overshoots: admissions of one quota in this process take turns (one lock per quota), each decides on
 * the tickets as last read and writes its own ticket with compare-and-set, so a write that raced another replica's fails and
 * is decided again on what that replica wrote. A pod counts once: by its ticket until this replica's watch shows it, then by
 * itself. Tickets lapse after their time to live, which only ever over-counts (a creation the API server refused after we
 * admitted it holds its ticket until then), never under-counts, as long as the watch shows a created pod within that time.
 *
 * <p>Pure: no I/O but the store's, an injected clock, no logging.
 */
public final class QuotaLedger {
    private static final int REFUSALS_KEPT = 50;
    /**
     * How long an admission keeps deciding again after another replica's write won. Every lost write is another admission
     * that went through, so the quota moves on; but a replica that lost must read and write while the winner, holding its
     * own last write, only writes, and in a burst the loser lost more than the 8 tries this once allowed (a two-replica
     * burst of 50 on a real API server refused a pod "being changed by other admissions"). Well inside the webhook's
     * 5 s timeout; each store call has its own 2 s bound.
     */
    static final Duration CONFLICT_BUDGET = Duration.ofSeconds(2);
    /** The bound where the clock stands still (a manual clock): every lost write was another admission's success. */
    static final int MAX_ATTEMPTS = 1_000;

    /**
     * A pod as the watch shows it.
     *
     * @param uid    its uid
     * @param name   {@code namespace/name}
     * @param use    the GPUs it asks for (holds, once bound)
     * @param holds  false once it finished (Succeeded, Failed): it counts no more but still settles its ticket
     * @param ticket the ticket it was admitted with, or null
     * @param node   the node it is bound to, or null
     */
    public record SeenPod(String uid, String name, GpuUse use, boolean holds, String ticket, String node) {
        public SeenPod {
            Objects.requireNonNull(uid, "uid");
            Objects.requireNonNull(use, "use");
        }
    }

    /**
     * A pod to admit.
     *
     * @param use     what it asks for
     * @param request its {@code kubegpu.io/gpu} string, for messages
     * @param pod     its name (or generateName), for the refusal log
     * @param dryRun  a dry run: decided, but nothing is charged
     */
    public record Ask(GpuUse use, String request, String pod, boolean dryRun) {
    }

    /** The answer to an {@link Ask}. */
    public sealed interface Decision permits Decision.NoQuota, Decision.Admitted, Decision.Refused {
        /** The namespace is in no quota. */
        record NoQuota() implements Decision {
        }

        /** Charged to {@code quota} under {@code ticket} (null for a dry run). */
        record Admitted(String quota, String ticket) implements Decision {
        }

        /** Refused, with the message the user sees. */
        record Refused(Kind kind, String quota, String message) implements Decision {
        }

        enum Kind {
            /** Used plus asked would pass a limit. */
            OVER_QUOTA,
            /** The pod alone asks for more than the quota's per-pod cap. */
            PER_POD,
            /** Usage cannot be known now (the watch has not synced, the ticket store does not answer): try again. */
            UNAVAILABLE
        }
    }

    /** A refusal, kept for {@code /quotas}. */
    public record Refusal(Instant at, String quota, String namespace, String pod, String request, String message) {
    }

    private record Seen(SeenPod pod, String quota, Map<QuotaKey, Amount> charges) {
    }

    /** A ticket the watch has shown a pod for, until it cannot be live any more. */
    private record Settled(String namespace, Amount amount, Instant forgetAt) {
    }

    private final TicketStore store;
    private final Clock clock;
    private final Duration ttl;
    private final Supplier<String> ids;
    private volatile QuotaSpec spec;

    private final Object state = new Object();
    private final Map<String, Seen> seen = new HashMap<>();
    private final Map<String, Map<QuotaKey, Amount>> seenTotals = new HashMap<>();
    private final Map<String, Settled> settled = new HashMap<>();
    private final Deque<Refusal> refusals = new ArrayDeque<>();
    private boolean synced;

    private final ConcurrentHashMap<String, Object> admissionLocks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TicketStore.Stored> lastRead = new ConcurrentHashMap<>();

    public QuotaLedger(QuotaSpec spec, TicketStore store, Clock clock, Duration ticketTtl) {
        this(spec, store, clock, ticketTtl, () -> UUID.randomUUID().toString());
    }

    QuotaLedger(QuotaSpec spec, TicketStore store, Clock clock, Duration ticketTtl, Supplier<String> ids) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ticketTtl, "ticketTtl");
        this.ids = ids;
        if (ticketTtl.isNegative() || ticketTtl.isZero()) {
            throw new IllegalArgumentException("the ticket time to live must be positive");
        }
    }

    public QuotaSpec spec() {
        return spec;
    }

    public Duration ticketTtl() {
        return ttl;
    }

    /** Puts a new quota file in force: every pod is counted again under it. */
    public void replaceSpec(QuotaSpec next) {
        synchronized (state) {
            spec = Objects.requireNonNull(next, "spec");
            List<SeenPod> pods = seen.values().stream().map(Seen::pod).toList();
            seen.clear();
            seenTotals.clear();
            pods.forEach(this::addSeen);
        }
    }

    /** Whether the watch has delivered its pods (false again while it lists anew): decisions wait for it. */
    public void markSynced(boolean value) {
        synchronized (state) {
            synced = value;
        }
    }

    public boolean synced() {
        synchronized (state) {
            return synced;
        }
    }

    /** A pod added or changed. */
    public void podSeen(SeenPod pod) {
        synchronized (state) {
            removeSeen(pod.uid());
            addSeen(pod);
        }
    }

    /** A pod deleted: its share is free at once. */
    public void podGone(String uid) {
        synchronized (state) {
            removeSeen(uid);
        }
    }

    /** A fresh list of every GPU pod: pods not in it are gone. */
    public void podsListed(Collection<SeenPod> pods) {
        synchronized (state) {
            seen.clear();
            seenTotals.clear();
            pods.forEach(this::addSeen);
        }
    }

    private void addSeen(SeenPod pod) {
        Instant now = clock.instant();
        if (pod.ticket() != null) {
            settled.put(pod.ticket(), new Settled(pod.use().namespace(), pod.use().amount(), now.plus(ttl.multipliedBy(2))));
        }
        settled.values().removeIf(s -> !s.forgetAt().isAfter(now));
        Optional<Quota> quota = spec.quotaFor(pod.use().namespace());
        Map<QuotaKey, Amount> charges = quota.isPresent() && pod.holds() ? quota.get().charges(pod.use()) : Map.of();
        seen.put(pod.uid(), new Seen(pod, quota.map(Quota::name).orElse(null), charges));
        if (!charges.isEmpty()) {
            Map<QuotaKey, Amount> totals = seenTotals.computeIfAbsent(quota.get().name(), q -> new HashMap<>());
            charges.forEach((key, amount) -> totals.merge(key, amount, Amount::plus));
        }
    }

    private void removeSeen(String uid) {
        Seen previous = seen.remove(uid);
        if (previous != null && !previous.charges().isEmpty()) {
            Map<QuotaKey, Amount> totals = seenTotals.get(previous.quota());
            previous.charges().forEach((key, amount) -> totals.merge(key, amount.negate(), Amount::plus));
        }
    }

    /** Decides an admission and, unless it is a dry run or refused, charges it. Thread-safe. */
    public Decision admit(Ask ask) {
        Optional<Quota> found = spec.quotaFor(ask.use().namespace());
        if (found.isEmpty()) {
            return new Decision.NoQuota();
        }
        Quota quota = found.get();
        if (quota.perPodMilli() > 0 && ask.use().milli() > quota.perPodMilli()) {
            return refuse(Decision.Kind.PER_POD, quota, ask, QuotaRule.perPodMessage(quota, ask.use(), ask.request()));
        }
        if (!synced()) {
            return refuse(Decision.Kind.UNAVAILABLE, quota, ask, "quota " + quota.name() + " cannot be checked yet: the webhook is still reading "
                    + "the cluster's pods; try again in a moment");
        }
        Map<QuotaKey, Amount> charges = quota.charges(ask.use());
        synchronized (admissionLocks.computeIfAbsent(quota.name(), q -> new Object())) {
            Instant giveUp = clock.instant().plus(CONFLICT_BUDGET);
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                TicketStore.Stored stored;
                try {
                    stored = lastRead.get(quota.name());
                    if (stored == null) {
                        stored = store.read(quota.name());
                        lastRead.put(quota.name(), stored);
                    }
                } catch (IOException | RuntimeException e) {
                    return unavailable(quota, ask, e);
                }
                Instant now = clock.instant();
                List<Ticket> live = stored.tickets().stream().filter(t -> t.expiresAt().isAfter(now)).toList();
                List<QuotaRule.Excess> excesses = QuotaRule.excesses(quota, used(quota, live), charges);
                if (!excesses.isEmpty()) {
                    return refuse(Decision.Kind.OVER_QUOTA, quota, ask, QuotaRule.message(quota, excesses, ask.use(), ask.request()));
                }
                if (ask.dryRun()) {
                    return new Decision.Admitted(quota.name(), null);
                }
                Ticket ticket = new Ticket(ids.get(), ask.use(), now.plus(ttl));
                List<Ticket> next = new ArrayList<>(live);
                next.add(ticket);
                String version;
                try {
                    version = store.write(quota.name(), next, stored.version());
                } catch (IOException | RuntimeException e) {
                    lastRead.remove(quota.name());
                    return unavailable(quota, ask, e);
                }
                if (version != null) {
                    lastRead.put(quota.name(), new TicketStore.Stored(next, version));
                    return new Decision.Admitted(quota.name(), ticket.id());
                }
                lastRead.remove(quota.name()); // Another replica wrote: read what it wrote and decide again.
                if (!clock.instant().isBefore(giveUp)) {
                    break;
                }
            }
            return refuse(Decision.Kind.UNAVAILABLE, quota, ask, "quota " + quota.name() + " is being changed by other admissions at the same "
                    + "moment; try again");
        }
    }

    /** What the quota has used: pods seen, plus live tickets whose pods are not seen yet. */
    private Map<QuotaKey, Amount> used(Quota quota, List<Ticket> live) {
        synchronized (state) {
            Map<QuotaKey, Amount> out = new HashMap<>(seenTotals.getOrDefault(quota.name(), Map.of()));
            for (Ticket ticket : live) {
                if (!settled(ticket) && quota.namespaces().contains(ticket.use().namespace())) {
                    quota.charges(ticket.use()).forEach((key, amount) -> out.merge(key, amount, Amount::plus));
                }
            }
            return out;
        }
    }

    /**
     * Whether the watch has shown the ticket's pod. The pod must be in the ticket's namespace and ask for at least as much:
     * a pod that copied another's ticket annotation cannot make that one's charge disappear.
     */
    private boolean settled(Ticket ticket) {
        Settled s = settled.get(ticket.id());
        return s != null && s.namespace().equals(ticket.use().namespace()) && s.amount().covers(ticket.use().amount());
    }

    private Decision unavailable(Quota quota, Ask ask, Exception e) {
        return refuse(Decision.Kind.UNAVAILABLE, quota, ask, "quota " + quota.name() + " cannot be checked now: its ledger cannot be read or "
                + "written (" + e.getMessage() + "); try again in a moment");
    }

    private Decision refuse(Decision.Kind kind, Quota quota, Ask ask, String message) {
        synchronized (state) {
            refusals.addFirst(new Refusal(clock.instant(), quota.name(), ask.use().namespace(), ask.pod(), ask.request(), message));
            while (refusals.size() > REFUSALS_KEPT) {
                refusals.removeLast();
            }
        }
        return new Decision.Refused(kind, quota.name(), message);
    }

    /** Tickets as this replica last read or wrote them, live ones only; for metrics, which must not wait on the API. */
    public Map<String, List<Ticket>> lastReadTickets() {
        Instant now = clock.instant();
        Map<String, List<Ticket>> out = new HashMap<>();
        lastRead.forEach((quota, stored) -> out.put(quota, stored.tickets().stream().filter(t -> t.expiresAt().isAfter(now)).toList()));
        return out;
    }

    /**
     * Usage per quota and key: seen pods plus live unseen tickets, from {@code tickets} (a fresh read for {@code /quotas}, the
     * last one for metrics).
     */
    public Map<String, Map<QuotaKey, Amount>> usage(Map<String, List<Ticket>> tickets) {
        Map<String, Map<QuotaKey, Amount>> out = new HashMap<>();
        Instant now = clock.instant();
        for (Quota quota : spec.quotas()) {
            List<Ticket> live = tickets.getOrDefault(quota.name(), List.of()).stream().filter(t -> t.expiresAt().isAfter(now)).toList();
            out.put(quota.name(), used(quota, live));
        }
        return out;
    }

    /** The tickets of every quota read afresh from the store (a quota whose read fails keeps its last read, marked in the report). */
    public Map<String, List<Ticket>> readTickets(Map<String, String> errors) {
        Map<String, List<Ticket>> out = new HashMap<>();
        for (Quota quota : spec.quotas()) {
            try {
                out.put(quota.name(), store.read(quota.name()).tickets());
            } catch (IOException | RuntimeException e) {
                errors.put(quota.name(), String.valueOf(e.getMessage()));
                out.put(quota.name(), lastReadTickets().getOrDefault(quota.name(), List.of()));
            }
        }
        return out;
    }

    /** Everything {@code /quotas} shows: limits, what is used and by whom, unseen admissions, recent refusals. */
    public QuotaReport report() {
        Map<String, String> errors = new HashMap<>();
        Map<String, List<Ticket>> tickets = readTickets(errors);
        Instant now = clock.instant();
        synchronized (state) {
            List<QuotaReport.QuotaStatus> quotas = new ArrayList<>();
            for (Quota quota : spec.quotas()) {
                List<Ticket> unseen = tickets.getOrDefault(quota.name(), List.of()).stream()
                        .filter(t -> t.expiresAt().isAfter(now) && !settled(t) && quota.namespaces().contains(t.use().namespace())).toList();
                List<SeenPod> pods = seen.values().stream().filter(s -> quota.name().equals(s.quota()) && s.pod().holds()).map(Seen::pod)
                        .sorted(java.util.Comparator.comparing(SeenPod::name)).toList();
                quotas.add(QuotaReport.status(quota, pods, unseen, errors.get(quota.name())));
            }
            return new QuotaReport(synced, spec.source(), ttl, quotas, List.copyOf(refusals));
        }
    }
}
