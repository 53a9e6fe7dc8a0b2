package io.kubegpu.scorer.config;

import io.kubegpu.scorer.score.ScoreWeights;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Reads the scorer's configuration: built-in defaults, then a YAML file, then environment variables
 * (the upper-case form of each key: {@code prom_url} → {@code PROM_URL}). The keys and environment names
 * are those of the Python monitor this replaces. Secrets come from the environment or from a file the
 * YAML names ({@code ai_api_key_file}, …), never from the YAML itself. Every bad value fails with a
 * message naming the key and its source.
 */
public final class ScorerConfigLoader {
    private static final Set<String> KEYS = Set.of("prom_url", "threshold", "interval", "max_workers", "time_window_min", "step",
            "selector", "query_timeout", "analysis_timeout", "stale_after", "weights", "ai_enabled", "ai_api_url", "ai_api_key_file",
            "ai_model", "ai_timeout", "ai_max_concurrency", "control_api_enabled", "control_api", "control_api_token_file",
            "control_api_timeout", "control_api_retries", "control_api_cooldown", "config_token_file", "log_level");
    /** Secrets written in the file by mistake, and the key that names a secret file instead. */
    private static final Map<String, String> SECRETS = Map.of("ai_api_key", "ai_api_key_file", "control_api_token", "control_api_token_file",
            "config_api_token", "config_token_file");
    private static final Pattern PROM_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private final Map<String, Object> file;
    private final String fileName;
    private final Map<String, String> env;

    private ScorerConfigLoader(Map<String, Object> file, String fileName, Map<String, String> env) {
        this.file = file;
        this.fileName = fileName;
        this.env = env;
    }

    /** Defaults and environment only. */
    public static ScorerConfig load(Map<String, String> env) {
        return new ScorerConfigLoader(Map.of(), null, env).build();
    }

    /** Defaults, then {@code yaml} (null for none), then the environment. */
    public static ScorerConfig load(Path yaml, Map<String, String> env) {
        if (yaml == null) {
            return load(env);
        }
        try (Reader reader = Files.newBufferedReader(yaml, StandardCharsets.UTF_8)) {
            Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            if (root != null && !(root instanceof Map)) {
                throw new ConfigException(yaml + ": the scorer configuration is a YAML mapping of keys to values");
            }
            Map<String, Object> values = new LinkedHashMap<>();
            if (root != null) {
                ((Map<?, ?>) root).forEach((key, value) -> values.put(String.valueOf(key), value));
            }
            for (String key : values.keySet()) {
                if (SECRETS.containsKey(key)) {
                    throw new ConfigException(yaml + ": '" + key + "' must not be written in the file; set " + key.toUpperCase(Locale.ROOT)
                            + " in the environment or point " + SECRETS.get(key) + " at a secret file");
                }
                if (!KEYS.contains(key)) {
                    throw new ConfigException(yaml + ": unknown key '" + key + "'; known keys: " + String.join(", ", KEYS.stream().sorted().toList()));
                }
            }
            return new ScorerConfigLoader(values, yaml.toString(), env).build();
        } catch (IOException e) {
            throw new ConfigException("cannot read the scorer configuration " + yaml + ": " + e.getMessage());
        } catch (YAMLException e) {
            throw new ConfigException(yaml + " is not valid YAML: " + e.getMessage());
        }
    }

    private ScorerConfig build() {
        String promUrl = url("prom_url", "http://localhost:9090");
        double threshold = number("threshold", 20, 10, 70);
        Duration interval = Duration.ofSeconds((long) number("interval", 300, 5, 86_400));
        int maxWorkers = (int) integer("max_workers", 4, 1, 64);
        Duration window = Duration.ofMinutes(integer("time_window_min", 10, 1, 1440));
        String step = step();
        String selector = string("selector", "{pod!=\"\"}");
        if (!selector.isEmpty() && !(selector.startsWith("{") && selector.endsWith("}"))) {
            throw bad(raw("selector").source(), selector, "a label selector in braces, e.g. {pod!=\"\"}, or empty for every GPU");
        }
        Duration queryTimeout = seconds("query_timeout", 30, 1, 600);
        Duration analysisTimeout = seconds("analysis_timeout", 120, 1, 3600);
        Duration staleAfter = seconds("stale_after", 3 * interval.toSeconds(), interval.toSeconds(), 7 * 86_400);
        ScoreWeights weights = weights();

        boolean aiEnabled = bool("ai_enabled", false);
        String aiKey = secret("AI_API_KEY", "ai_api_key_file");
        String aiUrl = url("ai_api_url", "https://api.openai.com/v1/chat/completions");
        if (aiEnabled && aiKey == null) {
            throw new ConfigException("ai_enabled is true but no key is set: put it in AI_API_KEY or in the file ai_api_key_file names");
        }
        var ai = new ScorerConfig.Ai(aiEnabled, aiUrl, aiKey, string("ai_model", "gpt-4o-mini"), seconds("ai_timeout", 20, 1, 300),
                (int) integer("ai_max_concurrency", 2, 1, 32));

        boolean controlEnabled = bool("control_api_enabled", false);
        String controlUrl = url("control_api", null);
        if (controlEnabled && controlUrl == null) {
            throw new ConfigException("control_api_enabled is true but control_api (CONTROL_API) names no URL to report to");
        }
        var control = new ScorerConfig.ControlApi(controlEnabled, controlUrl, secret("CONTROL_API_TOKEN", "control_api_token_file"),
                seconds("control_api_timeout", 5, 1, 120), (int) integer("control_api_retries", 3, 0, 10),
                seconds("control_api_cooldown", 3600, 0, 7 * 86_400));

        String logLevel = string("log_level", "info").toLowerCase(Locale.ROOT);
        if (!List.of("debug", "info", "warning", "warn", "error").contains(logLevel)) {
            throw bad("log_level", logLevel, "debug, info, warning or error");
        }
        return new ScorerConfig(promUrl, threshold, interval, maxWorkers, window, step, selector, queryTimeout, analysisTimeout, staleAfter,
                weights, ai, control, secret("CONFIG_API_TOKEN", "config_token_file"), logLevel.equals("warn") ? "warning" : logLevel);
    }

