package io.kubegpu.scorer.config;

import io.kubegpu.scorer.score.GpuStatus;
import io.kubegpu.scorer.score.ScoreWeights;
import io.kubegpu.scorer.score.Thresholds;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Everything the scorer runs with, validated. Secrets (the AI key, the control-API and config tokens, webhook
 * URLs, the SMTP password) are held here but never printed: {@link #toString()} of the nested records masks
 * them, and the REST API's {@code /config} only says whether each is set.
 *
 * @param promUrl         Prometheus base URL
 * @param thresholds      idle and low-utilization score thresholds
 * @param interval        time between analyses
 * @param maxWorkers      most Prometheus queries in flight at once
 * @param timeWindow      how far back each analysis looks
 * @param step            range-query resolution, a Prometheus duration such as {@code 30s}
 * @param selector        label selector appended to every metric, default {@code {pod!=""}} (GPUs assigned to pods)
 * @param queryTimeout    the most one query may take
 * @param analysisTimeout the most one whole analysis may take
 * @param staleAfter      results older than this are not used for scheduling
 * @param weights         score weights
 * @param configToken     bearer token that {@code POST /config/update} requires; null disables updates
 * @param logLevel        debug, info, warning or error
 */
public record ScorerConfig(String promUrl, Thresholds thresholds, Duration interval, int maxWorkers, Duration timeWindow, String step,
                           String selector, Duration queryTimeout, Duration analysisTimeout, Duration staleAfter, ScoreWeights weights,
                           Ai ai, ControlApi controlApi, Notifications notifications, String configToken, String logLevel) {

    /** The low-utilization threshold. */
    public double threshold() {
        return thresholds.low();
    }

    /** The request shape and authentication the AI endpoint expects. */
    public enum AiProvider {
        /** OpenAI chat completions, {@code Authorization: Bearer}. */
        OPENAI("openai"),
        /** Azure OpenAI: a deployment URL with {@code api-version}, the {@code api-key} header, no model in the body. */
        AZURE("azure"),
        /** Anthropic Messages API: {@code x-api-key} and {@code anthropic-version} headers, the answer in {@code content[0].text}. */
        ANTHROPIC("anthropic"),
        /** A local server speaking OpenAI's chat completions (vLLM, Ollama, llama.cpp, LM Studio): key optional, no response_format. */
        OPENAI_COMPATIBLE("openai-compatible");

        private final String label;

        AiProvider(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** Whether the endpoint refuses requests without a key. */
        public boolean needsKey() {
            return this != OPENAI_COMPATIBLE;
        }

        /** The provider an {@code ai.api_url} points at when {@code ai.provider} is {@code auto}. */
        public static AiProvider inferFrom(URI url) {
            String host = url.getHost() == null ? "" : url.getHost();
            String path = url.getPath() == null ? "" : url.getPath();
            if (host.endsWith(".openai.azure.com") || path.contains("/openai/deployments/")) {
                return AZURE;
            }
            if (host.equals("api.anthropic.com") || path.endsWith("/v1/messages")) {
                return ANTHROPIC;
            }
            return host.equals("api.openai.com") ? OPENAI : OPENAI_COMPATIBLE;
        }
    }

    /**
     * The optional AI review of GPUs (those whose status is in {@code review}: low and idle by default).
     *
     * @param threshold confidence at or above which an "active" verdict clears a low GPU of reports and notifications
     */
    public record Ai(boolean enabled, AiProvider provider, String apiUrl, String apiKey, String model, double threshold,
                     Set<GpuStatus> review, Duration timeout, int maxConcurrency) {
        public Ai {
            review = Set.copyOf(review);
        }

        /** An OpenAI-shaped configuration with the defaults of the rest, for tests and embedding. */
        public static Ai openAi(String apiUrl, String apiKey, String model, Duration timeout, int maxConcurrency) {
            return new Ai(true, AiProvider.OPENAI, apiUrl, apiKey, model, 0.7, Set.of(GpuStatus.IDLE, GpuStatus.LOW), timeout,
                    maxConcurrency);
        }

        /** Whether a reviewer can be built: enabled or not, {@code /analyze?use_ai=true} may then ask it. */
        public boolean configured() {
            return apiKey != null || (enabled && !provider.needsKey());
        }

        @Override
        public String toString() {
            return "Ai[enabled=" + enabled + ", provider=" + provider.label() + ", apiUrl=" + apiUrl + ", apiKey="
                    + (apiKey == null ? "unset" : "***") + ", model=" + model + ", threshold=" + threshold + ", review=" + review
                    + ", timeout=" + timeout + ", maxConcurrency=" + maxConcurrency + "]";
        }
    }

    /** The optional report of GPUs that turned low or idle to an external control API. */
    public record ControlApi(boolean enabled, String url, String token, Duration timeout, int retries, Duration cooldown) {
        @Override
        public String toString() {
            return "ControlApi[enabled=" + enabled + ", url=" + url + ", token=" + (token == null ? "unset" : "***") + ", timeout="
                    + timeout + ", retries=" + retries + ", cooldown=" + cooldown + "]";
        }
    }

    /**
     * Messages about low and idle GPUs, batched per run, with the control API's cooldown and retry rules. Each channel is on
     * when its address is set: {@code slackWebhookUrl}, {@code feishuWebhookUrl} (signed when {@code feishuSecret} is set), or
     * an {@link Email} server.
     */
    public record Notifications(Duration cooldown, int retries, Duration timeout, String slackWebhookUrl, String feishuWebhookUrl,
                                String feishuSecret, Email email) {
        public static final Notifications NONE = new Notifications(Duration.ofHours(1), 3, Duration.ofSeconds(10), null, null, null, null);

        public boolean any() {
            return slackWebhookUrl != null || feishuWebhookUrl != null || email != null;
        }

        @Override
        public String toString() {
            return "Notifications[cooldown=" + cooldown + ", retries=" + retries + ", timeout=" + timeout + ", slack="
                    + (slackWebhookUrl == null ? "off" : "***") + ", feishu=" + (feishuWebhookUrl == null ? "off" : "***")
                    + ", feishuSecret=" + (feishuSecret == null ? "unset" : "***") + ", email=" + email + "]";
        }
    }

    /** How e-mail leaves: STARTTLS (required, not opportunistic), implicit TLS, or plain for an in-cluster relay. */
    public enum SmtpSecurity {
        STARTTLS(587), SSL(465), NONE(25);

        private final int defaultPort;

        SmtpSecurity(int defaultPort) {
            this.defaultPort = defaultPort;
        }

        public int defaultPort() {
            return defaultPort;
        }
    }

    /**
     * An SMTP server and the message's envelope.
     *
     * @param sslTrust hosts whose certificate is trusted without verification (Jakarta Mail's {@code mail.smtp.ssl.trust});
     *                 null verifies the certificate against the JVM's trust store
     */
    public record Email(String host, int port, SmtpSecurity security, String username, String password, String from, List<String> to,
                        String sslTrust) {
        public Email {
            to = List.copyOf(to);
        }

        @Override
        public String toString() {
            return "Email[host=" + host + ", port=" + port + ", security=" + security + ", username=" + username + ", password="
                    + (password == null ? "unset" : "***") + ", from=" + from + ", to=" + to + ", sslTrust=" + sslTrust + "]";
        }
    }

    @Override
    public String toString() {
        return "ScorerConfig[promUrl=" + promUrl + ", thresholds=" + thresholds + ", interval=" + interval + ", maxWorkers=" + maxWorkers
                + ", timeWindow=" + timeWindow + ", step=" + step + ", selector=" + selector + ", queryTimeout=" + queryTimeout
                + ", analysisTimeout=" + analysisTimeout + ", staleAfter=" + staleAfter + ", weights=" + weights + ", ai=" + ai
                + ", controlApi=" + controlApi + ", notifications=" + notifications + ", configToken="
                + (configToken == null ? "unset" : "***") + ", logLevel=" + logLevel + "]";
    }
}
