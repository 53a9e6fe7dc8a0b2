package io.kubegpu.console.view;

import java.util.List;
import java.util.Objects;

/**
 * What the views need to know of the cluster's configuration.
 *
 * @param wholeResources the vendors' whole-GPU resources ({@code nvidia.com/gpu}, …), counted as whole cards
 * @param sharedResource the GPU-sharing device plugin's memory resource ({@code aliyun.com/gpu-mem})
 * @param memoryUnitMiB  that resource's unit in MiB (1024: gpushare counts GiB)
 * @param teams          namespaces grouped into teams, where configured
 * @param quotas         per-team GPU limits, where a quota source is wired ({@link QuotaSource#NONE} otherwise)
 */
public record ViewConfig(List<String> wholeResources, String sharedResource, int memoryUnitMiB, TeamGroups teams, QuotaSource quotas) {
    public ViewConfig {
        wholeResources = List.copyOf(wholeResources);
        Objects.requireNonNull(sharedResource, "sharedResource");
        Objects.requireNonNull(teams, "teams");
        Objects.requireNonNull(quotas, "quotas");
        if (memoryUnitMiB < 1) {
            throw new IllegalArgumentException("memory unit must be at least 1 MiB");
        }
    }

    /** The default vendors' resources and gpushare's GiB, no team groups, no quotas. */
    public static ViewConfig defaults() {
        return new ViewConfig(List.of("nvidia.com/gpu", "amd.com/gpu", "gpu.intel.com/i915", "huawei.com/Ascend910"), "aliyun.com/gpu-mem",
                1024, TeamGroups.NONE, QuotaSource.NONE);
    }

    public ViewConfig withTeams(TeamGroups value) {
        return new ViewConfig(wholeResources, sharedResource, memoryUnitMiB, value, quotas);
    }

    public ViewConfig withQuotas(QuotaSource value) {
        return new ViewConfig(wholeResources, sharedResource, memoryUnitMiB, teams, value);
    }
}
