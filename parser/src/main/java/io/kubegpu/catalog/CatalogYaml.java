package io.kubegpu.catalog;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads catalog entries from YAML: a document with a {@code models} list, each entry with
 * {@code id}, {@code vendor}, {@code memoryGiB} or {@code memoryMiB}, {@code powerWatts}, and
 * optional {@code family} and {@code aliases}. Every problem names the source and the field path.
 */
public final class CatalogYaml {
    private static final Set<String> FIELDS = Set.of("id", "vendor", "family", "memoryGiB", "memoryMiB", "powerWatts", "aliases");

    private CatalogYaml() {
    }

    public static List<GpuModel> read(Reader reader, String source) {
        Object document;
        try (reader) {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (YAMLException | IOException e) {
            throw new CatalogException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        if (!(document instanceof Map<?, ?> root) || !(root.get("models") instanceof List<?> entries)) {
            throw new CatalogException(source + ": expected a mapping with a 'models' list");
        }
        List<GpuModel> models = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            String path = source + ": models[" + i + "]";
            if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                throw new CatalogException(path + ": expected a mapping with id, vendor, memoryGiB, powerWatts");
            }
            models.add(model(entry, path));
        }
        return models;
    }

    private static GpuModel model(Map<?, ?> entry, String path) {
        for (Object key : entry.keySet()) {
            if (!FIELDS.contains(String.valueOf(key))) {
                throw new CatalogException(path + "." + key + ": unknown field; known fields: " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        String id = string(entry, "id", path, true);
        path = path + " (" + id + ")";
        String vendor = string(entry, "vendor", path, true).toLowerCase(java.util.Locale.ROOT);
        String family = string(entry, "family", path, false);
        int memoryMiB;
        if (entry.containsKey("memoryGiB") == entry.containsKey("memoryMiB")) {
            throw new CatalogException(path + ": give exactly one of memoryGiB and memoryMiB");
        } else if (entry.containsKey("memoryGiB")) {
            memoryMiB = Math.multiplyExact(positiveInt(entry, "memoryGiB", path), 1024);
        } else {
            memoryMiB = positiveInt(entry, "memoryMiB", path);
        }
        int power = positiveInt(entry, "powerWatts", path);
        List<String> aliases = new ArrayList<>();
        Object rawAliases = entry.get("aliases");
        if (rawAliases != null) {
            if (!(rawAliases instanceof List<?> list)) {
                throw new CatalogException(path + ".aliases: expected a list of strings");
            }
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String alias) || ModelKeys.normalize(alias).isEmpty()) {
                    throw new CatalogException(path + ".aliases[" + i + "]: expected a non-empty string");
                }
                aliases.add(alias);
            }
        }
        return new GpuModel(id, vendor, family == null ? id : family, memoryMiB, power, aliases);
    }

    private static String string(Map<?, ?> entry, String field, String path, boolean required) {
        Object value = entry.get(field);
        if (value == null) {
            if (required) {
                throw new CatalogException(path + "." + field + ": required");
            }
            return null;
        }
        String text = String.valueOf(value).trim();
        if (text.isEmpty() || ModelKeys.normalize(text).isEmpty()) {
            throw new CatalogException(path + "." + field + ": must not be empty");
        }
        return text;
    }

    private static int positiveInt(Map<?, ?> entry, String field, String path) {
        Object value = entry.get(field);
        if (!(value instanceof Integer number) || number <= 0) {
            throw new CatalogException(path + "." + field + ": expected a positive whole number, got " + value);
        }
        return number;
    }
}
