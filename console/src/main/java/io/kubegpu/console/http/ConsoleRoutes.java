package io.kubegpu.console.http;

import io.kubegpu.console.view.BadInput;
import io.kubegpu.console.view.ClusterView;
import io.kubegpu.console.view.ConsoleInputs;
import io.kubegpu.console.view.PendingView;
import io.kubegpu.console.view.TeamsView;
import io.kubegpu.console.view.WhatIf;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's routes: the pages (one HTML page, its script and style, uPlot) and the read-only JSON API under
 * {@code /api/v1/}. Every view is built on a worker thread, never on the event loop the extender answers kube-scheduler
 * on. Every bad parameter is a 400 naming it, its value and the fix; an unknown route is a 404, any other method a 405, a
 * missing or wrong token a 401 — all JSON. An unexpected failure is a 500 that says only that, with the details in the log.
 */
final class ConsoleRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRoutes.class);
    static final String API = "/api/v1";
    /** The longest value any parameter may have. */
    static final int MAX_VALUE_LENGTH = 256;
    /** The pages load only what the jar serves: no inline script, nothing from elsewhere. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /** Every route of the API with the parameters it takes: what the OpenAPI document and the README list. */
    static final Map<String, Set<String>> ROUTES = routes();

    private static Map<String, Set<String>> routes() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        out.put(API + "/info", Set.of());
        out.put(API + "/cluster/status", Set.of());
        out.put(API + "/cluster/nodes", Set.of("model", "team", "state", "node", "offset", "limit"));
        out.put(API + "/gpu/metrics", Set.of("model", "team", "state", "node", "offset", "limit"));
        out.put(API + "/teams", Set.of());
        out.put(API + "/pending", Set.of("team", "offset", "limit"));
        out.put(API + "/pending/:namespace/:pod", Set.of());
        out.put(API + "/whatif", Set.of("request", "namespace", "annotation"));
        out.put(API + "/trends", Set.of("hours", "team"));
        return java.util.Collections.unmodifiableMap(out);
    }

    private final Vertx vertx;
    private final Console console;
    private final ClusterView cluster;
    private final TeamsView teams;
    private final PendingView pending;
    private final WhatIf whatIf;
    private final TrendSource trends;
    private final byte[] token;
    private final StaticAssets assets = new StaticAssets();

    ConsoleRoutes(Vertx vertx, Console console, ClusterView cluster, TeamsView teams, PendingView pending, WhatIf whatIf, TrendSource trends,
                  String token) {
        this.vertx = vertx;
        this.console = console;
        this.cluster = cluster;
        this.teams = teams;
        this.pending = pending;
        this.whatIf = whatIf;
        this.trends = trends;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    void mount(Router router) {
        assets.all().forEach((path, asset) -> router.get(path).handler(ctx -> ctx.response()
                .putHeader("Content-Type", asset.contentType())
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cache-Control", "no-cache")
                .end(asset.body())));
        router.route(API + "/*").handler(this::guard);
        get(router, API + "/info", ctx -> info(console.inputs()));
        get(router, API + "/cluster/status", ctx -> {
            ConsoleInputs in = console.inputs();
            return cluster.status(in, console.index(in.utilization()));
        });
        get(router, API + "/cluster/nodes", ctx -> {
            ConsoleInputs in = console.inputs();
            return cluster.nodes(in, console.index(in.utilization()), clusterQuery(ctx));
        });
        get(router, API + "/gpu/metrics", ctx -> {
            ConsoleInputs in = console.inputs();
            return cluster.gpus(in, console.index(in.utilization()), clusterQuery(ctx));
        });
        get(router, API + "/teams", ctx -> {
            ConsoleInputs in = console.inputs();
            return teams.page(in, console.index(in.utilization()));
        });
        get(router, API + "/pending", ctx -> pending.list(console.inputs(), name(ctx, "team"), integer(ctx, "offset", 0),
                integer(ctx, "limit", PendingView.DEFAULT_LIMIT)));
        get(router, API + "/pending/:namespace/:pod", ctx -> {
            String namespace = ctx.pathParam("namespace");
            String pod = ctx.pathParam("pod");
            return pending.detail(console.inputs(), namespace, pod).orElseThrow(() -> new NotFound("no GPU pod " + namespace + "/" + pod
                    + " is waiting for a node (it may have been scheduled or deleted; see " + API + "/pending)"));
        });
        get(router, API + "/whatif", ctx -> whatIf.answer(console.inputs(), question(ctx)));
        router.get(API + "/trends").handler(this::trends);
        router.route(API + "/*").handler(ctx -> {
            boolean known = ROUTES.keySet().stream().anyMatch(route -> matches(route, ctx.normalizedPath()));
            if (known) {
                ctx.response().putHeader("Allow", "GET");
                reply(ctx, 405, ConsoleJson.error("the console's API is read-only: " + ctx.request().method() + " is not allowed", null, null,
                        "use GET"));
            } else {
                reply(ctx, 404, ConsoleJson.error("no such route: " + ctx.normalizedPath(), null, null, "one of " + String.join(", ",
                        ROUTES.keySet())));
            }
        });
    }

    private static boolean matches(String route, String path) {
        String[] want = route.split("/");
        String[] got = path.split("/");
        if (want.length != got.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (!want[i].startsWith(":") && !want[i].equals(got[i])) {
                return false;
            }
        }
        return true;
    }

    /** The token, when one is set; then the parameters: only known ones, each at most {@value #MAX_VALUE_LENGTH} characters. */
    private void guard(RoutingContext ctx) {
        ctx.response().putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff");
        if (token != null) {
            String given = ctx.request().getHeader("Authorization");
            // The scheme is case-insensitive (RFC 7235); the token is compared in constant time.
            boolean bearer = given != null && given.regionMatches(true, 0, "Bearer ", 0, 7);
            if (!bearer || !MessageDigest.isEqual(token, given.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"kube-gpu-extender console\"");
                reply(ctx, 401, ConsoleJson.error(given == null ? "this console needs a token" : "the token is not the console's", "Authorization",
                        null, "send 'Authorization: Bearer <token>' (the pages ask for it); the token is the console's --console-token-file"));
                return;
            }
        }
        if (ctx.request().method() != HttpMethod.GET) {
            ctx.next();
            return;
        }
        String route = ROUTES.keySet().stream().filter(r -> matches(r, ctx.normalizedPath())).findFirst().orElse(null);
        if (route != null) {
            Set<String> allowed = ROUTES.get(route);
            MultiMap params = ctx.queryParams();
            for (String name : params.names()) {
                if (!allowed.contains(name)) {
                    reply(ctx, 400, ConsoleJson.error("unknown parameter '" + name + "'", name, params.get(name),
                            allowed.isEmpty() ? "this route takes no parameters" : "one of " + String.join(", ", new TreeSet<>(allowed))));
                    return;
                }
                if (!name.equals("annotation") && params.getAll(name).size() > 1) {
                    reply(ctx, 400, ConsoleJson.error("parameter '" + name + "' is given more than once", name, String.join(",", params.getAll(name)),
                            "give it once"));
                    return;
                }
                for (String value : params.getAll(name)) {
                    if (value.length() > MAX_VALUE_LENGTH) {
                        reply(ctx, 400, ConsoleJson.error("parameter '" + name + "' is longer than " + MAX_VALUE_LENGTH + " characters", name,
                                value.substring(0, 40) + "…", "a shorter value"));
                        return;
                    }
                }
            }
        }
        ctx.next();
    }

    private interface View {
        Object build(RoutingContext ctx) throws Exception;
    }

    /** A 404 for a thing the path names that does not exist. */
    private static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    private void get(Router router, String path, View view) {
        router.get(path).handler(ctx -> answer(ctx, () -> ConsoleJson.write(view.build(ctx))));
    }

    private void answer(RoutingContext ctx, Callable<String> work) {
        vertx.executeBlocking(work, false).onComplete(done -> {
            if (done.succeeded()) {
                reply(ctx, 200, done.result());
            } else {
                fail(ctx, done.cause());
            }
        });
    }

    private static void fail(RoutingContext ctx, Throwable cause) {
        if (cause instanceof BadInput bad) {
            reply(ctx, 400, ConsoleJson.error(bad));
        } else if (cause instanceof NotFound missing) {
            reply(ctx, 404, ConsoleJson.error(missing.getMessage(), null, null, null));
        } else {
            LOG.warn("console: {} failed", ctx.normalizedPath(), cause);
            reply(ctx, 500, ConsoleJson.error("the console could not build this view; the server's log has the details", null, null, null));
        }
    }

    private static void reply(RoutingContext ctx, int status, String body) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
        }
    }

    private static String text(RoutingContext ctx, String name) {
        String value = ctx.queryParams().get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** A namespace or team-group name, or null. */
    private static String name(RoutingContext ctx, String parameter) {
        String value = text(ctx, parameter);
        if (value != null && !value.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw new BadInput(parameter, value, "'" + value + "' is not a namespace or team-group name",
                    "lower-case letters, digits and '-', at most 63 characters");
        }
        return value;
    }

    private static int integer(RoutingContext ctx, String parameter, int fallback) {
        String value = text(ctx, parameter);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new BadInput(parameter, value, "'" + value + "' is not a whole number", "a whole number such as " + fallback);
        }
    }

    private static ClusterView.Query clusterQuery(RoutingContext ctx) {
        String model = text(ctx, "model");
        if (model != null && !model.matches("[A-Za-z0-9._-]+")) {
            throw new BadInput("model", model, "'" + model + "' is not a GPU model name", "letters, digits, '.', '_' and '-', e.g. A100 or T4");
        }
        String node = text(ctx, "node");
        if (node != null && !node.matches("[a-z0-9.-]+")) {
            throw new BadInput("node", node, "'" + node + "' cannot be part of a node name", "lower-case letters, digits, '.' and '-'");
        }
        return new ClusterView.Query(model, name(ctx, "team"), text(ctx, "state"), node, integer(ctx, "offset", 0),
                integer(ctx, "limit", ClusterView.DEFAULT_LIMIT));
    }

    private static WhatIf.Question question(RoutingContext ctx) {
        Map<String, String> annotations = new LinkedHashMap<>();
        for (String entry : ctx.queryParams().getAll("annotation")) {
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw new BadInput("annotation", entry, "'" + entry + "' is not KEY=VALUE", "e.g. kubegpu.io/min-gpu-memory=40G");
            }
            annotations.put(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim());
        }
        return new WhatIf.Question(ctx.queryParams().get("request"), text(ctx, "namespace"), annotations);
    }

    /** What is wired: sources and limits, never a secret or a URL (which may carry credentials). */
    private Map<String, Object> info(ConsoleInputs in) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", in.now());
        out.put("synced", in.cluster().synced());
        out.put("utilization", in.utilization() == null ? "none (the scorer does not run in this process)" : "scorer");
        out.put("decisions", console.sources().decisions() == io.kubegpu.console.view.DecisionLookup.NONE ? "none (the extender does not run in this process)"
                : "extender");
        out.put("trends", trends.name());
        out.put("trendsMaxHours", trends.maxHours());
        out.put("teamGroups", console.sources().config().teams().groups());
        out.put("quota", console.sources().config().quotas().configured());
        out.put("policy", console.sources().defaultPolicy().label());
        out.put("routes", new ArrayList<>(ROUTES.keySet()));
        return out;
    }

    private void trends(RoutingContext ctx) {
        int hours;
        String team;
        List<String> namespaces;
        try {
            hours = integer(ctx, "hours", Math.min(6, trends.maxHours()));
            if (hours < 1 || hours > trends.maxHours()) {
                throw new BadInput("hours", Integer.toString(hours), "the window is out of range", "a whole number of hours 1.." + trends.maxHours()
                        + " (" + trends.name() + " keeps that much)");
            }
            team = name(ctx, "team");
            var groups = console.sources().config().teams().groups();
            namespaces = team == null ? List.of() : groups.containsKey(team) ? groups.get(team) : List.of(team);
        } catch (BadInput bad) {
            reply(ctx, 400, ConsoleJson.error(bad));
            return;
        }
        Instant to = console.inputs().now();
        Instant from = to.minus(Duration.ofHours(hours));
        long step = trends.stepSeconds(Duration.ofHours(hours));
        Future<List<io.kubegpu.console.view.TrendPoint>> points = trends.points(team, namespaces, from, to, step);
        points.onComplete(done -> {
            if (done.failed()) {
                // The cause names Prometheus' address, which may carry credentials: it goes to the log only.
                LOG.warn("console: trends from {} failed: {}", trends.name(), done.cause().getMessage());
                String what = done.cause() instanceof io.kubegpu.scorer.prometheus.PrometheusException failure ? switch (failure.kind()) {
                    case UNREACHABLE -> "Prometheus cannot be reached";
                    case TIMEOUT -> "Prometheus did not answer in time";
                    case ERROR -> "Prometheus refused the trends query";
                    case MALFORMED -> "Prometheus' answer could not be read";
                } : "the trend source failed";
                reply(ctx, 502, ConsoleJson.error(what + "; the server's log has the details", null, null,
                        "check that Prometheus is reachable from this process and has the chart's recording rules"));
                return;
            }
            vertx.executeBlocking(() -> {
                TreeSet<String> known = new TreeSet<>(console.history().teams());
                known.addAll(console.sources().config().teams().groups().keySet());
                ConsoleInputs in = console.inputs();
                teams.page(in, console.index(in.utilization())).namespaces().forEach(t -> known.add(t.team()));
                return ConsoleJson.write(new Trends(to, trends.name(), trends.maxHours(), team, hours, step, done.result(),
                        List.copyOf(known), trends.note(from)));
            }, false).onComplete(written -> {
                if (written.succeeded()) {
                    reply(ctx, 200, written.result());
                } else {
                    fail(ctx, written.cause());
                }
            });
        });
    }
}
