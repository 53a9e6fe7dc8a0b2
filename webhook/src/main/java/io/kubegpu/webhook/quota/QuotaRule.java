package io.kubegpu.webhook.quota;

import io.kubegpu.api.Annotations;
import io.kubegpu.request.GpuRequest;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The quota decision: a pod is admitted when, for every limit that applies to it, what is used plus what it asks stays
 * within the limit. Pure: the ledger supplies what is used.
 */
public final class QuotaRule {
    private QuotaRule() {
    }

    /**
     * A limit the pod would break.
     *
     * @param key    the limit's key
     * @param memory true for a shared-memory limit (MiB), false for GPUs (thousandths)
     * @param limit  the limit
     * @param used   used before the pod: bound and pending pods plus pods admitted and not yet seen
     * @param asked  what the pod adds
     */
    public record Excess(QuotaKey key, boolean memory, long limit, long used, long asked) {
    }

    /** Every limit of {@code quota} that {@code used + charges} would break, in the quota's key order. */
    public static List<Excess> excesses(Quota quota, Map<QuotaKey, Amount> used, Map<QuotaKey, Amount> charges) {
        List<Excess> out = new ArrayList<>();
        for (Map.Entry<QuotaKey, Amount> charge : charges.entrySet()) {
            QuotaKey key = charge.getKey();
            Amount before = used.getOrDefault(key, Amount.ZERO);
            Long gpuLimit = quota.gpuMilli().get(key);
            if (gpuLimit != null && charge.getValue().milli() > 0 && before.milli() + charge.getValue().milli() > gpuLimit) {
                out.add(new Excess(key, false, gpuLimit, before.milli(), charge.getValue().milli()));
            }
            Long memoryLimit = quota.sharedMemoryMiB().get(key);
            if (memoryLimit != null && charge.getValue().mib() > 0 && before.mib() + charge.getValue().mib() > memoryLimit) {
                out.add(new Excess(key, true, memoryLimit, before.mib(), charge.getValue().mib()));
            }
        }
        return out;
    }

    /**
     * The refusal: the request, the quota, what is used of each broken limit and what the pod asks, and how to get more.
     * E.g. {@code kubegpu.io/gpu '4(A100)' would exceed quota team-a: A100 GPUs 6 of 8 are in use or admitted in namespace
     * team-a and this pod asks for 4; …}
     */
    public static String message(Quota quota, List<Excess> excesses, GpuUse ask, String request) {
        String parts = excesses.stream().map(e -> (e.memory() ? "shared GPU memory on " + label(e.key()) + " " + memory(e.used()) + " of "
                + memory(e.limit()) : label(e.key()) + " GPUs " + gpus(e.used()) + " of " + gpus(e.limit())) + " are in use or admitted and this pod asks for "
                + (e.memory() ? memory(e.asked()) : gpus(e.asked()))).collect(Collectors.joining("; "));
        StringBuilder out = new StringBuilder(Annotations.GPU).append(" '").append(request).append("' would exceed quota ").append(quota.name())
                .append(" (namespace").append(quota.namespaces().size() > 1 ? "s " : " ").append(String.join(", ", quota.namespaces())).append("): ")
                .append(parts).append(". ");
        java.util.Set<String> fullModels = new java.util.HashSet<>();
        excesses.stream().filter(e -> e.key().kind() == QuotaKey.Kind.MODEL).forEach(e -> fullModels.addAll(e.key().modelIds()));
        boolean onlyModelLimits = excesses.stream().allMatch(e -> e.key().kind() == QuotaKey.Kind.MODEL);
        // Other models might still have room: say how to ask for them.
        if (onlyModelLimits && (ask.anyModel() || !fullModels.containsAll(ask.modelIds()))) {
            out.append("Until it is placed, a pod counts against every capped model it may land on: name models with room left, ")
                    .append("e.g. '").append(request.replaceAll("\\(.*\\)$", "")).append("(<model>)'. ");
        }
        out.append("To get more: wait for or delete pods of the quota (the webhook's /quotas lists them), or ask the platform team to raise ")
                .append(quota.name()).append("'s ").append(excesses.stream().map(e -> e.key().text()).distinct().collect(Collectors.joining(", ")))
                .append(" limit in the quota file");
        return out.toString();
    }

    /** The refusal of a pod above the quota's per-pod cap. */
    public static String perPodMessage(Quota quota, GpuUse ask, String request) {
        return Annotations.GPU + " '" + request + "' asks for " + gpus(ask.milli()) + " GPU; quota " + quota.name() + " allows at most "
                + gpus(quota.perPodMilli()) + " per pod (ask the platform team to raise perPod of " + quota.name() + " in the quota file)";
    }

    private static String label(QuotaKey key) {
        return key.kind() == QuotaKey.Kind.ALL ? "all" : key.text();
    }

    /** Thousandths of a GPU as a number of GPUs: {@code 6}, {@code 0.5}. */
    public static String gpus(long milli) {
        return milli % 1000 == 0 ? Long.toString(milli / 1000) : BigDecimal.valueOf(milli, 3).stripTrailingZeros().toPlainString();
    }

    /** MiB as the request grammar writes memory: {@code 48G}, {@code 512M}. */
    public static String memory(long mib) {
        return GpuRequest.formatMemory(mib);
    }
}
