package io.kubegpu.request;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The configured vendors, looked up case-insensitively by name or alias.
 *
 * <p>The first vendor is the default: a request that names no vendor asks for its resource.
 */
public final class Vendors {
    private final List<Vendor> all;
    private final Map<String, Vendor> byName;
    /** The same names as flat arrays: a linear scan of a handful of names beats hashing a fresh substring. */
    private final String[] names;
    private final Vendor[] namedVendors;

    private Vendors(List<Vendor> all) {
        if (all.isEmpty()) {
            throw new IllegalArgumentException("at least one vendor must be configured");
        }
        this.all = List.copyOf(all);
        Map<String, Vendor> index = new HashMap<>();
        for (Vendor vendor : all) {
            register(index, vendor.name(), vendor);
            vendor.aliases().forEach(alias -> register(index, alias, vendor));
        }
        this.byName = Map.copyOf(index);
        this.names = index.keySet().toArray(String[]::new);
        this.namedVendors = new Vendor[names.length];
        for (int i = 0; i < names.length; i++) {
            namedVendors[i] = index.get(names[i]);
        }
    }

    private static void register(Map<String, Vendor> index, String key, Vendor vendor) {
        Vendor previous = index.putIfAbsent(key, vendor);
        if (previous != null && previous != vendor) {
            throw new IllegalArgumentException("vendor name '" + key + "' is used by both " + previous.name() + " and " + vendor.name());
        }
    }

    /** The built-in set: nvidia (alias gpu), amd, intel, ascend (alias npu). nvidia is the default. */
    public static Vendors defaults() {
        return of(List.of(
                new Vendor("nvidia", List.of("gpu"), "nvidia.com/gpu"),
                new Vendor("amd", List.of(), "amd.com/gpu"),
                new Vendor("intel", List.of(), "gpu.intel.com/i915"),
                new Vendor("ascend", List.of("npu"), "huawei.com/Ascend910")));
    }

    public static Vendors of(List<Vendor> vendors) {
        return new Vendors(vendors);
    }

    /** Looks a vendor up by any of its names, ignoring ASCII case. */
    public Optional<Vendor> find(String name) {
        return Optional.ofNullable(byName.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * The vendor named by {@code text[from, to)}, ignoring ASCII case, or {@code null}. Allocation-free:
     * the parser probes every spec part with it.
     */
    Vendor findIn(String text, int from, int to) {
        int length = to - from;
        for (int i = 0; i < names.length; i++) {
            if (names[i].length() == length && text.regionMatches(true, from, names[i], 0, length)) {
                return namedVendors[i];
            }
        }
        return null;
    }

    public Vendor defaultVendor() {
        return all.get(0);
    }

    public List<Vendor> all() {
        return all;
    }

    /** Human-readable list for error messages, e.g. {@code nvidia (gpu), amd}. */
    public String describe() {
        return all.stream()
                .map(v -> v.aliases().isEmpty() ? v.name() : v.name() + " (" + String.join(", ", v.aliases()) + ")")
                .collect(Collectors.joining(", "));
    }

    /** Name → resource, in configuration order. */
    public Map<String, String> resources() {
        Map<String, String> out = new LinkedHashMap<>();
        all.forEach(v -> out.put(v.name(), v.resource()));
        return out;
    }
}
