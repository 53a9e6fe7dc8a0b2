package io.kubegpu.scorer.metricsapi;

import com.google.gson.JsonObject;
import io.kubegpu.api.LogSafe;
import io.kubegpu.scorer.podmetrics.MetricsApiJson;
import io.kubegpu.scorer.podmetrics.PodGpuMetric;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * custom.metrics.k8s.io ({@code v1beta1} and {@code v1beta2}) as an aggregated API server serves it behind the API
 * server: every request authenticated as the front proxy's ({@link FrontProxyAuthentication}) and authorized for the user
 * it names (a SubjectAccessReview), then discovery or the pods' values. A pod without data is left out of the list, as the
 * HorizontalPodAutoscaler expects; one pod asked for by name without data is a 404.
 *
 * <pre>
 * GET /apis/custom.metrics.k8s.io/VERSION                                       the two metrics, as pods/METRIC
 * GET /apis/custom.metrics.k8s.io/VERSION/namespaces/NS/pods/*\/METRIC?labelSelector=…   a MetricValueList of the selected pods
 * GET /apis/custom.metrics.k8s.io/VERSION/namespaces/NS/pods/NAME/METRIC       a MetricValueList of one pod
 *
 * kubegpu_custom_metrics_requests_total{outcome}   served, unauthenticated, forbidden, not_found, bad_request, failed
 * </pre>
 */
