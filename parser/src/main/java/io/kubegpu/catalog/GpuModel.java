package io.kubegpu.catalog;

import java.util.List;
import java.util.Objects;

/**
 * One GPU model in the catalog.
 *
 * @param id         canonical id, e.g. {@code A100-80GB}
 * @param vendor     configured vendor name, e.g. {@code nvidia}
 * @param family     the short name that covers this model and its siblings, e.g. {@code A100}; the id when alone
 * @param memoryMiB  nominal memory per GPU in MiB (GiB × 1024), the size users think in
 * @param powerWatts power limit per GPU, the denominator of the power part of the utilization score
 * @param aliases    product strings (driver, GPU Feature Discovery) and short names that mean this model
 */
public record GpuModel(String id, String vendor, String family, int memoryMiB, int powerWatts, List<String> aliases) {
    public GpuModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(family, "family");
        aliases = List.copyOf(aliases);
        if (ModelKeys.normalize(id).isEmpty()) {
            throw new IllegalArgumentException("model id must contain letters or digits, got '" + id + "'");
        }
        if (memoryMiB <= 0) {
            throw new IllegalArgumentException("model " + id + ": memory must be positive");
        }
        if (powerWatts <= 0) {
            throw new IllegalArgumentException("model " + id + ": power limit must be positive");
        }
    }

    public double memoryGiB() {
        return memoryMiB / 1024.0;
    }
}
