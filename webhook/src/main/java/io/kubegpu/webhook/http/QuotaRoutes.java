package io.kubegpu.webhook.http;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.kubegpu.webhook.quota.Amount;
import io.kubegpu.webhook.quota.QuotaKey;
import io.kubegpu.webhook.quota.QuotaLedger;
import io.kubegpu.webhook.quota.QuotaReport;
import io.kubegpu.webhook.quota.QuotaRule;
import io.kubegpu.webhook.quota.Ticket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;

/**
 * {@code GET /quotas}: every quota's limits and what uses them (bound pods, pending pods, pods admitted and not yet seen),
 * the pods that count, and the latest refusals with their messages. GPUs are numbers ({@code 0.5}), memory is given in MiB
 * and as the request grammar writes it ({@code 48G}).
 */
public final class QuotaRoutes {
    private final QuotaLedger ledger;
    private final java.util.function.Supplier<String> fileError;

    /** @param fileError why the latest change of the quota file was not applied, or null */
    public QuotaRoutes(QuotaLedger ledger, java.util.function.Supplier<String> fileError) {
        this.ledger = ledger;
        this.fileError = fileError;
    }

    public void mount(Router router) {
        router.get("/quotas").handler(this::quotas);
    }

    private void quotas(RoutingContext ctx) {
        // The report reads each quota's tickets from the API server: off the event loop.
        ctx.vertx().executeBlocking(() -> render(ledger.report(), fileError.get()), false).onComplete(done -> {
            if (done.succeeded()) {
                ctx.response().putHeader("Content-Type", "application/json").end(done.result());
            } else {
                JsonObject error = new JsonObject();
                error.addProperty("error", String.valueOf(done.cause().getMessage()));
                ctx.response().setStatusCode(500).putHeader("Content-Type", "application/json").end(error.toString());
            }
        });
    }

    /** The report as JSON. */
    public static String render(QuotaReport report, String fileError) {
        JsonObject out = new JsonObject();
        out.addProperty("synced", report.synced());
        out.addProperty("source", report.source());
        if (fileError != null) {
            out.addProperty("fileError", "the latest change of the quota file was not applied: " + fileError);
        }
        out.addProperty("ticketTtlSeconds", report.ticketTtl().toSeconds());
        JsonArray quotas = new JsonArray();
        for (QuotaReport.QuotaStatus status : report.quotas()) {
            JsonObject quota = new JsonObject();
            quota.addProperty("name", status.quota().name());
            JsonArray namespaces = new JsonArray();
            status.quota().namespaces().forEach(namespaces::add);
            quota.add("namespaces", namespaces);
            quota.add("perPodGpus", status.quota().perPodMilli() > 0 ? number(status.quota().perPodMilli()) : JsonNull.INSTANCE);
            JsonArray limits = new JsonArray();
            for (QuotaReport.LimitStatus limit : status.limits()) {
                JsonObject row = new JsonObject();
                row.addProperty("model", limit.key().text());
                row.addProperty("kind", limit.key().kind().name().toLowerCase(java.util.Locale.ROOT));
                if (limit.gpuLimitMilli() >= 0) {
                    row.add("gpus", part(limit.gpuLimitMilli(), limit, Amount::milli, false));
                }
                if (limit.memoryLimitMiB() >= 0) {
                    row.add("sharedMemory", part(limit.memoryLimitMiB(), limit, Amount::mib, true));
                }
                limits.add(row);
            }
            quota.add("limits", limits);
            JsonArray pods = new JsonArray();
            for (QuotaLedger.SeenPod pod : status.pods()) {
                JsonObject row = new JsonObject();
                row.addProperty("pod", pod.name());
                row.addProperty("state", pod.use().bound() ? "bound" : "pending");
                if (pod.node() != null) {
                    row.addProperty("node", pod.node());
                }
                row.add("gpus", number(pod.use().milli()));
                if (pod.use().sharedMiB() > 0) {
                    row.addProperty("sharedMemory", QuotaRule.memory(pod.use().sharedMiB()));
                }
                row.add("countsAgainst", keys(status.quota().charges(pod.use()).keySet()));
                pods.add(row);
            }
            quota.add("pods", pods);
            JsonArray unseen = new JsonArray();
            for (Ticket ticket : status.unseen()) {
                JsonObject row = new JsonObject();
                row.addProperty("ticket", ticket.id());
                row.addProperty("namespace", ticket.use().namespace());
                row.add("gpus", number(ticket.use().milli()));
                if (ticket.use().sharedMiB() > 0) {
                    row.addProperty("sharedMemory", QuotaRule.memory(ticket.use().sharedMiB()));
                }
                row.add("countsAgainst", keys(status.quota().charges(ticket.use()).keySet()));
                row.addProperty("lapsesAt", ticket.expiresAt().toString());
                unseen.add(row);
            }
            quota.add("admittedNotSeen", unseen);
            if (status.storeError() != null) {
                quota.addProperty("ledgerError", status.storeError());
            }
            quotas.add(quota);
        }
        out.add("quotas", quotas);
        JsonArray refusals = new JsonArray();
        for (QuotaLedger.Refusal refusal : report.refusals()) {
            JsonObject row = new JsonObject();
            row.addProperty("at", refusal.at().toString());
            row.addProperty("quota", refusal.quota());
            row.addProperty("namespace", refusal.namespace());
            row.addProperty("pod", refusal.pod());
            row.addProperty("request", refusal.request());
            row.addProperty("message", refusal.message());
            refusals.add(row);
        }
        out.add("refusals", refusals);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create().toJson(out);
    }

    private static JsonObject part(long limit, QuotaReport.LimitStatus status, java.util.function.ToLongFunction<Amount> of, boolean memory) {
        JsonObject out = new JsonObject();
        long used = of.applyAsLong(status.used());
        add(out, "limit", limit, memory);
        add(out, "used", used, memory);
        add(out, "free", Math.max(0, limit - used), memory);
        add(out, "bound", of.applyAsLong(status.bound()), memory);
        add(out, "pending", of.applyAsLong(status.pending()), memory);
        add(out, "admittedNotSeen", of.applyAsLong(status.admitted()), memory);
        return out;
    }

    private static void add(JsonObject out, String name, long value, boolean memory) {
        if (memory) {
            out.addProperty(name, QuotaRule.memory(value));
            out.addProperty(name + "MiB", value);
        } else {
            out.add(name, number(value));
        }
    }

    private static JsonArray keys(java.util.Collection<QuotaKey> keys) {
        JsonArray out = new JsonArray();
        keys.forEach(k -> out.add(k.text()));
        return out;
    }

    /** Thousandths as a plain number: {@code 10}, {@code 0.5} (never {@code 1E+1}). */
    private static com.google.gson.JsonPrimitive number(long milli) {
        return milli % 1000 == 0 ? new com.google.gson.JsonPrimitive(milli / 1000)
                : new com.google.gson.JsonPrimitive(BigDecimal.valueOf(milli, 3).stripTrailingZeros());
    }
}
