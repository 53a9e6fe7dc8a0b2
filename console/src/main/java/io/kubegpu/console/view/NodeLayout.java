package io.kubegpu.console.view;

import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.cluster.state.Reservation;
import io.kubegpu.cluster.state.Taint;
import io.kubegpu.scorer.score.GpuScore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One node's GPUs as the console shows them: its model and state, how many cards are held whole, shared, unhealthy or
 * free, and (on demand, for the nodes of one page) each card with the pods holding it.
 *
 * <p>The cluster state knows which GPU each share sits on (its assignment), but only how many GPUs a whole-GPU pod
 * holds, not which: the device plugin picks them on the node. Whole cards are therefore laid out on the lowest indices
 * that carry no share and are healthy, and shown without an index.
 */
final class NodeLayout {
    final NodeState state;
    final GpuNode node;
    final String name;
    final String model;
    final String family;
    final int gpus;
    final boolean ready;
    final boolean cordoned;
    final boolean tainted;
    final int wholeUsed;
    final int sharedGpus;
    final int unhealthy;
    final int free;
    final Set<String> namespaces;
    private final List<String> wholeResources;

    private NodeLayout(NodeState state, ViewConfig config) {
        this.state = state;
        this.wholeResources = config.wholeResources();
        this.node = state.node();
        this.name = state.name();
        this.model = modelName(node);
        this.family = node.model() == null ? model : node.model().smallest().family();
        this.gpus = node.gpuCount();
        this.ready = node.ready();
        this.cordoned = node.unschedulable();
        boolean anyTaint = false;
        for (Taint taint : node.taints()) {
            if (!taint.effect().equals("PreferNoSchedule")) {
                anyTaint = true;
            }
        }
        this.tainted = anyTaint;
        long whole = 0;
        for (String resource : config.wholeResources()) {
            whole += state.used(resource);
        }
        int shared = 0;
        int unhealthyUnshared = 0;
        for (int i = 0; i < gpus; i++) {
            if (state.sharedHolders(i) > 0) {
                shared++;
            } else if (!node.healthy(i)) {
                unhealthyUnshared++;
            }
        }
        this.sharedGpus = shared;
        this.unhealthy = unhealthyUnshared;
        this.wholeUsed = (int) Math.min(whole, Math.max(0, gpus - shared - unhealthyUnshared));
        this.free = Math.max(0, gpus - shared - unhealthyUnshared - wholeUsed);
        Set<String> teams = new LinkedHashSet<>();
        for (GpuPod pod : state.pods()) {
            teams.add(pod.namespace());
        }
        for (Reservation reservation : state.reservations()) {
            teams.add(namespaceOf(reservation.podKey()));
        }
        this.namespaces = teams;
    }

    /** The layout of a node with GPUs, or null for a node without its Node object or without GPUs (a CPU node). */
    static NodeLayout of(NodeState state, ViewConfig config) {
        GpuNode node = state.node();
        if (node == null || (node.gpuCount() == 0 && node.model() == null)) {
            return null;
        }
        return new NodeLayout(state, config);
    }

    /** {@code A100-80GB}, a family's name for a node labelled only with it ({@code V100}), else the label as written. */
    static String modelName(GpuNode node) {
        if (node.model() != null) {
            return node.model().isFamily() ? node.model().token() : node.model().smallest().id();
        }
        return node.modelLabel() == null ? "unknown" : node.modelLabel();
    }

    static String namespaceOf(String podKey) {
        if (podKey == null) {
            return "";
        }
        int slash = podKey.indexOf('/');
        return slash < 0 ? "" : podKey.substring(0, slash);
    }

    /** Usable for new pods: Ready and not cordoned. */
    boolean schedulable() {
        return ready && !cordoned;
    }

    /** The node's states, as the filter names them. */
    List<String> states() {
        List<String> out = new ArrayList<>(4);
        out.add(ready ? "ready" : "notready");
        if (cordoned) {
            out.add("cordoned");
        }
        if (tainted) {
            out.add("tainted");
        }
        if (unhealthy > 0 || !node.unhealthyGpus().isEmpty()) {
            out.add("unhealthy");
        }
        if (free == 0) {
            out.add("full");
        } else if (schedulable()) {
            out.add("free");
        }
        return out;
    }

