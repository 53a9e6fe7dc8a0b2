package io.kubegpu.webhook.quota;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.catalog.GpuModel;
import io.kubegpu.catalog.ModelMatch;
import io.kubegpu.request.Vendor;
import io.kubegpu.request.Vendors;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one limit of a quota counts: every GPU ({@code *}), the GPUs of one vendor ({@code nvidia}), or those of one GPU model
 * or family of the catalog ({@code A100} covers A100-40GB and A100-80GB).
 *
 * @param kind     which of the three
 * @param text     as written in the quota file and shown in messages, {@code /quotas} and metrics ({@code *}, {@code nvidia},
 *                 {@code A100})
 * @param vendor   the vendor of a VENDOR or MODEL key; null for ALL
 * @param modelIds the catalog ids a MODEL key covers; empty otherwise
 */
public record QuotaKey(Kind kind, String text, String vendor, Set<String> modelIds) {
    public enum Kind {
        ALL, VENDOR, MODEL
    }

    public static final QuotaKey ALL = new QuotaKey(Kind.ALL, "*", null, Set.of());

    public QuotaKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
        modelIds = Set.copyOf(modelIds);
    }

    /**
     * Reads a key: {@code *}, a configured vendor name or alias, or a catalog model, alias or family.
     *
     * @return empty when the token is none of these
     */
    public static Optional<QuotaKey> parse(String token, GpuCatalog catalog, Vendors vendors) {
        String trimmed = token.trim();
        if (trimmed.equals("*")) {
            return Optional.of(ALL);
        }
        Optional<Vendor> vendor = vendors.find(trimmed);
        if (vendor.isPresent()) {
            return Optional.of(new QuotaKey(Kind.VENDOR, vendor.get().name(), vendor.get().name(), Set.of()));
        }
        Optional<ModelMatch> match = catalog.resolve(trimmed);
        if (match.isEmpty()) {
            return Optional.empty();
        }
        Set<String> ids = match.get().models().stream().map(GpuModel::id).collect(Collectors.toSet());
        String text = match.get().isFamily() ? match.get().smallest().family() : match.get().smallest().id();
        return Optional.of(new QuotaKey(Kind.MODEL, text, match.get().vendor(), ids));
    }

    /** A few keys a user could write, for error messages. */
    static String examples(GpuCatalog catalog, Vendors vendors) {
        String families = catalog.models().stream().map(GpuModel::family).distinct().sorted(Comparator.naturalOrder()).limit(6)
                .collect(Collectors.joining(", "));
        return families + ", … (kube-gpu-extender catalog), a vendor (" + vendors.all().stream().map(Vendor::name)
                .collect(Collectors.joining(", ")) + ") or * for every GPU";
    }

    /**
     * Whether a GPU pod of this use counts against the key. A pod that may still land on several models counts against each
     * of them until it is bound (so a burst of pods that name no model cannot all land on a capped one); a bound pod counts
     * against its node's model only.
     */
    public boolean applies(GpuUse use) {
        return switch (kind) {
            case ALL -> true;
            case VENDOR -> vendor.equals(use.vendor());
            case MODEL -> use.anyModel() ? vendor.equals(use.vendor()) : use.modelIds().stream().anyMatch(modelIds::contains);
        };
    }

    /** For sorting keys in reports: {@code *} first, then vendors, then models, each by name. */
    static final Comparator<QuotaKey> ORDER = Comparator.comparing(QuotaKey::kind).thenComparing(k -> k.text().toLowerCase(Locale.ROOT));

    @Override
    public String toString() {
        return text;
    }
}
