package io.kubegpu.console.view;

import io.kubegpu.cluster.state.GpuNode;
import io.kubegpu.cluster.state.GpuPod;
import io.kubegpu.cluster.state.GpuSlice;
import io.kubegpu.cluster.state.NodeState;
import io.kubegpu.cluster.state.PendingPod;
import io.kubegpu.scorer.score.GpuScore;
import io.kubegpu.scorer.score.GpuStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Teams page: per namespace, and per team group where configured, the GPUs its pods hold by model (a share counts
 * as the fraction of its card it holds, the larger of memory and compute), how busy they are and how many sit idle or
 * low by the scorer's statuses, its pending GPU pods, and its quota where a quota source is wired.
 */
public final class TeamsView {
    private final ViewConfig config;

    public TeamsView(ViewConfig config) {
        this.config = config;
    }

    /** A quota as shown: the limit and the use, by model ({@code "*"}: any model). */
    public record Quota(Map<String, Double> limit, Map<String, Double> used, boolean usedFromSource) {
    }

    /**
     * One team.
     *
     * @param team        the namespace or group
     * @param kind        namespace or group
     * @param namespaces  a group's namespaces (for a namespace, itself)
     * @param gpus        GPUs held, shares as fractions
     * @param byModel     the same by model
     * @param wholeGpus   GPUs held whole
     * @param sharedPods  pods holding a share
     * @param pods        GPU pods running
     * @param pending     GPU pods waiting for a node
     * @param utilization mean core utilization of its scored GPUs, percent; null without scorer data
     * @param scoredGpus  GPUs (per pod) the scorer reported for it
     * @param idle        of those, idle
     * @param low         of those, low
     * @param quota       its quota, or null when none is configured for it
     */
    public record Team(String team, String kind, List<String> namespaces, double gpus, Map<String, Double> byModel, int wholeGpus, int sharedPods,
                       int pods, int pending, Double utilization, int scoredGpus, int idle, int low, Quota quota) {
    }

    public record Page(Instant at, boolean groupsConfigured, boolean quotaConfigured, boolean utilizationAvailable, double clusterGpus,
                       List<Team> namespaces, List<Team> groups) {
    }

    static final class Acc {
        final Map<String, Double> byModel = new TreeMap<>();
        double gpus;
        int whole;
        int shared;
        int pods;
        int pending;
        final List<GpuScore> scores = new ArrayList<>();

        void add(Acc other) {
            other.byModel.forEach((model, value) -> byModel.merge(model, value, Double::sum));
            gpus += other.gpus;
            whole += other.whole;
            shared += other.shared;
            pods += other.pods;
            pending += other.pending;
            scores.addAll(other.scores);
        }
    }

    /** GPUs held per namespace, shares as fractions: also what the trends sample. */
    Map<String, Acc> accumulate(ConsoleInputs in, UtilizationIndex util) {
        Map<String, Acc> byNamespace = new HashMap<>();
        for (NodeState state : in.cluster().nodes()) {
            GpuNode node = state.node();
            String model = node == null ? "unknown" : NodeLayout.modelName(node);
            int usable = node == null ? 0 : Math.max(0, node.usableMemoryMiB());
            for (GpuPod pod : state.pods()) {
                Acc acc = byNamespace.computeIfAbsent(pod.namespace(), n -> new Acc());
                double held = 0;
                int whole = 0;
                for (String resource : config.wholeResources()) {
                    whole += (int) pod.request(resource);
                }
                held += whole;
                acc.whole += whole;
                if (!pod.slices().isEmpty()) {
                    acc.shared++;
                    for (GpuSlice slice : pod.slices()) {
                        held += Math.max(usable == 0 ? 0 : Math.min(1.0, slice.memoryMiB() / (double) usable), slice.milli() / 1000.0);
                    }
                } else if (whole == 0 && pod.request(config.sharedResource()) > 0) {
                    acc.shared++;
                    held += usable == 0 ? 0 : Math.min(1.0, pod.request(config.sharedResource()) * config.memoryUnitMiB() / (double) usable);
                }
                acc.gpus += held;
                acc.byModel.merge(model, held, Double::sum);
                acc.pods++;
            }
        }
        for (PendingPod pod : in.pending()) {
            byNamespace.computeIfAbsent(pod.namespace(), n -> new Acc()).pending++;
        }
        for (GpuScore score : util.all()) {
            if (score.namespace() != null && !score.namespace().isEmpty()) {
                byNamespace.computeIfAbsent(score.namespace(), n -> new Acc()).scores.add(score);
            }
        }
        return byNamespace;
    }

    public Page page(ConsoleInputs in, UtilizationIndex util) {
        Map<String, Acc> byNamespace = accumulate(in, util);
        Map<String, TeamQuota> quotas = new HashMap<>();
        for (TeamQuota quota : config.quotas().quotas()) {
            quotas.put(quota.team(), quota);
        }
        List<Team> namespaces = new ArrayList<>();
        new TreeMap<>(byNamespace).forEach((namespace, acc) -> namespaces.add(team(namespace, "namespace", List.of(namespace), acc,
                quotas.get(namespace))));
        List<Team> groups = new ArrayList<>();
        config.teams().groups().forEach((group, members) -> {
            Acc sum = new Acc();
            for (String namespace : members) {
                Acc acc = byNamespace.get(namespace);
                if (acc != null && group.equals(config.teams().groupOf(namespace))) {
                    sum.add(acc);
                }
            }
            groups.add(team(group, "group", members, sum, quotas.get(group)));
        });
        namespaces.sort((a, b) -> Double.compare(b.gpus(), a.gpus()) != 0 ? Double.compare(b.gpus(), a.gpus()) : a.team().compareTo(b.team()));
        double clusterGpus = 0;
        for (NodeState state : in.cluster().nodes()) {
            clusterGpus += state.node() == null ? 0 : state.node().gpuCount();
        }
        return new Page(in.now(), config.teams().configured(), config.quotas().configured(), util.present(), clusterGpus, namespaces, groups);
    }

    private static Team team(String name, String kind, List<String> namespaces, Acc acc, TeamQuota quota) {
        Map<String, Double> byModel = new TreeMap<>();
        acc.byModel.forEach((model, value) -> byModel.put(model, Num.round2(value)));
        Quota shown = null;
        if (quota != null) {
            Map<String, Double> used = quota.usedGpus();
            if (used == null) {
                Map<String, Double> computed = new TreeMap<>(byModel);
                computed.put("*", Num.round2(acc.gpus));
                used = computed;
            }
            shown = new Quota(quota.limitGpus(), used, quota.usedGpus() != null);
        }
        return new Team(name, kind, namespaces, Num.round2(acc.gpus), byModel, acc.whole, acc.shared, acc.pods, acc.pending,
                UtilizationIndex.meanUtilization(acc.scores), acc.scores.size(), UtilizationIndex.count(acc.scores, GpuStatus.IDLE),
                UtilizationIndex.count(acc.scores, GpuStatus.LOW), shown);
    }
}
