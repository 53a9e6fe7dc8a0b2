package io.kubegpu.scorer.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.kubegpu.scorer.analysis.AnalysisSnapshot;
import io.kubegpu.scorer.run.Analyzer;
import io.kubegpu.scorer.analysis.ScoringSettings;
import io.kubegpu.scorer.config.ScorerConfig;
import io.kubegpu.scorer.score.ScoreWeights;
import io.kubegpu.scorer.score.Thresholds;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API of the Python monitor this replaces: {@code /}, {@code /health}, {@code /analyze},
 * {@code /results}, {@code /results/low}, {@code /results/stats}, {@code /config} and {@code POST
 * /config/update}, with {@link ApiDocs /docs}. Updates need a configured bearer token: with none they are refused outright, since
 * an open endpoint that changes a cluster service's behaviour is not acceptable.
 */
public final class ScorerRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ScorerRoutes.class);
    private static final String JSON = "application/json";
    private static final Set<String> UPDATABLE = Set.of("threshold", "idle_threshold", "interval", "weights");
    /**
     * Manual analyses (and the AI calls they make) start at most this often: {@code GET /analyze} needs no token, as in the
     * monitor, so it must not be a way to run them in a loop.
     */
    static final Duration ANALYZE_COOLDOWN = Duration.ofSeconds(30);

    private final Analyzer analyzer;
    /** When the last manual analysis started (System.nanoTime), 0 before the first. */
    private final java.util.concurrent.atomic.AtomicLong lastManualRun = new java.util.concurrent.atomic.AtomicLong();
    private final ScorerConfig config;
    private final List<String> notifications;
    private final String version;

    /** @param notifications the notification channels on ({@code slack}, {@code feishu}, {@code email}) */
    public ScorerRoutes(Analyzer analyzer, ScorerConfig config, List<String> notifications) {
        this.analyzer = analyzer;
        this.config = config;
        this.notifications = List.copyOf(notifications);
        this.version = BuildVersion.get();
    }

    /** The monitor's routes and {@code /docs}, whose document also lists the paths of {@code extraDocuments} (resources). */
    public void mount(Router router, List<String> extraDocuments) {
        new ApiDocs(version, extraDocuments).mount(router);
        router.get("/").handler(this::root);
        router.get("/health").handler(this::health);
        router.get("/analyze").handler(this::analyze);
        router.get("/results").handler(ctx -> send(ctx, 200, ScorerJson.results(analyzer.latest(), analyzer.latest().scores())));
        router.get("/results/low").handler(this::low);
        router.get("/results/stats").handler(ctx -> send(ctx, 200, ScorerJson.stats(analyzer.latest())));
        router.get("/config").handler(ctx -> send(ctx, 200, configJson()));
        router.post("/config/update").handler(BodyHandler.create().setBodyLimit(64 * 1024)).handler(this::update);
    }

    private void root(RoutingContext ctx) {
        JsonObject out = new JsonObject();
        out.addProperty("service", "kube-gpu-extender GPU utilization scorer");
        out.addProperty("version", version);
        JsonObject features = new JsonObject();
        features.addProperty("ai_analysis", analyzer.aiAvailable());
        features.addProperty("prometheus_metrics", true);
        features.addProperty("control_api", config.controlApi().enabled());
        features.addProperty("config_update", config.configToken() != null);
        JsonArray channels = new JsonArray();
        notifications.forEach(channels::add);
        features.add("notifications", channels);
        features.addProperty("source", analyzer.source().describe());
        features.addProperty("metrics", "/metrics");
        features.addProperty("docs", "/docs");
        out.add("features", features);
        JsonObject summary = new JsonObject();
        ScoringSettings now = analyzer.settings();
        summary.addProperty("prometheus_url", config.promUrl());
        summary.addProperty("threshold", now.threshold());
        summary.addProperty("idle_threshold", now.thresholds().idle());
        summary.addProperty("interval", now.interval().toSeconds());
        summary.addProperty("time_window_min", config.timeWindow().toMinutes());
        summary.addProperty("step", config.step());
        out.add("config", summary);
        send(ctx, 200, out);
    }

    private void health(RoutingContext ctx) {
        AnalysisSnapshot latest = analyzer.latest();
        boolean connected = latest.lastAttempt() != null && !latest.stale();
        JsonObject out = new JsonObject();
        out.addProperty("status", latest.lastAttempt() == null ? "starting" : connected ? "healthy" : "degraded");
        out.addProperty("prometheus_connected", connected && analyzer.source().isPrometheus());
        out.add("last_analysis", ScorerJson.time(latest.analyzedAt()));
        out.addProperty("analysis_timeout", latest.timedOut());
        out.addProperty("analysis_timeout_seconds", config.analysisTimeout().toSeconds());
        out.addProperty("ai_enabled", config.ai().enabled());
        out.addProperty("interval", analyzer.settings().interval().toSeconds());
        out.addProperty("source", analyzer.source().describe());
        out.addProperty("stale", latest.stale());
        out.addProperty("analysis_running", analyzer.running());
        if (latest.lastError() != null) {
            out.addProperty("last_error", latest.lastError());
        }
        send(ctx, 200, out);
    }

    private static final Set<String> TRUE = Set.of("true", "1", "yes", "on");
    private static final Set<String> BOOLEANS = Set.of("true", "1", "yes", "on", "false", "0", "no", "off");

    private void analyze(RoutingContext ctx) {
        String asked = ctx.request().getParam("use_ai");
        // The monitor (FastAPI, a bool parameter) refuses a value that is not a boolean; so do we, instead of reading it as false.
        if (asked != null && !BOOLEANS.contains(asked.toLowerCase(java.util.Locale.ROOT))) {
            send(ctx, 400, error("use_ai must be true or false, got " + io.kubegpu.api.LogSafe.quote(asked)));
            return;
        }
        boolean useAi = asked != null ? TRUE.contains(asked.toLowerCase(java.util.Locale.ROOT)) : config.ai().enabled();
        if (useAi && !analyzer.aiAvailable()) {
            send(ctx, 409, error("AI analysis is not configured: set AI_ENABLED=true, AI_API_URL and AI_API_KEY"));
            return;
        }
        boolean joined = analyzer.running();
        boolean started = false;
        String message;
        if (joined) {
            analyzer.run(useAi);
            message = "an analysis was already running; its results will be served when it ends";
        } else {
            long now = System.nanoTime();
            long last = lastManualRun.get();
            long wait = last == 0 ? 0 : ANALYZE_COOLDOWN.toNanos() - (now - last);
            if (wait <= 0 && lastManualRun.compareAndSet(last, now)) {
                analyzer.run(useAi);
                started = true;
                message = "analysis started in the background; GET /results when it ends";
            } else {
                // Answered as the monitor answers (clients check for "triggered"), but nothing new runs: the last manual
                // analysis is recent, and an unauthenticated caller must not run analyses and AI calls in a loop.
                long seconds = Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(Math.max(wait, 0)) + 1);
                message = "an analysis was started less than " + ANALYZE_COOLDOWN.toSeconds() + " s ago; GET /results has its results "
                        + "(a new one can start in " + seconds + " s)";
            }
        }
        JsonObject out = new JsonObject();
        out.addProperty("status", "triggered");
        out.addProperty("message", message);
        out.addProperty("started", started || joined);
        out.addProperty("use_ai", useAi);
        send(ctx, 200, out);
    }

    private void low(RoutingContext ctx) {
        AnalysisSnapshot latest = analyzer.latest();
        JsonObject out = new JsonObject();
        var low = latest.low();
        out.addProperty("count", low.size());
        out.addProperty("threshold", latest.threshold());
        out.add("gpus", ScorerJson.results(latest, low));
        out.add("timestamp", ScorerJson.time(latest.analyzedAt()));
        out.addProperty("stale", latest.stale());
        send(ctx, 200, out);
    }

    private JsonObject configJson() {
        ScoringSettings now = analyzer.settings();
        JsonObject out = new JsonObject();
        out.addProperty("prom_url", config.promUrl());
        out.addProperty("threshold", now.threshold());
        out.addProperty("idle_threshold", now.thresholds().idle());
        out.addProperty("interval", now.interval().toSeconds());
        out.addProperty("max_workers", config.maxWorkers());
        out.addProperty("time_window_min", config.timeWindow().toMinutes());
        out.addProperty("step", config.step());
        out.addProperty("selector", config.selector());
        out.addProperty("query_timeout", config.queryTimeout().toSeconds());
        out.addProperty("analysis_timeout", config.analysisTimeout().toSeconds());
        out.addProperty("stale_after", config.staleAfter().toSeconds());
        out.add("weights", ScorerJson.weights(now.weights()));
        out.addProperty("ai_enabled", config.ai().enabled());
        out.addProperty("ai_provider", config.ai().provider().label());
        out.addProperty("ai_api_url", config.ai().apiUrl());
        out.addProperty("ai_model", config.ai().model());
        out.addProperty("ai_threshold", config.ai().threshold());
        JsonArray review = new JsonArray();
        config.ai().review().stream().sorted().forEach(status -> review.add(status.label()));
        out.add("ai_review", review);
        out.addProperty("ai_api_key_set", config.ai().apiKey() != null);
        out.addProperty("control_api_enabled", config.controlApi().enabled());
        out.addProperty("control_api", config.controlApi().url());
        out.addProperty("control_api_token_set", config.controlApi().token() != null);
        out.addProperty("control_api_cooldown", config.controlApi().cooldown().toSeconds());
        JsonArray channels = new JsonArray();
        notifications.forEach(channels::add);
        out.add("notifications", channels);
        out.addProperty("notify_cooldown", config.notifications().cooldown().toSeconds());
        out.addProperty("config_update_enabled", config.configToken() != null);
        out.addProperty("log_level", config.logLevel());
        return out;
    }

    private void update(RoutingContext ctx) {
        if (config.configToken() == null) {
            send(ctx, 403, error("configuration updates are disabled: start the scorer with CONFIG_API_TOKEN (or config_token_file) "
                    + "and send it as 'Authorization: Bearer <token>'"));
            return;
        }
        String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (auth == null || !auth.startsWith("Bearer ") || !sameToken(auth.substring(7).trim(), config.configToken())) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            send(ctx, 401, error(auth == null ? "missing 'Authorization: Bearer <token>'" : "the bearer token is not the configured one"));
            return;
        }
        ScoringSettings next;
        try {
            next = apply(analyzer.settings(), ctx.body().asString());
            analyzer.update(next);
        } catch (IllegalArgumentException e) {
            send(ctx, 400, error(e.getMessage()));
            return;
        }
        LOG.info("configuration updated through the API from {}", ctx.request().remoteAddress());
        JsonObject out = new JsonObject();
        out.addProperty("status", "updated");
        JsonObject now = new JsonObject();
        now.addProperty("threshold", next.threshold());
        now.addProperty("idle_threshold", next.thresholds().idle());
        now.addProperty("interval", next.interval().toSeconds());
        now.add("weights", ScorerJson.weights(next.weights()));
        out.add("config", now);
        send(ctx, 200, out);
    }

    /** The settings {@code body} asks for on top of {@code current}; IllegalArgumentException names what is wrong. */
    static ScoringSettings apply(ScoringSettings current, String body) {
        JsonObject request;
        try {
            JsonElement root = JsonParser.parseString(body == null ? "" : body);
            if (!root.isJsonObject()) {
                throw new IllegalArgumentException("the body is a JSON object with threshold, idle_threshold, interval and/or weights");
            }
            request = root.getAsJsonObject();
        } catch (JsonParseException e) {
            // Gson's message is prefixed with its exception's class name; the caller needs the position, not our internals.
            throw new IllegalArgumentException("the body is not JSON: " + io.kubegpu.api.JsonProblem.describe(e));
        }
        for (String key : request.keySet()) {
            if (!UPDATABLE.contains(key)) {
                throw new IllegalArgumentException("'" + key + "' cannot be changed at run time; only threshold, idle_threshold, "
                        + "interval and weights");
            }
        }
        double threshold = request.has("threshold") ? number(request, "threshold") : current.threshold();
        double idle = request.has("idle_threshold") ? number(request, "idle_threshold") : current.thresholds().idle();
        Duration interval = current.interval();
        if (request.has("interval")) {
            double seconds = number(request, "interval");
            if (seconds != Math.rint(seconds)) {
                throw new IllegalArgumentException("interval is a whole number of seconds");
            }
            if (seconds < ScoringSettings.MIN_INTERVAL.toSeconds() || seconds > ScoringSettings.MAX_INTERVAL.toSeconds()) {
                throw new IllegalArgumentException("interval must be within " + ScoringSettings.MIN_INTERVAL.toSeconds() + ".."
                        + ScoringSettings.MAX_INTERVAL.toSeconds() + " seconds, got " + value(request.get("interval")));
            }
            interval = Duration.ofSeconds((long) seconds);
        }
        ScoreWeights weights = current.weights();
        if (request.has("weights")) {
            if (!request.get("weights").isJsonObject()) {
                throw new IllegalArgumentException("weights is an object of gpu_util, mem_copy, mem_used and power");
            }
            JsonObject w = request.getAsJsonObject("weights");
            for (String key : w.keySet()) {
                if (!Set.of("gpu_util", "mem_copy", "mem_used", "power").contains(key)) {
                    throw new IllegalArgumentException("unknown weight '" + key + "'; use gpu_util, mem_copy, mem_used, power");
                }
            }
            weights = new ScoreWeights(w.has("gpu_util") ? number(w, "gpu_util") : weights.core(),
                    w.has("mem_copy") ? number(w, "mem_copy") : weights.memoryCopy(),
                    w.has("mem_used") ? number(w, "mem_used") : weights.memoryUsed(), w.has("power") ? number(w, "power") : weights.power());
        }
        return new ScoringSettings(new Thresholds(idle, threshold), interval, weights);
    }

    private static double number(JsonObject object, String key) {
        JsonElement value = object.get(key);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(key + " must be a number, got " + value);
        }
        // 1e999 reads as Infinity: as an interval it became Long.MAX_VALUE seconds, whose timer overflowed and stopped
        // the analysis for good.
        double number = value.getAsDouble();
        if (!Double.isFinite(number)) {
            throw new IllegalArgumentException(key + " must be a finite number, got " + value);
        }
        return number;
    }

    private static String value(JsonElement element) {
        return element.toString();
    }

    private static boolean sameToken(String presented, String expected) {
        return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonObject error(String message) {
        JsonObject out = new JsonObject();
        out.addProperty("error", message);
        return out;
    }

    private static void send(RoutingContext ctx, int status, JsonElement body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body.toString());
    }
}
