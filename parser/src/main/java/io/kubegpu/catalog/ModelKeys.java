package io.kubegpu.catalog;

import java.util.Locale;

/**
 * The one normalization every model token goes through before it is compared.
 *
 * <p>Upper case, with spaces, {@code -} and {@code _} removed, so that the driver's
 * {@code Tesla V100S-PCIE-32GB}, the GFD label {@code Tesla-V100S-PCIE-32GB} and a user's
 * {@code tesla_v100s_pcie_32gb} are one key. Comparison is on whole keys only, never substrings.
 */
public final class ModelKeys {
    /** Older drivers report some datacenter cards without the {@code NVIDIA } prefix. */
    static final String VENDOR_PREFIX = "NVIDIA";
    /** GPU Feature Discovery appends {@code -SHARED} to the product label when time-slicing renames nothing. */
    static final String SHARED_SUFFIX = "SHARED";

    private ModelKeys() {
    }

    public static String normalize(String token) {
        StringBuilder out = new StringBuilder(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == ' ' || c == '-' || c == '_' || c == '\t') {
                continue;
            }
            out.append(c);
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }
}
