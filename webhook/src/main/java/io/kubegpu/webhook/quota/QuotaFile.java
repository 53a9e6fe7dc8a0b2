package io.kubegpu.webhook.quota;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.request.Vendors;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads the quota file. Each quota is either the short form of the issue that asked for it, or a mapping:
 *
 * <pre>
 * quotas:
 *   team-a: "A100=8, T4=4, T4=48G, *=16"   # GPUs per model family, vendor or * (all); a memory value limits shares' memory
 *   team-b:
 *     namespaces: [team-b, team-b-ci]      # default: the namespace named like the quota
 *     gpus: {A100: 8, "*": 16}             # GPUs; shares count their fraction
 *     sharedMemory: {T4: 48G}              # GPU memory of shares
 *     perPod: 4                            # most GPUs one pod may ask for
 * </pre>
 *
 * Every problem is refused with the file, the field path, the value and what would do.
 */
public final class QuotaFile {
    private static final Set<String> ROOT_FIELDS = Set.of("quotas");
    private static final Set<String> QUOTA_FIELDS = Set.of("namespaces", "gpus", "sharedMemory", "perPod");
    /** DNS-1123 label: quota names end up in object names, metric labels and messages. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern MEMORY = Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*(Ti|TB|T|Gi|GB|G|Mi|MB|M)\\s*");
    private static final Pattern GPUS = Pattern.compile("\\s*\\d+(\\.\\d{1,3})?\\s*");

    private final GpuCatalog catalog;
    private final Vendors vendors;

    public QuotaFile(GpuCatalog catalog, Vendors vendors) {
        this.catalog = catalog;
        this.vendors = vendors;
    }

    /** Parses the file's text; {@code source} names it in messages. */
    public QuotaSpec parse(String text, String source) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new QuotaFileException(source + ": not valid YAML: " + e.getMessage());
        }
        if (document == null) {
            return new QuotaSpec(List.of(), source);
        }
        if (!(document instanceof Map<?, ?> root)) {
            throw new QuotaFileException(source + ": expected a mapping with 'quotas', e.g. quotas: {team-a: \"A100=8, *=16\"}");
        }
        unknownFields(root, ROOT_FIELDS, source + ": ");
        Object quotas = root.get("quotas");
        if (quotas == null) {
            return new QuotaSpec(List.of(), source);
        }
        if (!(quotas instanceof Map<?, ?> byName)) {
            throw new QuotaFileException(source + ": quotas: expected a mapping of quota name to limits, e.g. team-a: \"A100=8, *=16\"");
        }
        List<Quota> out = new ArrayList<>();
        for (Map.Entry<?, ?> entry : byName.entrySet()) {
            String name = String.valueOf(entry.getKey());
            String path = source + ": quotas." + name;
            if (!NAME.matcher(name).matches()) {
                throw new QuotaFileException(path + ": '" + name + "' is not a valid quota name; use lower-case letters, digits and '-' (at most 63), "
                        + "e.g. team-a");
            }
            out.add(quota(name, entry.getValue(), path));
        }
        return new QuotaSpec(out, source);
    }

    private Quota quota(String name, Object value, String path) {
        Map<QuotaKey, Long> gpus = new LinkedHashMap<>();
        Map<QuotaKey, Long> memory = new LinkedHashMap<>();
        if (value instanceof String shortForm) {
            shortForm(shortForm, path, gpus, memory);
            return new Quota(name, List.of(name), gpus, memory, 0);
        }
        if (!(value instanceof Map<?, ?> fields)) {
            throw new QuotaFileException(path + ": expected limits such as \"A100=8, *=16\" or a mapping with namespaces, gpus, sharedMemory, perPod");
        }
        unknownFields(fields, QUOTA_FIELDS, path + ".");
        List<String> namespaces = namespaces(fields.get("namespaces"), name, path + ".namespaces");
        Object gpuField = fields.get("gpus");
        if (gpuField != null) {
            for (Map.Entry<?, ?> limit : mapping(gpuField, path + ".gpus", "{A100: 8, \"*\": 16}").entrySet()) {
                String keyPath = path + ".gpus." + limit.getKey();
                put(gpus, key(String.valueOf(limit.getKey()), keyPath), gpuMilli(limit.getValue(), keyPath), keyPath);
            }
        }
        Object memoryField = fields.get("sharedMemory");
        if (memoryField != null) {
            for (Map.Entry<?, ?> limit : mapping(memoryField, path + ".sharedMemory", "{T4: 48G}").entrySet()) {
                String keyPath = path + ".sharedMemory." + limit.getKey();
                put(memory, key(String.valueOf(limit.getKey()), keyPath), memoryMiB(String.valueOf(limit.getValue()), keyPath), keyPath);
            }
        }
        long perPod = 0;
        if (fields.get("perPod") != null) {
            perPod = gpuMilli(fields.get("perPod"), path + ".perPod");
            if (perPod == 0) {
                throw new QuotaFileException(path + ".perPod: 0 would refuse every GPU pod; give at least 0.001, or leave perPod out for no cap");
            }
        }
        if (gpus.isEmpty() && memory.isEmpty() && perPod == 0) {
            throw new QuotaFileException(path + ": no limit; give gpus, sharedMemory or perPod");
        }
        return new Quota(name, namespaces, gpus, memory, perPod);
    }

    /** {@code A100=8, T4=4, T4=48G, *=16}: GPUs, or shared memory where the value has a unit. */
    private void shortForm(String text, String path, Map<QuotaKey, Long> gpus, Map<QuotaKey, Long> memory) {
        if (text.isBlank()) {
            throw new QuotaFileException(path + ": no limit; write e.g. \"A100=8, T4=4, *=16\"");
        }
        for (String part : text.split(",")) {
            int equals = part.indexOf('=');
            if (equals <= 0 || equals == part.length() - 1) {
                throw new QuotaFileException(path + ": '" + part.trim() + "' is not KEY=LIMIT; write e.g. \"A100=8, T4=48G, *=16\"");
            }
            String keyText = part.substring(0, equals).trim();
            String limit = part.substring(equals + 1).trim();
            String keyPath = path + "." + keyText;
            QuotaKey key = key(keyText, keyPath);
            if (MEMORY.matcher(limit).matches()) {
                put(memory, key, memoryMiB(limit, keyPath), keyPath);
            } else {
                put(gpus, key, gpuMilli(limit, keyPath), keyPath);
            }
        }
    }

    private QuotaKey key(String text, String path) {
        return QuotaKey.parse(text, catalog, vendors).orElseThrow(() -> new QuotaFileException(path + ": '" + text
                + "' is not a GPU model, family or vendor of the catalog; write a model or family (" + QuotaKey.examples(catalog, vendors) + ")"));
    }

    private static void put(Map<QuotaKey, Long> limits, QuotaKey key, long value, String path) {
        if (limits.putIfAbsent(key, value) != null) {
            throw new QuotaFileException(path + ": " + key.text() + " is limited twice (the catalog reads both as " + key.text() + "); keep one");
        }
    }

    private static long gpuMilli(Object value, String path) {
        String text = String.valueOf(value);
        if (value instanceof Boolean || !GPUS.matcher(text).matches()) {
            throw new QuotaFileException(path + ": '" + text + "' is not a number of GPUs; write a whole number or up to 3 decimals, e.g. 8 or 0.5"
                    + " (shared memory is written with a unit, e.g. 48G)");
        }
        return new BigDecimal(text.trim()).movePointRight(3).longValueExact();
    }

    /** Binary units, as the request grammar: 1G = 1024 MiB. */
    static long memoryMiB(String text, String path) {
        Matcher m = MEMORY.matcher(text);
        if (!m.matches()) {
            throw new QuotaFileException(path + ": '" + text + "' is not an amount of GPU memory; write e.g. 48G, 512M or 2T (binary units)");
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        String unit = m.group(2).toUpperCase(Locale.ROOT);
        long perUnit = unit.startsWith("T") ? 1024L * 1024 : unit.startsWith("G") ? 1024 : 1;
        BigDecimal mib = amount.multiply(BigDecimal.valueOf(perUnit));
        if (mib.stripTrailingZeros().scale() > 0) {
            throw new QuotaFileException(path + ": '" + text + "' is not a whole number of MiB; write e.g. " + mib.longValue() + "M");
        }
        return mib.longValueExact();
    }

    private static List<String> namespaces(Object value, String name, String path) {
        if (value == null) {
            return List.of(name);
        }
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new QuotaFileException(path + ": expected a non-empty list of namespaces, e.g. [" + name + ", " + name + "-ci]");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String namespace = String.valueOf(list.get(i));
            if (!(list.get(i) instanceof String) || !NAME.matcher(namespace).matches()) {
                throw new QuotaFileException(path + "[" + i + "]: '" + namespace + "' is not a namespace name");
            }
            if (out.contains(namespace)) {
                throw new QuotaFileException(path + "[" + i + "]: " + namespace + " is listed twice");
            }
            out.add(namespace);
        }
        return out;
    }

    private static Map<?, ?> mapping(Object value, String path, String example) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new QuotaFileException(path + ": expected a mapping of model, vendor or * to a limit, e.g. " + example);
        }
        return map;
    }

    private static void unknownFields(Map<?, ?> map, Set<String> known, String prefix) {
        for (Object key : map.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                throw new QuotaFileException(prefix + key + ": unknown field; known fields: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }
}
