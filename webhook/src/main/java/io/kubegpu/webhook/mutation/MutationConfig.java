package io.kubegpu.webhook.mutation;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.request.GrammarConfig;
import java.util.List;
import java.util.Objects;

/**
 * What the webhook writes into GPU pods. Defaults fit a cluster with NVIDIA GPU Feature Discovery and
 * the gpushare device plugin.
 *
 * @param grammar          vendors and the GPU cap of the request grammar
 * @param catalog          the GPU catalog (memory guard, model aliases for node affinity)
 * @param modelLabel       node label that names the GPU model: {@code nvidia.com/gpu.product} (GFD: affinity on every
 *                         product string the label can take), or e.g. {@code gpu-type} (the canonical token)
 * @param sharedResource   the sharing resource shares are requested through, e.g. {@code aliyun.com/gpu-mem}
 * @param sharedUnitMiB    MiB per unit of that resource (1024: GiB)
 * @param tolerations      tolerations GPU pods get (e.g. for a {@code nvidia.com/gpu} taint)
 * @param schedulerName    the GPU-aware scheduler profile, or {@code null} to leave the pod's
 * @param hideGpusFromOthers set {@code NVIDIA_VISIBLE_DEVICES=none} on containers that asked for no GPU
 * @param namespaceCaps    most GPU one pod may ask for, in thousandths of a GPU, by namespace; key {@code *} for every
 *                         other namespace; empty for no caps
 * @param priorityTiers    the PriorityClasses {@code kubegpu.io/priority} maps to
 * @param pools            group pools (node affinity to the namespace's group and the public nodes), or null when off
 */
public record MutationConfig(GrammarConfig grammar, GpuCatalog catalog, String modelLabel, String sharedResource, int sharedUnitMiB,
                             List<Toleration> tolerations, String schedulerName, boolean hideGpusFromOthers,
                             java.util.Map<String, Integer> namespaceCaps, PriorityTiers priorityTiers, Pools pools) {
    public static final String GFD_PRODUCT_LABEL = "nvidia.com/gpu.product";

    public MutationConfig {
        Objects.requireNonNull(grammar, "grammar");
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(modelLabel, "modelLabel");
        tolerations = List.copyOf(tolerations);
        namespaceCaps = java.util.Map.copyOf(namespaceCaps);
        priorityTiers = priorityTiers == null ? PriorityTiers.NONE : priorityTiers;
    }

    /** With the default priority tiers and without group pools. */
    public MutationConfig(GrammarConfig grammar, GpuCatalog catalog, String modelLabel, String sharedResource, int sharedUnitMiB,
                          List<Toleration> tolerations, String schedulerName, boolean hideGpusFromOthers, java.util.Map<String, Integer> namespaceCaps) {
        this(grammar, catalog, modelLabel, sharedResource, sharedUnitMiB, tolerations, schedulerName, hideGpusFromOthers, namespaceCaps,
                PriorityTiers.DEFAULT, null);
    }

    public MutationConfig withPriorityTiers(PriorityTiers tiers) {
        return new MutationConfig(grammar, catalog, modelLabel, sharedResource, sharedUnitMiB, tolerations, schedulerName, hideGpusFromOthers,
                namespaceCaps, tiers, pools);
    }

    public MutationConfig withPools(Pools value) {
        return new MutationConfig(grammar, catalog, modelLabel, sharedResource, sharedUnitMiB, tolerations, schedulerName, hideGpusFromOthers,
                namespaceCaps, priorityTiers, value);
    }

    /**
     * Group pools.
     *
     * @param nodeLabel      the node label naming a node's group, e.g. {@code org} (cube-studio's)
     * @param namespaceLabel the namespace label naming its group
     * @param publicGroup    the group whose nodes serve every namespace, e.g. {@code public}
     */
    public record Pools(String nodeLabel, String namespaceLabel, String publicGroup) {
        public Pools {
            Objects.requireNonNull(nodeLabel, "nodeLabel");
            Objects.requireNonNull(namespaceLabel, "namespaceLabel");
            Objects.requireNonNull(publicGroup, "publicGroup");
        }
    }

    /** The cap for a namespace in milli-GPUs, or {@code Integer.MAX_VALUE} when there is none. */
    public int capMilli(String namespace) {
        Integer cap = namespace == null ? null : namespaceCaps.get(namespace);
        if (cap == null) {
            cap = namespaceCaps.get("*");
        }
        return cap == null ? Integer.MAX_VALUE : cap;
    }

    public static MutationConfig defaults() {
        return new MutationConfig(GrammarConfig.defaults(), GpuCatalog.builtIn(), GFD_PRODUCT_LABEL, io.kubegpu.api.Annotations.GPUSHARE_MEMORY_RESOURCE, 1024,
                List.of(new Toleration("nvidia.com/gpu", "Exists", null, "NoSchedule")), null, true, java.util.Map.of());
    }

    /** A toleration as the pod spec writes it. */
    public record Toleration(String key, String operator, String value, String effect) {
    }
}
