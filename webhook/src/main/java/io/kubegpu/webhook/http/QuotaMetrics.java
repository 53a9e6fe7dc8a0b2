package io.kubegpu.webhook.http;

import io.kubegpu.webhook.quota.Amount;
import io.kubegpu.webhook.quota.Quota;
import io.kubegpu.webhook.quota.QuotaKey;
import io.kubegpu.webhook.quota.QuotaLedger;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Quota usage as metrics, refreshed periodically from what the ledger knows without asking the API server (pods seen, plus the
 * tickets it last read). Rows of quotas or keys that left the quota file disappear.
 *
 * <pre>
 * kubegpu_quota_used{team,model}                      gauge: GPUs used (bound, pending, admitted and not yet seen)
 * kubegpu_quota_limit{team,model}                     gauge: the GPU limit
 * kubegpu_quota_shared_memory_used_bytes{team,model}  gauge: GPU memory of shares used
 * kubegpu_quota_shared_memory_limit_bytes{team,model} gauge: the shared memory limit
 * </pre>
 */
public final class QuotaMetrics {
    private static final long MIB = 1024L * 1024;

    private final QuotaLedger ledger;
    private final MultiGauge used;
    private final MultiGauge limit;
    private final MultiGauge memoryUsed;
    private final MultiGauge memoryLimit;

    public QuotaMetrics(QuotaLedger ledger, MeterRegistry registry) {
        this.ledger = ledger;
        this.used = MultiGauge.builder("kubegpu.quota.used").description("GPUs a quota has used: bound, pending, and admitted not yet seen")
                .register(registry);
        this.limit = MultiGauge.builder("kubegpu.quota.limit").description("A quota's GPU limit").register(registry);
        this.memoryUsed = MultiGauge.builder("kubegpu.quota.shared.memory.used").baseUnit("bytes")
                .description("GPU memory of shares a quota has used").register(registry);
        this.memoryLimit = MultiGauge.builder("kubegpu.quota.shared.memory.limit").baseUnit("bytes")
                .description("A quota's limit of GPU memory of shares").register(registry);
    }

    public void refresh() {
        Map<String, Map<QuotaKey, Amount>> usage = ledger.usage(ledger.lastReadTickets());
        List<MultiGauge.Row<?>> usedRows = new ArrayList<>();
        List<MultiGauge.Row<?>> limitRows = new ArrayList<>();
        List<MultiGauge.Row<?>> memoryUsedRows = new ArrayList<>();
        List<MultiGauge.Row<?>> memoryLimitRows = new ArrayList<>();
        for (Quota quota : ledger.spec().quotas()) {
            Map<QuotaKey, Amount> of = usage.getOrDefault(quota.name(), Map.of());
            for (QuotaKey key : quota.keys()) {
                Tags tags = Tags.of("team", quota.name(), "model", key.text());
                Amount amount = of.getOrDefault(key, Amount.ZERO);
                Long gpus = quota.gpuMilli().get(key);
                if (gpus != null) {
                    usedRows.add(MultiGauge.Row.of(tags, amount.milli() / 1000.0));
                    limitRows.add(MultiGauge.Row.of(tags, gpus / 1000.0));
                }
                Long memory = quota.sharedMemoryMiB().get(key);
                if (memory != null) {
                    memoryUsedRows.add(MultiGauge.Row.of(tags, (double) amount.mib() * MIB));
                    memoryLimitRows.add(MultiGauge.Row.of(tags, (double) memory * MIB));
                }
            }
        }
        used.register(usedRows, true);
        limit.register(limitRows, true);
        memoryUsed.register(memoryUsedRows, true);
        memoryLimit.register(memoryLimitRows, true);
    }
}
