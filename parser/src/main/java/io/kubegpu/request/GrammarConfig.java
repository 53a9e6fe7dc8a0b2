package io.kubegpu.request;

import java.util.Objects;

/**
 * What the grammar allows beyond its fixed rules: which vendors exist and how many whole GPUs one
 * request may ask for.
 */
public record GrammarConfig(Vendors vendors, int maxGpus) {
    /** Inputs longer than this are refused before any other work. */
    public static final int MAX_INPUT_LENGTH = 256;
    public static final int DEFAULT_MAX_GPUS = 64;
    /** 1 TiB: no GPU is anywhere near this; larger values are typos. */
    public static final int MAX_MEMORY_MIB = 1024 * 1024;

    public GrammarConfig {
        Objects.requireNonNull(vendors, "vendors");
        if (maxGpus < 1) {
            throw new IllegalArgumentException("maxGpus must be at least 1, got " + maxGpus);
        }
    }

    public static GrammarConfig defaults() {
        return new GrammarConfig(Vendors.defaults(), DEFAULT_MAX_GPUS);
    }

    /** The extended resource a request asks for: its vendor's, or the default vendor's. */
    public String resourceOf(GpuRequest request) {
        return (request.vendor() != null ? request.vendor() : vendors.defaultVendor()).resource();
    }
}
