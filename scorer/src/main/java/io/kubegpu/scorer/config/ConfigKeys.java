package io.kubegpu.scorer.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every spelling of every scorer setting. Each setting has a flat key ({@code threshold}: our original file
 * format), a home in the Python monitor's nested {@code config.yaml} ({@code thresholds.low_utilization}) and
 * environment names (the flat key upper-cased, plus the monitor's own where it differs). Secrets have spellings
 * too, only to be refused with the right advice when written in the file. Pure data.
 */
final class ConfigKeys {
    /**
     * One setting.
     *
     * @param key       the flat key, the name the loader asks for
     * @param spellings how a YAML file may write it: the flat key first, then the nested and any legacy forms
     * @param env       environment variables that set it, the first being the flat key upper-cased
     */
    record Setting(String key, List<String> spellings, List<String> env) {
    }

    /**
     * A secret that may only come from the environment or a file.
     *
     * @param env      the variable holding it
     * @param fileKey  the setting naming a file that holds it
     * @param inline   the YAML spellings that would write it in the file (refused unless empty, as in the monitor's example)
     */
    record Secret(String env, String fileKey, List<String> inline) {
    }

    private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();
    private static final Map<String, String> BY_SPELLING = new LinkedHashMap<>();
    private static final Map<String, Secret> SECRETS = new LinkedHashMap<>();
    private static final Map<String, Secret> SECRET_BY_INLINE = new LinkedHashMap<>();

    static {
        add("prom_url", "prometheus.url");
        add("time_window_min", "prometheus.time_window_min");
        add("step", "prometheus.step");
        add("selector", "prometheus.selector", List.of(), List.of("QUERY_CONDITION"));
        add("query_timeout", "prometheus.query_timeout");
        add("gpu_util_weight", "scoring.gpu_util_weight", List.of("weights.gpu_util"), List.of());
        add("mem_copy_weight", "scoring.mem_copy_weight", List.of("weights.mem_copy"), List.of());
        add("mem_used_weight", "scoring.mem_used_weight", List.of("weights.mem_used"), List.of());
        add("power_weight", "scoring.power_weight", List.of("weights.power"), List.of());
        add("threshold", "thresholds.low_utilization");
        add("idle_threshold", "thresholds.idle");
        add("interval", "scheduler.interval");
        add("max_workers", "scheduler.max_workers");
        add("analysis_timeout", "scheduler.analysis_timeout");
        add("stale_after", "scheduler.stale_after");
        add("ai_enabled", "ai.enabled");
        add("ai_provider", "ai.provider");
        add("ai_api_url", "ai.api_url");
        add("ai_api_key_file", "ai.api_key_file");
        add("ai_model", "ai.model");
        add("ai_threshold", "ai.threshold");
        add("ai_review", "ai.review");
        add("ai_timeout", "ai.timeout");
        add("ai_max_concurrency", "ai.max_concurrency");
        add("control_api_enabled", "control.enabled");
        add("control_api", "control.api_url");
        add("control_api_token_file", "control.token_file");
        add("control_api_timeout", "control.timeout");
        add("control_api_retries", "control.retries");
        add("control_api_cooldown", "control.cooldown");
        add("config_token_file", "api.config_token_file");
        add("log_level", "logging.level");
        add("notify_cooldown", "notifications.cooldown");
        add("notify_retries", "notifications.retries");
        add("notify_timeout", "notifications.timeout");
        add("slack_webhook_url_file", "notifications.slack.webhook_url_file");
        add("feishu_webhook_url_file", "notifications.feishu.webhook_url_file");
        add("feishu_secret_file", "notifications.feishu.secret_file");
        add("smtp_host", "notifications.email.smtp_host");
        add("smtp_port", "notifications.email.smtp_port");
        add("smtp_security", "notifications.email.security");
        add("smtp_username", "notifications.email.username");
        add("smtp_password_file", "notifications.email.password_file");
        add("smtp_ssl_trust", "notifications.email.ssl_trust");
        add("email_from", "notifications.email.from");
        add("email_to", "notifications.email.to");

        secret("AI_API_KEY", "ai_api_key_file", "ai_api_key", "ai.api_key");
        secret("CONTROL_API_TOKEN", "control_api_token_file", "control_api_token", "control.token");
        secret("CONFIG_API_TOKEN", "config_token_file", "config_api_token", "api.config_token");
        secret("SLACK_WEBHOOK_URL", "slack_webhook_url_file", "slack_webhook_url", "notifications.slack.webhook_url");
        secret("FEISHU_WEBHOOK_URL", "feishu_webhook_url_file", "feishu_webhook_url", "notifications.feishu.webhook_url");
        secret("FEISHU_SECRET", "feishu_secret_file", "feishu_secret", "notifications.feishu.secret");
        secret("SMTP_PASSWORD", "smtp_password_file", "smtp_password", "notifications.email.password");
    }

    private ConfigKeys() {
    }

    private static void add(String key, String nested) {
        add(key, nested, List.of(), List.of());
    }

    private static void add(String key, String nested, List<String> legacy, List<String> extraEnv) {
        List<String> spellings = new ArrayList<>(List.of(key, nested));
        spellings.addAll(legacy);
        List<String> env = new ArrayList<>(List.of(key.toUpperCase(Locale.ROOT)));
        env.addAll(extraEnv);
        Setting setting = new Setting(key, List.copyOf(spellings), List.copyOf(env));
        SETTINGS.put(key, setting);
        spellings.forEach(spelling -> BY_SPELLING.put(spelling, key));
    }

    private static void secret(String env, String fileKey, String... inline) {
        Secret secret = new Secret(env, fileKey, List.of(inline));
        SECRETS.put(env, secret);
        for (String spelling : inline) {
            SECRET_BY_INLINE.put(spelling, secret);
        }
    }

    static Setting setting(String key) {
        Setting setting = SETTINGS.get(key);
        if (setting == null) {
            throw new IllegalArgumentException("no scorer setting '" + key + "'");
        }
        return setting;
    }

    static Secret secret(String env) {
        return SECRETS.get(env);
    }

    /** The setting a YAML key (dotted for nested sections) spells, if any. */
    static Optional<String> keyOf(String spelling) {
        return Optional.ofNullable(BY_SPELLING.get(spelling));
    }

    /** The secret a YAML key would write inline, if any. */
    static Optional<Secret> inlineSecret(String spelling) {
        return Optional.ofNullable(SECRET_BY_INLINE.get(spelling));
    }

    /** Every key a file may use that starts with {@code prefix} ("" for all), for error messages. */
    static List<String> spellingsUnder(String prefix) {
        return BY_SPELLING.keySet().stream().filter(s -> s.startsWith(prefix)).sorted().toList();
    }

    /** Whether {@code path} names a section of the nested format ({@code prometheus}, {@code notifications.email}, …). */
    static boolean isSection(String path) {
        return BY_SPELLING.keySet().stream().anyMatch(s -> s.startsWith(path + "."));
    }
}