    boolean hasState(String wanted) {
        return states().contains(wanted);
    }

    boolean matchesModel(String wanted) {
        String w = wanted.toUpperCase(Locale.ROOT);
        return model.toUpperCase(Locale.ROOT).equals(w) || family.toUpperCase(Locale.ROOT).equals(w)
                || (node.modelLabel() != null && node.modelLabel().toUpperCase(Locale.ROOT).equals(w));
    }

    boolean matchesTeam(String team, TeamGroups groups) {
        for (String namespace : namespaces) {
            if (groups.belongs(namespace, team)) {
                return true;
            }
        }
        return false;
    }

    /** One pod or in-flight reservation holding part of this node's GPUs. */
    public record Holder(String pod, String team, Integer gpus, Integer memoryMiB, Integer milli, Boolean reserved) {
    }

    /**
     * One card.
     *
     * @param index         the GPU's index on the node; null for a card held whole (the device plugin chose which)
     * @param state         free, whole, shared or unhealthy
     * @param holders       who holds it
     * @param memoryUsedMiB memory handed out on a shared card
     * @param milliUsed     compute handed out on a shared card, thousandths
     * @param utilization   core utilization percent from the scorer, or null
     * @param temperature   °C from the scorer, or null
     * @param status        the scorer's status (idle, low, normal, high, unknown), or null
     */
    public record Card(Integer index, String state, List<Holder> holders, Integer memoryUsedMiB, Integer milliUsed, Double utilization,
                       Double temperature, String status) {
    }

    /** A pod on the node and what it holds, in words. */
    public record PodHold(String pod, String team, String holds) {
    }

    List<Card> cards(UtilizationIndex util, TeamGroups groups) {
        Card[] cards = new Card[gpus];
        int usable = Math.max(1, node.usableMemoryMiB());
        for (int i = 0; i < gpus; i++) {
            if (state.sharedHolders(i) > 0) {
                List<Holder> holders = new ArrayList<>();
                List<GpuScore> scores = new ArrayList<>();
                for (GpuPod pod : state.pods()) {
                    for (GpuSlice slice : pod.slices()) {
                        if (slice.index() == i) {
                            holders.add(new Holder(pod.key(), team(pod.namespace(), groups), null, slice.memoryMiB(), slice.milli(), null));
                            List<GpuScore> ofPod = util.ofPod(name, pod.namespace(), pod.name());
                            if (!ofPod.isEmpty()) {
                                scores.add(ofPod.get(0));
                            }
                        }
                    }
                }
                for (Reservation reservation : state.reservations()) {
                    for (GpuSlice slice : reservation.slices()) {
                        if (slice.index() == i) {
                            holders.add(new Holder(reservation.podKey(), team(namespaceOf(reservation.podKey()), groups), null, slice.memoryMiB(),
                                    slice.milli(), true));
                        }
                    }
                }
                cards[i] = new Card(i, "shared", holders, state.sharedMemoryMiB(i), state.sharedMilli(i), UtilizationIndex.meanUtilization(scores),
                        UtilizationIndex.maxTemperature(scores), scores.isEmpty() ? null : status(scores.get(0)));
            } else if (!node.healthy(i)) {
                cards[i] = new Card(i, "unhealthy", List.of(), null, null, null, null, null);
            }
        }
        int next = 0;
        for (GpuPod pod : state.pods()) {
            int count = wholeCount(pod.requests());
            List<GpuScore> scores = count == 0 ? List.of() : util.ofPod(name, pod.namespace(), pod.name());
            for (int k = 0; k < count; k++) {
                next = nextFree(cards, next);
                if (next >= gpus) {
                    break;
                }
                GpuScore score = k < scores.size() ? scores.get(k) : null;
                cards[next] = new Card(null, "whole", List.of(new Holder(pod.key(), team(pod.namespace(), groups), count, null, null, null)),
                        null, null, score == null || !score.scored() ? null : Num.round1(score.gpuUtil()),
                        score == null || Double.isNaN(score.temperatureC()) ? null : Num.round1(score.temperatureC()),
                        score == null ? null : status(score));
            }
        }
        for (Reservation reservation : state.reservations()) {
            int count = wholeCount(reservation.requests());
            for (int k = 0; k < count; k++) {
                next = nextFree(cards, next);
                if (next >= gpus) {
                    break;
                }
                cards[next] = new Card(null, "whole", List.of(new Holder(reservation.podKey(), team(namespaceOf(reservation.podKey()), groups), count,
                        null, null, true)), null, null, null, null, null);
            }
        }
        List<Card> out = new ArrayList<>(gpus);
        for (int i = 0; i < gpus; i++) {
            out.add(cards[i] != null ? cards[i] : new Card(i, "free", List.of(), null, null, null, null, null));
        }
        // Whole cards first, then shared, unhealthy and free ones by index: what a person scans a row for.
        out.sort(java.util.Comparator.comparingInt(NodeLayout::order).thenComparing(c -> c.index() == null ? -1 : c.index()));
        return out;
    }

