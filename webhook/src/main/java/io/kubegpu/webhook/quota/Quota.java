package io.kubegpu.webhook.quota;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One team's quota: the namespaces it covers and its limits. A pod is charged against every limit whose key
 * {@linkplain QuotaKey#applies applies} to it.
 *
 * @param name            the quota's name (usually the team's), in refusals, {@code /quotas} and metrics
 * @param namespaces      the namespaces whose pods it counts
 * @param gpuMilli        GPUs per key, in thousandths
 * @param sharedMemoryMiB GPU memory of shares per key, MiB
 * @param perPodMilli     most GPUs one pod may ask for, in thousandths; 0 for no such cap
 */
public record Quota(String name, List<String> namespaces, Map<QuotaKey, Long> gpuMilli, Map<QuotaKey, Long> sharedMemoryMiB,
                    long perPodMilli) {
    public Quota {
        Objects.requireNonNull(name, "name");
        namespaces = List.copyOf(namespaces);
        gpuMilli = Map.copyOf(gpuMilli);
        sharedMemoryMiB = Map.copyOf(sharedMemoryMiB);
    }

    /** Every key with a limit, {@code *} first, then vendors, then models. */
    public List<QuotaKey> keys() {
        TreeSet<QuotaKey> keys = new TreeSet<>(QuotaKey.ORDER);
        keys.addAll(gpuMilli.keySet());
        keys.addAll(sharedMemoryMiB.keySet());
        return List.copyOf(keys);
    }

    /** What a use is charged, per key it applies to (in {@link #keys()} order). */
    public Map<QuotaKey, Amount> charges(GpuUse use) {
        Map<QuotaKey, Amount> out = new LinkedHashMap<>();
        for (QuotaKey key : keys()) {
            if (key.applies(use)) {
                out.put(key, use.amount());
            }
        }
        return out;
    }
}
