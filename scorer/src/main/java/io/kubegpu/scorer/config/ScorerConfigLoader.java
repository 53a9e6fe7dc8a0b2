package io.kubegpu.scorer.config;

import io.kubegpu.scorer.score.GpuStatus;
import io.kubegpu.scorer.score.ScoreWeights;
import io.kubegpu.scorer.score.Thresholds;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
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
 * Reads the scorer's configuration: built-in defaults, then a YAML file, then environment variables. The file
 * may use our flat keys ({@code prom_url: …}) or the Python monitor's nested {@code config.yaml} ({@code
 * prometheus: {url: …}}), or both, as long as no setting is written twice; every environment variable the
 * monitor documents ({@code PROM_URL}, {@code THRESHOLD}, {@code GPU_UTIL_WEIGHT}, …) is read (see {@link
 * ConfigKeys}). Secrets come from the environment or from a file the YAML names ({@code ai_api_key_file}, …),
 * never from the YAML itself. Every bad value fails with a message naming the key, where it came from and what
 * would be valid.
 */
public final class ScorerConfigLoader {
    private static final Pattern PROM_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s<>,]+@[^@\\s<>,]+");
    private static final String DEFAULT_OPENAI_URL = "https://api.openai.com/v1/chat/completions";
    private static final String DEFAULT_ANTHROPIC_URL = "https://api.anthropic.com/v1/messages";

    /** A raw value and where it came from. */
    private record Raw(Object value, String source) {
    }

    private final Map<String, Raw> file;
    private final Map<String, String> env;

    private ScorerConfigLoader(Map<String, Raw> file, Map<String, String> env) {
        this.file = file;
        this.env = env;
    }

    /** Defaults and environment only. */
    public static ScorerConfig load(Map<String, String> env) {
        return new ScorerConfigLoader(Map.of(), env).build();
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
            Map<String, Object> leaves = new LinkedHashMap<>();
            if (root != null) {
                flatten("", (Map<?, ?>) root, leaves);
            }
            return new ScorerConfigLoader(settings(yaml, leaves), env).build();
        } catch (IOException e) {
            throw new ConfigException("cannot read the scorer configuration " + yaml + ": " + e.getMessage());
        } catch (YAMLException e) {
            throw new ConfigException(yaml + " is not valid YAML: " + e.getMessage());
        }
    }

    /** Nested mappings become dotted keys: {@code prometheus: {url: x}} is {@code prometheus.url: x}. */
    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> into) {
        map.forEach((key, value) -> {
            String path = prefix + key;
            if (value instanceof Map<?, ?> nested) {
                flatten(path + ".", nested, into);
            } else {
                into.put(path, value);
            }
        });
    }

    /** The file's values by setting; refuses unknown keys, inline secrets and a setting written twice. */
    private static Map<String, Raw> settings(Path yaml, Map<String, Object> leaves) {
        Map<String, Raw> out = new LinkedHashMap<>();
        Map<String, String> spelledAs = new LinkedHashMap<>();
        leaves.forEach((path, value) -> {
            var secret = ConfigKeys.inlineSecret(path);
            if (secret.isPresent()) {
                if (value == null || String.valueOf(value).isBlank()) {
                    return; // the monitor's example config.yaml has `api_key: ""`: nothing written, nothing refused
                }
                throw new ConfigException(yaml + ": '" + path + "' must not be written in the file; set " + secret.get().env()
                        + " in the environment or point " + secret.get().fileKey() + " at a secret file");
            }
            String key = ConfigKeys.keyOf(path).orElseThrow(() -> unknown(yaml, path, value));
            String earlier = spelledAs.putIfAbsent(key, path);
            if (earlier != null) {
                throw new ConfigException(yaml + ": '" + earlier + "' and '" + path + "' set the same setting; keep one of them");
            }
            if (value != null) {
                out.put(key, new Raw(value, path + " (" + yaml + ")"));
            }
        });
        return out;
    }

    private static ConfigException unknown(Path yaml, String path, Object value) {
        if (ConfigKeys.isSection(path)) {
            return new ConfigException(yaml + ": '" + path + "' is a section, not a value (got '" + value + "'); its keys are "
                    + String.join(", ", ConfigKeys.spellingsUnder(path + ".")));
        }
        int dot = path.lastIndexOf('.');
        String section = dot < 0 ? "" : path.substring(0, dot + 1);
        List<String> near = ConfigKeys.spellingsUnder(section);
        return new ConfigException(yaml + ": unknown key '" + path + "'; known keys" + (section.isEmpty() || near.isEmpty() ? ""
                : " of '" + section.substring(0, section.length() - 1) + "'") + ": " + String.join(", ",
                near.isEmpty() ? ConfigKeys.spellingsUnder("") : near));
    }

    private ScorerConfig build() {
        String promUrl = url("prom_url", "http://localhost:9090");
        Thresholds thresholds = thresholds();
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

        boolean controlEnabled = bool("control_api_enabled", false);
        String controlUrl = url("control_api", null);
        if (controlEnabled && controlUrl == null) {
            throw new ConfigException("control_api_enabled is true but control_api (CONTROL_API, control.api_url) names no URL to report to");
        }
        var control = new ScorerConfig.ControlApi(controlEnabled, controlUrl, secret("CONTROL_API_TOKEN"),
                seconds("control_api_timeout", 5, 1, 120), (int) integer("control_api_retries", 3, 0, 10),
                seconds("control_api_cooldown", 3600, 0, 7 * 86_400));

        String logLevel = string("log_level", "info").toLowerCase(Locale.ROOT);
        if (!List.of("debug", "info", "warning", "warn", "error").contains(logLevel)) {
            throw bad(source("log_level"), logLevel, "debug, info, warning or error");
        }
        return new ScorerConfig(promUrl, thresholds, interval, maxWorkers, window, step, selector, queryTimeout, analysisTimeout, staleAfter,
                weights, ai(), control, notifications(), secret("CONFIG_API_TOKEN"), logLevel.equals("warn") ? "warning" : logLevel);
    }

    private Thresholds thresholds() {
        double idle = number("idle_threshold", Thresholds.DEFAULT.idle(), 0, Thresholds.HIGH - 1);
        double low = number("threshold", Thresholds.DEFAULT.low(), 1, Thresholds.HIGH);
        if (!(low > idle)) {
            Raw raw = raw("threshold") != null ? raw("threshold") : raw("idle_threshold");
            throw bad(raw.source(), raw.value(), "a low-utilization threshold above the idle threshold (" + fmt(idle) + " from "
                    + source("idle_threshold") + ") and at most " + fmt(Thresholds.HIGH) + ": GPUs under idle are idle, under low are low");
        }
        return new Thresholds(idle, low);
    }

    private ScorerConfig.Ai ai() {
        boolean enabled = bool("ai_enabled", false);
        String key = secret("AI_API_KEY");
        String chosen = string("ai_provider", "auto").toLowerCase(Locale.ROOT);
        ScorerConfig.AiProvider provider = null;
        for (ScorerConfig.AiProvider p : ScorerConfig.AiProvider.values()) {
            if (p.label().equals(chosen)) {
                provider = p;
            }
        }
        if (provider == null && !chosen.equals("auto")) {
            throw bad(source("ai_provider"), chosen, "auto, openai, azure, anthropic or openai-compatible");
        }
        String fallbackUrl = provider == ScorerConfig.AiProvider.ANTHROPIC ? DEFAULT_ANTHROPIC_URL
                : provider == null || provider == ScorerConfig.AiProvider.OPENAI ? DEFAULT_OPENAI_URL : null;
        String url = url("ai_api_url", fallbackUrl);
        if (url == null) {
            throw new ConfigException(source("ai_provider") + ": the " + chosen + " provider has no default endpoint; set ai_api_url "
                    + "(AI_API_URL, ai.api_url)" + (chosen.equals("azure")
                    ? " to https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT/chat/completions?api-version=2024-06-01" : ""));
        }
        if (provider == null) {
            provider = ScorerConfig.AiProvider.inferFrom(URI.create(url));
        }
        if (provider == ScorerConfig.AiProvider.AZURE && !(url.contains("/openai/deployments/") && url.contains("api-version="))) {
            throw bad(source("ai_api_url"), url, "an Azure OpenAI deployment URL with its api-version, e.g. "
                    + "https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT/chat/completions?api-version=2024-06-01");
        }
        if (enabled && key == null && provider.needsKey()) {
            throw new ConfigException("ai_enabled is true but no key is set for the " + provider.label() + " endpoint: put it in "
                    + "AI_API_KEY or in the file ai_api_key_file names");
        }
        String model = string("ai_model", provider == ScorerConfig.AiProvider.ANTHROPIC ? "claude-3-5-haiku-latest" : "gpt-4o-mini");
        return new ScorerConfig.Ai(enabled, provider, url, key, model, number("ai_threshold", 0.7, 0, 1), review(),
                seconds("ai_timeout", 20, 1, 300), (int) integer("ai_max_concurrency", 2, 1, 32));
    }

    /** {@code ai_review}: statuses as a list or comma-separated, or {@code all}. */
    private Set<GpuStatus> review() {
        Raw raw = raw("ai_review");
        if (raw == null) {
            return EnumSet.of(GpuStatus.IDLE, GpuStatus.LOW);
        }
        List<String> names = new ArrayList<>();
        if (raw.value() instanceof List<?> list) {
            list.forEach(item -> names.add(String.valueOf(item)));
        } else {
            for (String part : String.valueOf(raw.value()).split(",")) {
                names.add(part);
            }
        }
        Set<GpuStatus> out = EnumSet.noneOf(GpuStatus.class);
        for (String name : names) {
            if (name.trim().equalsIgnoreCase("all")) {
                out.addAll(EnumSet.of(GpuStatus.IDLE, GpuStatus.LOW, GpuStatus.NORMAL, GpuStatus.HIGH));
                continue;
            }
            GpuStatus status;
            try {
                status = GpuStatus.ofLabel(name);
            } catch (IllegalArgumentException e) {
                status = GpuStatus.UNKNOWN;
            }
            if (status == GpuStatus.UNKNOWN) {
                throw bad(raw.source(), raw.value(), "statuses among idle, low, normal and high (or all), e.g. idle,low");
            }
            out.add(status);
        }
        if (out.isEmpty()) {
            throw bad(raw.source(), raw.value(), "at least one status, e.g. idle,low");
        }
        return out;
    }

    private ScorerConfig.Notifications notifications() {
        String slack = secretUrl("SLACK_WEBHOOK_URL");
        String feishu = secretUrl("FEISHU_WEBHOOK_URL");
        String feishuSecret = secret("FEISHU_SECRET");
        if (feishuSecret != null && feishu == null) {
            throw new ConfigException("FEISHU_SECRET (or feishu_secret_file) is set but no Feishu webhook: set FEISHU_WEBHOOK_URL or "
                    + "feishu_webhook_url_file too");
        }
        return new ScorerConfig.Notifications(seconds("notify_cooldown", 3600, 0, 7 * 86_400), (int) integer("notify_retries", 3, 0, 10),
                seconds("notify_timeout", 10, 1, 120), slack, feishu, feishuSecret, email());
    }

    private ScorerConfig.Email email() {
        String host = string("smtp_host", null);
        if (host == null) {
            for (String key : List.of("smtp_port", "smtp_security", "smtp_username", "smtp_password_file", "smtp_ssl_trust", "email_from",
                    "email_to")) {
                if (raw(key) != null) {
                    throw new ConfigException(raw(key).source() + " is set but smtp_host (SMTP_HOST, notifications.email.smtp_host) "
                            + "is not: e-mail needs a server");
                }
            }
            return null;
        }
        String chosen = string("smtp_security", "starttls").toUpperCase(Locale.ROOT);
        ScorerConfig.SmtpSecurity security;
        try {
            security = ScorerConfig.SmtpSecurity.valueOf(chosen);
        } catch (IllegalArgumentException e) {
            throw bad(source("smtp_security"), chosen.toLowerCase(Locale.ROOT), "starttls (port 587), ssl (implicit TLS, port 465) "
                    + "or none (plain, for a relay inside the cluster)");
        }
        int port = (int) integer("smtp_port", security.defaultPort(), 1, 65_535);
        String username = string("smtp_username", null);
        String password = secret("SMTP_PASSWORD");
        if ((username == null) != (password == null)) {
            throw new ConfigException(username == null
                    ? "SMTP_PASSWORD (or smtp_password_file) is set but smtp_username is not: set both to log in, neither to send anonymously"
                    : source("smtp_username") + " is set but no password: put it in SMTP_PASSWORD or in the file smtp_password_file names");
        }
        String from = string("email_from", null);
        if (from == null || !EMAIL.matcher(from).matches()) {
            throw bad(source("email_from"), from, "the sender's address, e.g. gpu-scorer@example.com");
        }
        List<String> to = addresses();
        return new ScorerConfig.Email(host, port, security, username, password, from, to, string("smtp_ssl_trust", null));
    }

    private List<String> addresses() {
        Raw raw = raw("email_to");
        if (raw == null) {
            throw new ConfigException("smtp_host is set but email_to (EMAIL_TO, notifications.email.to) names no recipient");
        }
        List<String> out = new ArrayList<>();
        if (raw.value() instanceof List<?> list) {
            list.forEach(item -> out.add(String.valueOf(item).trim()));
        } else {
            for (String part : String.valueOf(raw.value()).split(",")) {
                out.add(part.trim());
            }
        }
        out.removeIf(String::isEmpty);
        if (out.isEmpty() || !out.stream().allMatch(a -> EMAIL.matcher(a).matches())) {
            throw bad(raw.source(), raw.value(), "recipient addresses, a list or comma-separated, e.g. gpu-team@example.com");
        }
        return out;
    }

    private Raw raw(String key) {
        ConfigKeys.Setting setting = ConfigKeys.setting(key);
        Raw fromEnv = null;
        for (String name : setting.env()) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                if (fromEnv != null) {
                    throw new ConfigException(fromEnv.source() + " and " + name + " (environment) set the same setting; keep one of them");
                }
                fromEnv = new Raw(value.trim(), name + " (environment)");
            }
        }
        if (fromEnv != null) {
            return fromEnv;
        }
        Raw fromFile = file.get(key);
        return fromFile == null || String.valueOf(fromFile.value()).isBlank() ? null : fromFile;
    }

    /** Where a setting came from, or its spellings when it was not set, for messages. */
    private String source(String key) {
        Raw raw = raw(key);
        if (raw != null) {
            return raw.source();
        }
        ConfigKeys.Setting setting = ConfigKeys.setting(key);
        return key + " (default; " + setting.env().get(0) + ", " + setting.spellings().get(1) + ")";
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
        if (!isHttpUrl(text)) {
            throw bad(raw.source(), text, "an http:// or https:// URL with a host");
        }
        return text;
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
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

    /** The four weights, each from any of its spellings (defaults for those not given); they must sum to 1. */
    private ScoreWeights weights() {
        ScoreWeights d = ScoreWeights.DEFAULT;
        double core = number("gpu_util_weight", d.core(), 0, 1);
        double copy = number("mem_copy_weight", d.memoryCopy(), 0, 1);
        double used = number("mem_used_weight", d.memoryUsed(), 0, 1);
        double power = number("power_weight", d.power(), 0, 1);
        try {
            return new ScoreWeights(core, copy, used, power);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("weights (" + source("gpu_util_weight") + ", " + source("mem_copy_weight") + ", "
                    + source("mem_used_weight") + ", " + source("power_weight") + "): " + e.getMessage());
        }
    }

    /** A secret from its environment variable, else from the file its {@code *_file} setting names. */
    private String secret(String envName) {
        ConfigKeys.Secret secret = ConfigKeys.secret(envName);
        String fromEnv = env.get(envName);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        Raw raw = raw(secret.fileKey());
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

    /** A secret that is a URL (webhooks carry their token in the path): checked, but never echoed in the error. */
    private String secretUrl(String envName) {
        String value = secret(envName);
        if (value != null && !isHttpUrl(value)) {
            throw new ConfigException(envName + " (or " + ConfigKeys.secret(envName).fileKey() + "): the value is not an http:// or "
                    + "https:// URL with a host (not shown: it is a secret)");
        }
        return value;
    }

    private static ConfigException bad(String source, Object value, String expected) {
        return new ConfigException(source + ": '" + value + "' is not valid; expected " + expected);
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