    private static int order(Card card) {
        return switch (card.state()) {
            case "whole" -> 0;
            case "shared" -> 1;
            case "unhealthy" -> 2;
            default -> 3;
        };
    }

    private static int nextFree(Card[] cards, int from) {
        int i = from;
        while (i < cards.length && cards[i] != null) {
            i++;
        }
        return i;
    }

    private int wholeCount(java.util.Map<String, Long> requests) {
        long count = 0;
        for (String resource : wholeResourcesOf(requests)) {
            count += requests.get(resource);
        }
        return (int) Math.min(gpus, count);
    }

    private List<String> wholeResourcesOf(java.util.Map<String, Long> requests) {
        List<String> out = new ArrayList<>(1);
        for (String resource : requests.keySet()) {
            if (wholeResources.contains(resource)) {
                out.add(resource);
            }
        }
        return out;
    }

    static String team(String namespace, TeamGroups groups) {
        String group = groups.groupOf(namespace);
        return group == null ? namespace : group;
    }

    private static String status(GpuScore score) {
        return score.status().name().toLowerCase(Locale.ROOT);
    }

    /** The pods on the node and what each holds, in words: {@code 2 GPUs}, {@code 8 GiB and 0.5 of GPU 0}. */
    List<PodHold> pods(TeamGroups groups, String sharedResource, int memoryUnitMiB) {
        List<PodHold> out = new ArrayList<>();
        for (GpuPod pod : state.pods()) {
            out.add(new PodHold(pod.key(), team(pod.namespace(), groups), holds(pod.requests(), pod.slices(), sharedResource, memoryUnitMiB)));
        }
        for (Reservation reservation : state.reservations()) {
            out.add(new PodHold(reservation.podKey(), team(namespaceOf(reservation.podKey()), groups),
                    holds(reservation.requests(), reservation.slices(), sharedResource, memoryUnitMiB) + " (reserved, not bound yet)"));
        }
        return out;
    }

    private String holds(java.util.Map<String, Long> requests, List<GpuSlice> slices, String sharedResource, int memoryUnitMiB) {
        int whole = wholeCount(requests);
        List<String> parts = new ArrayList<>();
        if (whole > 0) {
            parts.add(whole + (whole == 1 ? " GPU" : " GPUs"));
        }
        for (GpuSlice slice : slices) {
            StringBuilder part = new StringBuilder(io.kubegpu.request.GpuRequest.formatMemory(slice.memoryMiB()));
            if (slice.milli() > 0) {
                part.append(" and ").append(slice.milli() / 1000.0).append(" of compute");
            }
            parts.add(part.append(" on GPU ").append(slice.index()).toString());
        }
        if (parts.isEmpty() && requests.getOrDefault(sharedResource, 0L) > 0) {
            parts.add(io.kubegpu.request.GpuRequest.formatMemory(requests.get(sharedResource) * memoryUnitMiB) + " on an unassigned GPU");
        }
        return parts.isEmpty() ? "nothing" : String.join(", ", parts);
    }
}
