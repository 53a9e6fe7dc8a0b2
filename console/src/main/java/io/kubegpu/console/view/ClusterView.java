package io.kubegpu.console.view;

import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.cluster.state.Taint;
import io.kubegpu.scorer.score.GpuStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Cluster page: stat cards, totals by model, and every node with every card, filtered and paged. Filtering and
 * totals read each node's counts only; cards and pods are built for the nodes of the page asked for, so a page of a
 * 5,000-node cluster costs one pass over the nodes plus one page of cards.
 */
public final class ClusterView {
    /** Node states a filter may ask for. */
    public static final List<String> STATES = List.of("ready", "notready", "cordoned", "tainted", "unhealthy", "free", "full");
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    private final ViewConfig config;

    public ClusterView(ViewConfig config) {
        this.config = config;
    }

    /**
     * Which nodes and which page.
     *
     * @param model  a model or family ({@code A100}), case-insensitive; null for any
     * @param team   a namespace or team group holding GPUs on the node; null for any
     * @param state  one of {@link #STATES}; null for any
     * @param node   part of the node's name; null for any
     * @param offset first node of the page (nodes are sorted by name)
     * @param limit  nodes per page, 1..{@value #MAX_LIMIT}
     */
    public record Query(String model, String team, String state, String node, int offset, int limit) {
        public static Query all() {
            return new Query(null, null, null, null, 0, DEFAULT_LIMIT);
        }
    }

    /** Totals of one GPU model. {@code unavailable}: free cards on nodes that are NotReady or cordoned. */
    public record ModelTotals(String model, int nodes, int gpus, int whole, int shared, int free, int unavailable, int unhealthy,
                              double allocation) {
    }

    /** The scorer's figures over the cluster, when it runs in this process. */
    public record Utilization(Double average, Instant analyzedAt, boolean stale, int gpus, int idle, int low) {
    }

    /** The stat cards. */
    public record Status(Instant at, boolean synced, long version, int nodes, int gpuNodes, int gpus, int allocated, int whole, int shared,
                         int free, int available, int unhealthy, double allocation, int notReadyNodes, int cordonedNodes, int taintedNodes,
                         int pendingPods, Utilization utilization, List<ModelTotals> byModel) {
    }

    /** One node with its cards. */
    public record NodeRow(String name, String model, String modelLabel, int memoryMiB, int usableMemoryMiB, int gpus, List<String> states,
                          List<String> taints, int whole, int shared, int free, int unhealthy, List<NodeLayout.Card> cards,
                          List<NodeLayout.PodHold> pods, Double utilization, Double temperature) {
    }

    /** One page of nodes, with the totals of every node the filter keeps and what the filters can choose from. */
    public record NodesPage(Instant at, Query query, int total, List<NodeRow> nodes, List<ModelTotals> byModel, List<String> models,
                            List<String> teams, List<String> states) {
    }

    /** One card as a table row: the per-GPU table. */
    public record GpuRow(String node, Integer index, String model, int memoryMiB, String nodeState, String state, List<NodeLayout.Holder> holders,
                         Integer memoryUsedMiB, Integer milliUsed, Double utilization, Double temperature, String status) {
    }

    public record GpuPage(Instant at, Query query, int total, List<GpuRow> gpus) {
    }

    /** Every node with GPUs, sorted by name. */
    List<NodeLayout> layouts(ConsoleInputs in) {
        List<NodeLayout> out = new ArrayList<>();
        for (NodeState state : in.cluster().nodes()) {
            NodeLayout layout = NodeLayout.of(state, config);
            if (layout != null) {
                out.add(layout);
            }
        }
        out.sort((a, b) -> a.name.compareTo(b.name));
        return out;
    }

    public Status status(ConsoleInputs in, UtilizationIndex util) {
        List<NodeLayout> layouts = layouts(in);
        int gpus = 0;
        int whole = 0;
        int shared = 0;
        int free = 0;
        int available = 0;
        int unhealthy = 0;
        int notReady = 0;
        int cordoned = 0;
        int tainted = 0;
        for (NodeLayout n : layouts) {
            gpus += n.gpus;
            whole += n.wholeUsed;
            shared += n.sharedGpus;
            free += n.free;
            unhealthy += n.unhealthy;
            available += n.schedulable() ? n.free : 0;
            notReady += n.ready ? 0 : 1;
            cordoned += n.cordoned ? 1 : 0;
            tainted += n.tainted ? 1 : 0;
        }
        Utilization utilization = null;
        if (util.present()) {
            var all = util.all();
            utilization = new Utilization(UtilizationIndex.meanUtilization(all), util.analyzedAt(), util.stale(), all.size(),
                    UtilizationIndex.count(all, GpuStatus.IDLE), UtilizationIndex.count(all, GpuStatus.LOW));
        }
        return new Status(in.now(), in.cluster().synced(), in.cluster().version(), in.cluster().nodeCount(), layouts.size(), gpus, whole + shared,
                whole, shared, free, available, unhealthy, Num.ratio(whole + shared, gpus), notReady, cordoned, tainted, in.pending().size(),
                utilization, totals(layouts));
    }

