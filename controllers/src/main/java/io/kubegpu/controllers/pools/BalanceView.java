package io.kubegpu.controllers.pools;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.kubegpu.pools.balance.BalancePlan;
import io.kubegpu.pools.balance.BalancePolicy;
import io.kubegpu.pools.balance.GroupLoad;
import io.kubegpu.pools.balance.PoolNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /balance}: the balancer's settings, its last pass (each group's load, each pool node, the decision and why) and
 * the latest actions, newest first. Every replica serves it; only the one holding the controllers' lease runs passes
 * ({@code running}).
 */
final class BalanceView {
    private static final int HISTORY = 50;

    private final PoolBalancer.Settings settings;
    private final Deque<JsonObject> history = new ArrayDeque<>();
    private JsonObject last;
    private long passes;
    private boolean running;

    BalanceView(PoolBalancer.Settings settings) {
        this.settings = settings;
    }

    synchronized void running(boolean value) {
        running = value;
    }

    synchronized long passes() {
        return passes;
    }

    /** Records a pass and what became of its decision ({@code applied}, {@code dry_run}, {@code conflict}, {@code failed}, or null). */
    synchronized void record(BalancePlan plan, List<PoolNode> nodes, String outcome) {
        passes++;
        JsonObject pass = new JsonObject();
        pass.addProperty("at", plan.at().toString());
        JsonArray groups = new JsonArray();
        for (GroupLoad load : plan.groups()) {
            JsonObject group = new JsonObject();
            group.addProperty("group", load.group());
            group.addProperty("nodes", load.nodes());
            group.addProperty("gpus", load.gpus());
            group.addProperty("allocated", load.allocated());
            group.addProperty("pendingGpus", load.pendingMilli() / 1000.0);
            group.addProperty("allocation", Math.round(load.allocation() * 1000) / 1000.0);
            groups.add(group);
        }
        pass.add("groups", groups);
        JsonObject decision = decision(plan, outcome);
        pass.add("decision", decision);
        JsonArray nodeRows = new JsonArray();
        BalancePolicy policy = settings.policy();
        nodes.stream().sorted(java.util.Comparator.comparing(PoolNode::group).thenComparing(PoolNode::name)).forEach(node -> {
            JsonObject row = new JsonObject();
            row.addProperty("name", node.name());
            row.addProperty("group", node.group());
            row.addProperty("ready", node.ready());
            row.addProperty("gpus", node.gpus());
            row.addProperty("allocated", node.allocatedGpus());
            row.addProperty("groupPods", node.groupPods());
            row.addProperty("cordonedByOthers", node.cordonedByOthers());
            row.add("movedAt", node.movedAt() == null ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(node.movedAt().toString()));
            row.add("coolingDownUntil", node.coolingDown(plan.at(), policy.cooldown())
                    ? new com.google.gson.JsonPrimitive(node.movedAt().plus(policy.cooldown()).toString()) : JsonNull.INSTANCE);
            row.add("drainingFor", node.drainingFor() == null ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(node.drainingFor()));
            nodeRows.add(row);
        });
        pass.add("nodes", nodeRows);
        last = pass;
        if (plan.decision().action() != BalancePlan.Action.NONE) {
            JsonObject entry = decision.deepCopy();
            entry.addProperty("at", plan.at().toString());
            history.addFirst(entry);
            while (history.size() > HISTORY) {
                history.removeLast();
            }
        }
    }

    private static JsonObject decision(BalancePlan plan, String outcome) {
        BalancePlan.Decision d = plan.decision();
        JsonObject out = new JsonObject();
        out.addProperty("action", d.action().name().toLowerCase(Locale.ROOT));
        out.addProperty("reason", d.reason().tag());
        if (d.node() != null) {
            out.addProperty("node", d.node());
            out.addProperty("from", d.from());
            out.addProperty("to", d.to());
        }
        out.addProperty("why", d.why());
        if (outcome != null) {
            out.addProperty("outcome", outcome);
        }
        return out;
    }

    synchronized String json() {
        JsonObject out = new JsonObject();
        out.addProperty("mode", settings.apply() ? "apply" : "dry-run");
        out.addProperty("running", running);
        JsonObject config = new JsonObject();
        BalancePolicy policy = settings.policy();
        config.addProperty("nodeLabel", settings.nodeLabel());
        config.addProperty("namespaceLabel", settings.namespaceLabel());
        config.addProperty("publicGroup", policy.publicGroup());
        config.addProperty("intervalSeconds", seconds(settings.interval()));
        config.addProperty("threshold", policy.threshold());
        config.addProperty("minNodes", policy.minNodes());
        config.addProperty("cooldownSeconds", seconds(policy.cooldown()));
        config.addProperty("hysteresis", policy.hysteresis());
        config.addProperty("drain", policy.drain());
        out.add("settings", config);
        out.addProperty("passes", passes);
        out.add("last", last == null ? JsonNull.INSTANCE : last);
        JsonArray actions = new JsonArray();
        history.forEach(actions::add);
        out.add("history", actions);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create().toJson(out);
    }

    private static Number seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() : duration.toMillis() / 1000.0;
    }
}
