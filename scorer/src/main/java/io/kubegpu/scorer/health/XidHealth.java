package io.kubegpu.scorer.health;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which GPUs DCGM reports broken: a GPU whose last XID error in the window ({@code DCGM_FI_DEV_XID_ERRORS}, the code of
 * the last error) is one that means the hardware or driver failed — ECC double-bit errors, a GPU fallen off the bus,
 * page retirement and the like. The XIDs an application causes itself (illegal address, page fault from its own code,
 * a reset it asked for) are ignored, as NVIDIA's device plugin ignores them: taking a GPU away for a bug in one job
 * would punish every other tenant. A GPU comes back once its window holds no such error.
 */
public final class XidHealth {
    /** XIDs an application causes (NVIDIA device plugin's defaults): 13, 31, 43, 45, 68, 109. */
    public static final Set<Integer> APPLICATION_XIDS = Set.of(13, 31, 43, 45, 68, 109);

    /** One GPU's last XID code in the window, with the labels dcgm-exporter gave its series. */
    public record Sample(Map<String, String> labels, double lastXid) {
    }

    private XidHealth() {
    }

    /** Unhealthy GPU indices by node (dcgm-exporter's {@code Hostname}/{@code hostname} and {@code gpu} labels). */
    public static Map<String, List<Integer>> unhealthy(List<Sample> samples) {
        Map<String, SortedSet<Integer>> out = new TreeMap<>();
        for (Sample sample : samples) {
            if (!(sample.lastXid() > 0) || Double.isInfinite(sample.lastXid())) {
                continue;
            }
            int xid = (int) sample.lastXid();
            if (APPLICATION_XIDS.contains(xid)) {
                continue;
            }
            String node = first(sample.labels(), "Hostname", "hostname");
            String gpu = sample.labels().get("gpu");
            if (node == null || gpu == null) {
                continue;
            }
            try {
                int index = Integer.parseInt(gpu.trim());
                if (index >= 0 && index < 256) {
                    out.computeIfAbsent(node, n -> new TreeSet<>()).add(index);
                }
            } catch (NumberFormatException notAnIndex) {
                // A series without a usable index cannot name a GPU to avoid.
            }
        }
        Map<String, List<Integer>> result = new TreeMap<>();
        out.forEach((node, indices) -> result.put(node, List.copyOf(indices)));
        return result;
    }

    private static String first(Map<String, String> labels, String... keys) {
        for (String key : keys) {
            String value = labels.get(key);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