    /** Checks a query's values; every problem names the parameter and the fix. */
    public Query validate(Query query) {
        if (query.state() != null && !STATES.contains(query.state())) {
            throw new BadInput("state", query.state(), "unknown node state '" + query.state() + "'", "one of " + String.join(", ", STATES));
        }
        if (query.limit() < 1 || query.limit() > MAX_LIMIT) {
            throw new BadInput("limit", Integer.toString(query.limit()), "limit " + query.limit() + " is out of range", "a whole number 1.." + MAX_LIMIT);
        }
        if (query.offset() < 0) {
            throw new BadInput("offset", Integer.toString(query.offset()), "offset " + query.offset() + " is negative", "a whole number from 0");
        }
        return query;
    }

    private List<NodeLayout> matching(List<NodeLayout> layouts, Query query) {
        String part = query.node() == null ? null : query.node().toLowerCase(Locale.ROOT);
        List<NodeLayout> out = new ArrayList<>(layouts.size());
        for (NodeLayout n : layouts) {
            if ((query.model() == null || n.matchesModel(query.model())) && (query.team() == null || n.matchesTeam(query.team(), config.teams()))
                    && (query.state() == null || n.hasState(query.state())) && (part == null || n.name.toLowerCase(Locale.ROOT).contains(part))) {
                out.add(n);
            }
        }
        return out;
    }

    public NodesPage nodes(ConsoleInputs in, UtilizationIndex util, Query query) {
        validate(query);
        List<NodeLayout> layouts = layouts(in);
        List<NodeLayout> matching = matching(layouts, query);
        List<NodeRow> rows = new ArrayList<>();
        for (int i = query.offset(); i < matching.size() && rows.size() < query.limit(); i++) {
            rows.add(row(matching.get(i), util));
        }
        TreeSet<String> models = new TreeSet<>();
        TreeSet<String> teams = new TreeSet<>();
        for (NodeLayout n : layouts) {
            models.add(n.model);
            for (String namespace : n.namespaces) {
                teams.add(namespace);
                String group = config.teams().groupOf(namespace);
                if (group != null) {
                    teams.add(group);
                }
            }
        }
        return new NodesPage(in.now(), query, matching.size(), rows, totals(matching), List.copyOf(models), List.copyOf(teams), STATES);
    }

    NodeRow row(NodeLayout n, UtilizationIndex util) {
        List<String> taints = new ArrayList<>();
        for (Taint taint : n.node.taints()) {
            taints.add(taint.key() + (taint.value().isEmpty() ? "" : "=" + taint.value()) + ":" + taint.effect());
        }
        var scores = util.onHost(n.name);
        return new NodeRow(n.name, n.model, n.node.modelLabel(), n.node.gpuMemoryMiB(), n.node.usableMemoryMiB(), n.gpus, n.states(), taints,
                n.wholeUsed, n.sharedGpus, n.free, n.unhealthy, n.cards(util, config.teams()),
                n.pods(config.teams(), config.sharedResource(), config.memoryUnitMiB()), UtilizationIndex.meanUtilization(scores),
                UtilizationIndex.maxTemperature(scores));
    }

    /** The per-GPU table: the cards of the nodes the query keeps, one row each, paged by card. */
    public GpuPage gpus(ConsoleInputs in, UtilizationIndex util, Query query) {
        validate(query);
        List<NodeLayout> matching = matching(layouts(in), query);
        int total = 0;
        for (NodeLayout n : matching) {
            total += n.gpus;
        }
        List<GpuRow> rows = new ArrayList<>();
        int skip = query.offset();
        for (NodeLayout n : matching) {
            if (rows.size() >= query.limit()) {
                break;
            }
            if (skip >= n.gpus) {
                skip -= n.gpus;
                continue;
            }
            String nodeState = n.ready ? (n.cordoned ? "cordoned" : "ready") : "notready";
            List<NodeLayout.Card> cards = n.cards(util, config.teams());
            for (int i = skip; i < cards.size() && rows.size() < query.limit(); i++) {
                NodeLayout.Card c = cards.get(i);
                rows.add(new GpuRow(n.name, c.index(), n.model, n.node.gpuMemoryMiB(), nodeState, c.state(), c.holders(), c.memoryUsedMiB(),
                        c.milliUsed(), c.utilization(), c.temperature(), c.status()));
            }
            skip = 0;
        }
        return new GpuPage(in.now(), query, total, rows);
    }

    static List<ModelTotals> totals(List<NodeLayout> layouts) {
        Map<String, int[]> byModel = new TreeMap<>();
        for (NodeLayout n : layouts) {
            int[] t = byModel.computeIfAbsent(n.model, m -> new int[7]);
            t[0]++;
            t[1] += n.gpus;
            t[2] += n.wholeUsed;
            t[3] += n.sharedGpus;
            t[4] += n.schedulable() ? n.free : 0;
            t[5] += n.schedulable() ? 0 : n.free;
            t[6] += n.unhealthy;
        }
        List<ModelTotals> out = new ArrayList<>(byModel.size());
        byModel.forEach((model, t) -> out.add(new ModelTotals(model, t[0], t[1], t[2], t[3], t[4], t[5], t[6], Num.ratio(t[2] + t[3], t[1]))));
        return out;
    }
}
