package io.kubegpu.cluster.model;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.request.Vendor;
import io.kubegpu.request.Vendors;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How to read GPUs out of Nodes and Pods: which resources are GPUs, which labels name the model, and
 * the sharing device plugin's resources.
 *
 * @param vendors       vendors; their resources are whole GPUs
 * @param modelSources  node label strategies, in order
 * @param catalog       resolves model labels
 * @param gpushare      the gpushare device plugin's resources (shared GPU memory, GPU count)
 */
public record ClusterConfig(Vendors vendors, List<ModelLabelSource> modelSources, GpuCatalog catalog, GpushareResources gpushare) {
    public ClusterConfig {
        Objects.requireNonNull(vendors, "vendors");
        modelSources = List.copyOf(modelSources);
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(gpushare, "gpushare");
    }

    public static ClusterConfig defaults() {
        return new ClusterConfig(Vendors.defaults(), List.of(ModelLabelSource.GFD, ModelLabelSource.GPU_TYPE), GpuCatalog.builtIn(),
                GpushareResources.DEFAULT);
    }

    /** Every resource that makes a pod a GPU pod and that is tracked per node. */
    public Set<String> gpuResources() {
        Set<String> out = new LinkedHashSet<>();
        vendors.all().stream().map(Vendor::resource).forEach(out::add);
        out.add(gpushare.memoryResource());
        out.add(gpushare.countResource());
        return out;
    }

    /**
     * The resources of the gpushare device plugin (AliyunContainerService/gpushare-device-plugin).
     *
     * @param memoryResource shared GPU memory, e.g. {@code aliyun.com/gpu-mem}
     * @param memoryUnitMiB  MiB per unit of that resource: 1024 when the plugin counts GiB (its default), 1 for MiB
     * @param countResource  physical GPUs the plugin advertises, e.g. {@code aliyun.com/gpu-count}
     */
    public record GpushareResources(String memoryResource, int memoryUnitMiB, String countResource) {
        public static final GpushareResources DEFAULT = new GpushareResources(io.kubegpu.api.Annotations.GPUSHARE_MEMORY_RESOURCE, 1024,
                io.kubegpu.api.Annotations.GPUSHARE_COUNT_RESOURCE);

        public GpushareResources {
            if (memoryUnitMiB != 1 && memoryUnitMiB != 1024) {
                throw new IllegalArgumentException("gpushare memory unit must be 1 (MiB) or 1024 (GiB), got " + memoryUnitMiB);
            }
        }
    }
}
