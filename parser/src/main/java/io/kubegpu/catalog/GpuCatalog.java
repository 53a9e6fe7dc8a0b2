package io.kubegpu.catalog;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The GPU models the system knows, looked up by any of their names.
 *
 * <p>Immutable: overrides produce a new catalog. Resolution compares whole normalized keys
 * ({@link ModelKeys}); a token first matches a model's id or alias, then a family name. Two models
 * claiming the same key is a configuration error, reported when the catalog is built.
 */
public final class GpuCatalog {
    private static final String BUILT_IN = "catalog.yaml";

    private final List<GpuModel> models;
    private final Map<String, GpuModel> byKey;
    private final Map<String, List<GpuModel>> byFamily;

    private GpuCatalog(List<GpuModel> models) {
        this.models = List.copyOf(models);
        Map<String, List<GpuModel>> families = new HashMap<>();
        for (GpuModel model : models) {
            families.computeIfAbsent(ModelKeys.normalize(model.family()), k -> new ArrayList<>()).add(model);
        }
        Map<String, GpuModel> keys = new HashMap<>();
        for (GpuModel model : models) {
            index(keys, model.id(), model);
            for (String alias : model.aliases()) {
                index(keys, alias, model);
            }
        }
        for (GpuModel model : models) {
            for (String alias : model.aliases()) {
                // Older drivers omit the vendor prefix, so "NVIDIA A100-SXM4-40GB" is also "A100-SXM4-40GB".
                // Such a derived key never shadows a family: "NVIDIA H800" is the SXM card, "H800" the family.
                String key = ModelKeys.normalize(alias);
                String bare = key.startsWith(ModelKeys.VENDOR_PREFIX) ? key.substring(ModelKeys.VENDOR_PREFIX.length()) : "";
                if (!bare.isEmpty() && !families.containsKey(bare)) {
                    index(keys, bare, model);
                }
            }
        }
        families.forEach((family, members) -> {
            GpuModel exact = keys.get(family);
            if (exact != null && !members.equals(List.of(exact))) {
                throw new CatalogException("family '" + members.get(0).family() + "' has the same name as model " + exact.id()
                        + "; a family of several models needs a name of its own");
            }
        });
        this.byKey = Map.copyOf(keys);
        Map<String, List<GpuModel>> frozen = new HashMap<>();
        families.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        this.byFamily = Map.copyOf(frozen);
    }

    private static void index(Map<String, GpuModel> keys, String name, GpuModel model) {
        String key = ModelKeys.normalize(name);
        GpuModel previous = keys.putIfAbsent(key, model);
        if (previous != null && !previous.id().equals(model.id())) {
            throw new CatalogException("name '" + name + "' is claimed by both " + previous.id() + " and " + model.id());
        }
    }

    /** The catalog shipped in the jar. */
    public static GpuCatalog builtIn() {
        return Holder.BUILT_IN_CATALOG;
    }

    public static GpuCatalog of(Collection<GpuModel> models) {
        return new GpuCatalog(new ArrayList<>(models));
    }

    /** A new catalog where each given model replaces the one with the same id, or is added. */
    public GpuCatalog withOverrides(Collection<GpuModel> overrides) {
        Map<String, GpuModel> merged = new LinkedHashMap<>();
        models.forEach(m -> merged.put(ModelKeys.normalize(m.id()), m));
        overrides.forEach(m -> merged.put(ModelKeys.normalize(m.id()), m));
        return new GpuCatalog(new ArrayList<>(merged.values()));
    }

    /**
     * Resolves a model token: a catalog id, alias, driver product string, GFD label value (a
     * {@code -SHARED} suffix is ignored) or family name.
     */
    public Optional<ModelMatch> resolve(String token) {
        String key = ModelKeys.normalize(token);
        Optional<ModelMatch> match = resolveKey(token, key);
        if (match.isEmpty() && key.endsWith(ModelKeys.SHARED_SUFFIX)) {
            match = resolveKey(token, key.substring(0, key.length() - ModelKeys.SHARED_SUFFIX.length()));
        }
        if (match.isEmpty() && key.startsWith(ModelKeys.VENDOR_PREFIX)) {
            match = resolveKey(token, key.substring(ModelKeys.VENDOR_PREFIX.length()));
        }
        return match;
    }

    private Optional<ModelMatch> resolveKey(String token, String key) {
        if (key.isEmpty()) {
            return Optional.empty();
        }
        GpuModel model = byKey.get(key);
        if (model != null) {
            return Optional.of(new ModelMatch(token, List.of(model)));
        }
        List<GpuModel> family = byFamily.get(key);
        return family == null ? Optional.empty() : Optional.of(new ModelMatch(token, family));
    }

    /** The model with exactly this id, if any. */
    public Optional<GpuModel> model(String id) {
        String key = ModelKeys.normalize(id);
        return models.stream().filter(m -> ModelKeys.normalize(m.id()).equals(key)).findFirst();
    }

    public List<GpuModel> models() {
        return models;
    }

    /** Every distinct nominal memory size, ascending; the reference sizes reported memory is rounded to. */
    public List<Integer> nominalSizesMiB() {
        return List.copyOf(new TreeSet<>(models.stream().map(GpuModel::memoryMiB).toList()));
    }

    private static final class Holder {
        static final GpuCatalog BUILT_IN_CATALOG = load();

        private static GpuCatalog load() {
            InputStream in = GpuCatalog.class.getResourceAsStream(BUILT_IN);
            if (in == null) {
                throw new CatalogException("built-in " + BUILT_IN + " is missing from the jar");
            }
            return of(CatalogYaml.read(new InputStreamReader(in, StandardCharsets.UTF_8), "built-in " + BUILT_IN));
        }
    }
}