public final class CustomMetricsRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(CustomMetricsRoutes.class);
    private static final String PREFIX = "/apis/" + MetricsApiJson.GROUP;

    private final MetricsApiCluster cluster;
    private final PodGpuQuery query;
    private final Clock clock;
    private final MeterRegistry registry;

    public CustomMetricsRoutes(MetricsApiCluster cluster, PodGpuQuery query, Clock clock, MeterRegistry registry) {
        this.cluster = cluster;
        this.query = query;
        this.clock = clock;
        this.registry = registry;
    }

    public void mount(Router router) {
        router.get(PREFIX + "/:version").handler(this::discovery);
        router.get(PREFIX + "/:version/namespaces/:namespace/pods/:name/:metric").handler(this::podValues);
        router.route(PREFIX + "/*").handler(ctx -> authenticated(ctx, caller -> fail(ctx, 404, "NotFound", "the path "
                + ctx.request().path() + " is not served: only pods/" + PodGpuMetric.GPU_USAGE.metricName() + " and pods/"
                + PodGpuMetric.GPU_MEMORY_USAGE.metricName() + " in a namespace")));
    }

    private void discovery(RoutingContext ctx) {
        String version = ctx.pathParam("version");
        authenticated(ctx, caller -> authorized(ctx, caller, Access.path(ctx.request().path()), () -> {
            if (!MetricsApiJson.served(version)) {
                fail(ctx, 404, "NotFound", "version " + version + " of " + MetricsApiJson.GROUP + " is not served: v1beta1 or v1beta2");
                return;
            }
            reply(ctx, MetricsApiJson.resources(version));
        }));
    }

    private void podValues(RoutingContext ctx) {
        String version = ctx.pathParam("version");
        String namespace = ctx.pathParam("namespace");
        String name = ctx.pathParam("name");
        String metricName = ctx.pathParam("metric");
        Access access = new Access("get", ctx.request().path(), MetricsApiJson.GROUP, version, namespace, "pods", metricName, name);
        authenticated(ctx, caller -> authorized(ctx, caller, access, () -> {
            if (!MetricsApiJson.served(version)) {
                fail(ctx, 404, "NotFound", "version " + version + " of " + MetricsApiJson.GROUP + " is not served: v1beta1 or v1beta2");
                return;
            }
            var metric = PodGpuMetric.named(metricName);
            if (metric.isEmpty()) {
                fail(ctx, 404, "NotFound", "no metric " + metricName + " for pods: " + PodGpuMetric.GPU_USAGE.metricName() + " or "
                        + PodGpuMetric.GPU_MEMORY_USAGE.metricName());
                return;
            }
            String metricSelector = ctx.request().getParam("metricLabelSelector");
            if (metricSelector != null && !metricSelector.isEmpty()) {
                fail(ctx, 400, "BadRequest", "metricLabelSelector '" + metricSelector + "' cannot select anything: " + metricName
                        + " has no labels; remove metric.selector from the autoscaler");
                return;
            }
            boolean all = name.equals("*");
            String selector = all ? nullToEmpty(ctx.request().getParam("labelSelector")) : "";
            Future<Map<String, Map<Integer, Integer>>> pods = cluster.pods(namespace, selector).map(found -> {
                if (all) {
                    return found;
                }
                Map<String, Map<Integer, Integer>> one = new HashMap<>();
                if (found.containsKey(name)) {
                    one.put(name, found.get(name));
                }
                return one;
            });
            pods.compose(selected -> query.values(metric.get(), namespace, selected)).onComplete(done -> {
                if (done.failed()) {
                    LOG.warn("custom metrics {} for {}: {}", metricName, LogSafe.quote(namespace), done.cause().getMessage());
                    fail(ctx, 503, "ServiceUnavailable", "cannot read " + metricName + ": " + done.cause().getMessage());
                    return;
                }
                Map<String, Double> values = done.result();
                if (!all && values.isEmpty()) {
                    fail(ctx, 404, "NotFound", "no " + metricName + " data for pod " + namespace + "/" + name);
                    return;
                }
                reply(ctx, MetricsApiJson.values(version, namespace, metric.get(), values, clock.instant(), query.window().toSeconds()));
            });
        }));
    }

    private void authenticated(RoutingContext ctx, java.util.function.Consumer<Caller> next) {
        Caller caller;
        try {
            caller = FrontProxyAuthentication.authenticate(chain(ctx), headers(ctx), cluster.authentication());
        } catch (FrontProxyAuthentication.Unauthenticated e) {
            count("unauthenticated");
            LOG.debug("refused a custom metrics request from {}: {}", ctx.request().remoteAddress(), e.getMessage());
            reply(ctx, 401, MetricsApiJson.status(401, "Unauthorized", e.getMessage()));
            return;
        }
        next.accept(caller);
    }

    private void authorized(RoutingContext ctx, Caller caller, Access access, Runnable next) {
        cluster.authorize(caller, access).onComplete(done -> {
            if (done.failed()) {
                fail(ctx, 503, "ServiceUnavailable", "cannot check access: " + done.cause().getMessage());
            } else if (!done.result()) {
                count("forbidden");
                reply(ctx, 403, MetricsApiJson.status(403, "Forbidden", "user \"" + caller.user() + "\" cannot " + access.verb() + " "
                        + (access.nonResource() ? "path " + access.path() : access.resource() + "/" + access.subresource() + " in namespace "
                        + access.namespace())));
            } else {
                next.run();
            }
        });
    }

    private static List<X509Certificate> chain(RoutingContext ctx) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            if (ctx.request().isSSL()) {
                for (Certificate certificate : ctx.request().connection().peerCertificates()) {
                    if (certificate instanceof X509Certificate x509) {
                        out.add(x509);
                    }
                }
            }
        } catch (javax.net.ssl.SSLPeerUnverifiedException noCertificate) {
            // None sent: refused by the authentication.
        }
        return out;
    }

    private static Map<String, List<String>> headers(RoutingContext ctx) {
        Map<String, List<String>> out = new HashMap<>();
        ctx.request().headers().forEach(e -> out.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(e.getValue()));
        return out;
    }

    private void fail(RoutingContext ctx, int code, String reason, String message) {
        count(switch (code) {
            case 404 -> "not_found";
            case 400 -> "bad_request";
            default -> "failed";
        });
        reply(ctx, code, MetricsApiJson.status(code, reason, message));
    }

    private void reply(RoutingContext ctx, JsonObject body) {
        count("served");
        reply(ctx, 200, body);
    }

    private static void reply(RoutingContext ctx, int status, JsonObject body) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
        }
    }

    private void count(String outcome) {
        Counter.builder("kubegpu.custom.metrics.requests").description("custom.metrics.k8s.io requests by outcome").tag("outcome", outcome)
                .register(registry).increment();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
