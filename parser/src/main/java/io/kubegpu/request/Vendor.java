package io.kubegpu.request;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A GPU vendor users may name in a request's spec, and the extended resource its device plugin
 * advertises.
 *
 * @param name     canonical lower-case name written in canonical requests, e.g. {@code nvidia}
 * @param aliases  other lower-case names accepted for it, e.g. {@code gpu}
 * @param resource the Kubernetes extended resource for one whole device, e.g. {@code nvidia.com/gpu}
 */
public record Vendor(String name, List<String> aliases, String resource) {
    public Vendor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(resource, "resource");
        if (!isValidName(name)) {
            throw new IllegalArgumentException("vendor name must be lower-case letters/digits, got '" + name + "'");
        }
        aliases = List.copyOf(aliases);
        for (String alias : aliases) {
            if (!isValidName(alias)) {
                throw new IllegalArgumentException("vendor alias must be lower-case letters/digits, got '" + alias + "'");
            }
        }
        if (resource.isBlank()) {
            throw new IllegalArgumentException("vendor " + name + " has an empty resource name");
        }
    }

    private static boolean isValidName(String s) {
        return !s.isEmpty() && s.equals(s.toLowerCase(Locale.ROOT)) && s.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c));
    }
}
