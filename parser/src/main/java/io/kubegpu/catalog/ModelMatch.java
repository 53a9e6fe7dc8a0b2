package io.kubegpu.catalog;

import java.util.Comparator;
import java.util.List;

/**
 * What a model token resolved to: one model, or a family of sizes (e.g. {@code A100} → 40 and 80 GB).
 *
 * @param token  the token as it was looked up
 * @param models the matching models, smallest memory first; never empty
 */
public record ModelMatch(String token, List<GpuModel> models) {
    public ModelMatch {
        models = models.stream().sorted(Comparator.comparingInt(GpuModel::memoryMiB).thenComparing(GpuModel::id)).toList();
        if (models.isEmpty()) {
            throw new IllegalArgumentException("a match has at least one model");
        }
    }

    public boolean isFamily() {
        return models.size() > 1;
    }

    /** The model the memory guard judges by: the smallest size the token may land on. */
    public GpuModel smallest() {
        return models.get(0);
    }

    public String vendor() {
        return smallest().vendor();
    }

    /** {@code T4}, or {@code A100 (A100-40GB, A100-80GB)} for a family. */
    public String describe() {
        if (!isFamily()) {
            return smallest().id();
        }
        return token + " (" + String.join(", ", models.stream().map(GpuModel::id).toList()) + ")";
    }
}
