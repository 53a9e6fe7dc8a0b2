package io.kubegpu.scorer.action;

import io.kubegpu.scorer.score.GpuKey;
import io.kubegpu.scorer.score.GpuScore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Once per cooldown per GPU and pod: a GPU that stays idle is reported when it turns idle and then once per
 * cooldown, not every interval. A delivery that failed for good {@link #release releases} its marks, so the
 * next analysis tries again. Shared by the control API and every notification channel (each has its own).
 */
public final class Cooldown {
    private final Duration period;
    private final Map<GpuKey, Instant> marked = new ConcurrentHashMap<>();

    public Cooldown(Duration period) {
        this.period = period;
    }

    /** Those of {@code gpus} outside their cooldown at {@code now}, each now marked as sent at {@code now}. */
    public List<GpuScore> take(List<GpuScore> gpus, Instant now) {
        List<GpuScore> due = new ArrayList<>();
        for (GpuScore gpu : gpus) {
            Instant last = marked.get(gpu.key());
            if (last == null || Duration.between(last, now).compareTo(period) >= 0) {
                marked.put(gpu.key(), now);
                due.add(gpu);
            }
        }
        return due;
    }

    /** Forgets the marks {@link #take} made at {@code at} for {@code gpus}: their delivery failed. */
    public void release(List<GpuScore> gpus, Instant at) {
        gpus.forEach(gpu -> marked.remove(gpu.key(), at));
    }
}
