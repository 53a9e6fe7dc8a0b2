package io.kubegpu.simulator.policy;

import io.kubegpu.extender.placement.Fragmentation;
import io.kubegpu.extender.placement.FragmentationPlacer;
import io.kubegpu.extender.placement.TargetWorkload;
import io.kubegpu.simulator.replay.PlacementPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The policies a replay can run, by name. */
public final class Policies {
    /** Ours: the extender's default. */
    public static final String FRAGMENTATION = "fragmentation";

    private Policies() {
    }

    /** Every name, published baselines first, in the paper's order. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(PublishedBaselines.names());
        names.add(FRAGMENTATION);
        return names;
    }

    /**
     * A fresh policy instance for one replay.
     *
     * @param workload        the target workload (FGD and ours)
     * @param capacityByModel GPU thousandths per model in the cluster (ours: weighs model-constrained demand)
     */
    public static PlacementPolicy create(String name, TargetWorkload workload, Map<String, Long> capacityByModel) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "random" -> PublishedBaselines.random();
            case "dotprod" -> PublishedBaselines.dotProduct();
            case "gpu-clustering" -> PublishedBaselines.gpuClustering();
            case "gpu-packing" -> PublishedBaselines.gpuPacking();
            case "bestfit" -> PublishedBaselines.bestFit();
            case "fgd" -> PublishedBaselines.fgd(new Fragmentation(workload));
            case FRAGMENTATION -> new FragmentationPolicy(new FragmentationPlacer(new Fragmentation(workload), capacityByModel));
            default -> throw new IllegalArgumentException("unknown policy '" + name + "'; known: " + String.join(", ", names()));
        };
    }

    /** The published label of a policy in the authors' results ({@code 06-FGD}), or null for ours. */
    public static String publishedLabel(String name) {
        return switch (name) {
            case "random" -> "01-Random";
            case "dotprod" -> "02-DotProd";
            case "gpu-clustering" -> "03-GpuClustering";
            case "gpu-packing" -> "04-GpuPacking";
            case "bestfit" -> "05-BestFit";
            case "fgd" -> "06-FGD";
            default -> null;
        };
    }
}
