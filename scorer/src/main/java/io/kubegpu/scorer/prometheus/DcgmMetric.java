package io.kubegpu.scorer.prometheus;

/**
 * The dcgm-exporter series the scorer reads; all but the power limit are in its default counter set. The
 * temperature is a health signal: a GPU without it is still scored.
 */
public enum DcgmMetric {
    GPU_UTIL("DCGM_FI_DEV_GPU_UTIL"),
    MEM_COPY_UTIL("DCGM_FI_DEV_MEM_COPY_UTIL"),
    FB_USED("DCGM_FI_DEV_FB_USED"),
    FB_FREE("DCGM_FI_DEV_FB_FREE"),
    POWER_USAGE("DCGM_FI_DEV_POWER_USAGE"),
    SM_CLOCK("DCGM_FI_DEV_SM_CLOCK"),
    GPU_TEMP("DCGM_FI_DEV_GPU_TEMP"),
    /** Not in the default set; when an operator enables it, it beats the catalog's board power. */
    POWER_LIMIT("DCGM_FI_DEV_POWER_MGMT_LIMIT");

    private final String metricName;

    DcgmMetric(String metricName) {
        this.metricName = metricName;
    }

    public String metricName() {
        return metricName;
    }
}
