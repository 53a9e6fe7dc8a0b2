package io.kubegpu.cluster.model;

import java.util.Objects;

/**
 * Where a node's labels say which GPU model (and, optionally, how much memory and how many GPUs) it
 * has. Configured as an ordered list; the first source whose model label is present wins.
 *
 * @param modelLabel  label holding the model, e.g. {@code nvidia.com/gpu.product}
 * @param memoryLabel label holding memory per GPU in MiB, or {@code null}
 * @param countLabel  label holding the number of GPUs, or {@code null}
 */
public record ModelLabelSource(String modelLabel, String memoryLabel, String countLabel) {
    /** NVIDIA GPU Feature Discovery. */
    public static final ModelLabelSource GFD = new ModelLabelSource("nvidia.com/gpu.product", "nvidia.com/gpu.memory", "nvidia.com/gpu.count");
    /** The {@code gpu-type=V100} label cube-studio style platforms put on nodes. */
    public static final ModelLabelSource GPU_TYPE = new ModelLabelSource("gpu-type", null, null);

    public ModelLabelSource {
        Objects.requireNonNull(modelLabel, "modelLabel");
    }

    /** {@code gfd}, {@code gpu-type}, or {@code label:KEY} for an operator-chosen label. */
    public static ModelLabelSource parse(String spec) {
        String trimmed = spec.trim();
        if (trimmed.equals("gfd")) {
            return GFD;
        }
        if (trimmed.equals("gpu-type")) {
            return GPU_TYPE;
        }
        if (trimmed.startsWith("label:") && trimmed.length() > "label:".length()) {
            return new ModelLabelSource(trimmed.substring("label:".length()), null, null);
        }
        throw new IllegalArgumentException("unknown node label strategy '" + spec + "'; use gfd, gpu-type or label:KEY");
    }
}
