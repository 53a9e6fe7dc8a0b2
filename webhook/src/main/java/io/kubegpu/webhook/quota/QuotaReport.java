package io.kubegpu.webhook.quota;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code /quotas} shows: each quota's limits and what uses them — bound pods, pending pods, pods admitted and not yet
 * seen — and the latest refusals with their messages, so a user can see why a pod was refused.
 *
 * @param synced    whether the webhook's watch of pods has synced (decisions wait for it)
 * @param source    the quota file
 * @param ticketTtl how long an admitted pod counts before the watch must show it
 * @param quotas    per quota
 * @param refusals  the latest refusals, newest first
 */
public record QuotaReport(boolean synced, String source, Duration ticketTtl, List<QuotaStatus> quotas, List<QuotaLedger.Refusal> refusals) {

    /**
     * One quota.
     *
     * @param quota      its definition
     * @param limits     per key, what is used of it
     * @param pods       the pods that count (bound and pending)
     * @param unseen     pods admitted and not yet shown by the watch
     * @param storeError why the admitted-not-seen list could not be read afresh, or null
     */
    public record QuotaStatus(Quota quota, List<LimitStatus> limits, List<QuotaLedger.SeenPod> pods, List<Ticket> unseen, String storeError) {
    }

    /**
     * One key of a quota. GPUs in thousandths, memory in MiB; a limit of -1 when the key has none of that kind.
     *
     * @param bound    held by bound pods
     * @param pending  asked by pods not yet bound (counted against every capped model they may land on)
     * @param admitted asked by pods admitted and not yet seen
     */
    public record LimitStatus(QuotaKey key, long gpuLimitMilli, long memoryLimitMiB, Amount bound, Amount pending, Amount admitted) {
        public Amount used() {
            return bound.plus(pending).plus(admitted);
        }
    }

    static QuotaStatus status(Quota quota, List<QuotaLedger.SeenPod> pods, List<Ticket> unseen, String storeError) {
        List<LimitStatus> limits = new ArrayList<>();
        for (QuotaKey key : quota.keys()) {
            Amount bound = Amount.ZERO;
            Amount pending = Amount.ZERO;
            Amount admitted = Amount.ZERO;
            for (QuotaLedger.SeenPod pod : pods) {
                if (key.applies(pod.use())) {
                    if (pod.use().bound()) {
                        bound = bound.plus(pod.use().amount());
                    } else {
                        pending = pending.plus(pod.use().amount());
                    }
                }
            }
            for (Ticket ticket : unseen) {
                if (key.applies(ticket.use())) {
                    admitted = admitted.plus(ticket.use().amount());
                }
            }
            limits.add(new LimitStatus(key, quota.gpuMilli().getOrDefault(key, -1L), quota.sharedMemoryMiB().getOrDefault(key, -1L), bound, pending,
                    admitted));
        }
        return new QuotaStatus(quota, limits, pods, unseen, storeError);
    }

    /** The status of one quota by name. */
    public java.util.Optional<QuotaStatus> quota(String name) {
        return quotas.stream().filter(q -> q.quota().name().equals(name)).findFirst();
    }

    /** Used per key of one quota, for tests and tools. */
    public Map<String, Amount> used(String quota) {
        Map<String, Amount> out = new java.util.LinkedHashMap<>();
        quota(quota).ifPresent(q -> q.limits().forEach(l -> out.put(l.key().text(), l.used())));
        return out;
    }
}