    /** A raw value and where it came from, or null when neither the environment nor the file sets it. */
    private record Raw(Object value, String source) {
    }

    private Raw raw(String key) {
        String fromEnv = env.get(key.toUpperCase(Locale.ROOT));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new Raw(fromEnv.trim(), key.toUpperCase(Locale.ROOT) + " (environment)");
        }
        Object fromFile = file.get(key);
        return fromFile == null ? null : new Raw(fromFile, key + " (" + fileName + ")");
    }

    private String string(String key, String fallback) {
        Raw raw = raw(key);
        return raw == null ? fallback : String.valueOf(raw.value()).trim();
    }

    private double number(String key, double fallback, double min, double max) {
        Raw raw = raw(key);
        if (raw == null) {
            return fallback;
        }
        double value;
        try {
            value = raw.value() instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(raw.value()));
        } catch (NumberFormatException e) {
            throw bad(raw.source(), raw.value(), "a number");
        }
        if (!(value >= min && value <= max)) {
            throw bad(raw.source(), raw.value(), "within " + fmt(min) + ".." + fmt(max));
        }
        return value;
    }

    private long integer(String key, long fallback, long min, long max) {
        double value = number(key, fallback, min, max);
        if (value != Math.rint(value)) {
            throw bad(raw(key).source(), raw(key).value(), "a whole number");
        }
        return (long) value;
    }

    private Duration seconds(String key, long fallback, long min, long max) {
        return Duration.ofMillis(Math.round(number(key, fallback, min, max) * 1000));
    }

    private boolean bool(String key, boolean fallback) {
        Raw raw = raw(key);
        if (raw == null) {
            return fallback;
        }
        if (raw.value() instanceof Boolean b) {
            return b;
        }
        String text = String.valueOf(raw.value()).toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw bad(raw.source(), raw.value(), "true or false");
        };
    }

    private String url(String key, String fallback) {
        Raw raw = raw(key);
        if (raw == null) {
            return fallback;
        }
        String text = String.valueOf(raw.value()).trim();
        try {
            URI uri = new URI(text);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(text, "not http(s) with a host");
            }
        } catch (URISyntaxException e) {
            throw bad(raw.source(), text, "an http:// or https:// URL with a host");
        }
        return text;
    }

    private String step() {
        Raw raw = raw("step");
        if (raw == null) {
            return "30s";
        }
        String text = String.valueOf(raw.value()).trim();
        Matcher m = PROM_DURATION.matcher(text);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw bad(raw.source(), text, "a positive Prometheus duration such as 30s, 1m or 15 (seconds)");
        }
        return m.group(2) == null ? text + "s" : text;
    }

    private ScoreWeights weights() {
        Raw raw = raw("weights");
        if (raw == null) {
            return ScoreWeights.DEFAULT;
        }
        if (!(raw.value() instanceof Map<?, ?> map)) {
            throw bad(raw.source(), raw.value(), "a mapping of gpu_util, mem_copy, mem_used and power to weights that sum to 1");
        }
        Map<String, Double> w = new LinkedHashMap<>();
        for (String part : List.of("gpu_util", "mem_copy", "mem_used", "power")) {
            Object value = map.get(part);
            if (!(value instanceof Number n)) {
                throw bad("weights." + part + " (" + fileName + ")", value, "a number (all four weights are required)");
            }
            w.put(part, n.doubleValue());
        }
        for (Object key : map.keySet()) {
            if (!w.containsKey(String.valueOf(key))) {
                throw new ConfigException("weights." + key + " (" + fileName + "): unknown weight; use gpu_util, mem_copy, mem_used, power");
            }
        }
        try {
            return new ScoreWeights(w.get("gpu_util"), w.get("mem_copy"), w.get("mem_used"), w.get("power"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("weights (" + fileName + "): " + e.getMessage());
        }
    }

    /** A secret from the environment variable, else from the file named by the file key. */
    private String secret(String envName, String fileKey) {
        String fromEnv = env.get(envName);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        Raw raw = raw(fileKey);
        if (raw == null) {
            return null;
        }
        Path path = Path.of(String.valueOf(raw.value()));
        try {
            String value = Files.readString(path, StandardCharsets.UTF_8).trim();
            if (value.isEmpty()) {
                throw new ConfigException(raw.source() + ": the secret file " + path + " is empty");
            }
            return value;
        } catch (IOException e) {
            throw new ConfigException(raw.source() + ": cannot read the secret file " + path + ": " + e.getMessage());
        }
    }

    private static ConfigException bad(String source, Object value, String expected) {
        return new ConfigException(source + ": '" + value + "' is not valid; expected " + expected);
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
