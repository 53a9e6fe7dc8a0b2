package io.kubegpu.request;

import java.util.List;
import java.util.Objects;

/**
 * A parsed, valid GPU request: either whole exclusive GPUs, or a share of one GPU given as compute,
 * memory, or both.
 *
 * <p>Absent parts are zero ({@code shareMilli == 0} means "compute not reserved", {@code memoryMiB == 0}
 * means "memory proportional to the share"). Instances are immutable and compare by value, so
 * {@code parse(r.canonical()).equals(r)} is the round-trip property.
 *
 * @param wholeGpus  number of whole, exclusive GPUs; 0 for a shared request
 * @param shareMilli share of one GPU's compute in thousandths (1..999); 0 when not reserved or whole
 * @param memoryMiB  GPU memory guaranteed on one GPU, in MiB; 0 when not given
 * @param vendor     the vendor named in the spec, or {@code null} when none was written
 * @param models     canonical (upper-case) model tokens, alternatives in the order written; empty for any model
 */
public record GpuRequest(int wholeGpus, int shareMilli, int memoryMiB, Vendor vendor, List<String> models) {

    public GpuRequest {
        Objects.requireNonNull(models, "models");
        models = List.copyOf(models);
        if (wholeGpus < 0 || shareMilli < 0 || memoryMiB < 0) {
            throw new IllegalArgumentException("amounts cannot be negative");
        }
        if (wholeGpus > 0 && (shareMilli > 0 || memoryMiB > 0)) {
            throw new IllegalArgumentException("a whole-GPU request carries no share or memory");
        }
        if (wholeGpus == 0 && shareMilli == 0 && memoryMiB == 0) {
            throw new IllegalArgumentException("a request needs whole GPUs, a share or memory");
        }
        if (shareMilli >= 1000) {
            throw new IllegalArgumentException("a share is below 1000 milli, got " + shareMilli);
        }
    }

    public static GpuRequest whole(int gpus) {
        return new GpuRequest(gpus, 0, 0, null, List.of());
    }

    public static GpuRequest share(int shareMilli) {
        return new GpuRequest(0, shareMilli, 0, null, List.of());
    }

    public static GpuRequest memory(int memoryMiB, int shareMilli) {
        return new GpuRequest(0, shareMilli, memoryMiB, null, List.of());
    }

    public GpuRequest withSpec(Vendor newVendor, List<String> newModels) {
        return new GpuRequest(wholeGpus, shareMilli, memoryMiB, newVendor, newModels);
    }

    /** True for whole exclusive GPUs. */
    public boolean isWhole() {
        return wholeGpus > 0;
    }

    /** True for a share of one GPU (compute, memory or both). */
    public boolean isShared() {
        return wholeGpus == 0;
    }

    /** How many physical GPUs the request touches: the whole count, or 1 for a share. */
    public int gpuCount() {
        return isWhole() ? wholeGpus : 1;
    }

    /**
     * The memory this request holds on one GPU of the given size: the memory asked for, the share's
     * proportion of the card (rounded up), or the whole card.
     */
    public long memoryOnGpuMiB(long gpuMemoryMiB) {
        if (isWhole()) {
            return gpuMemoryMiB;
        }
        if (memoryMiB > 0) {
            return memoryMiB;
        }
        return (gpuMemoryMiB * shareMilli + 999) / 1000;
    }

    /** The shortest string that parses back to this request, e.g. {@code 2(nvidia,A100|H100)} or {@code 8G,0.5}. */
    public String canonical() {
        StringBuilder out = new StringBuilder(24);
        if (isWhole()) {
            out.append(wholeGpus);
        } else {
            if (memoryMiB > 0) {
                appendMemory(out, memoryMiB);
                if (shareMilli > 0) {
                    out.append(',');
                }
            }
            if (shareMilli > 0) {
                appendShare(out, shareMilli);
            }
        }
        if (vendor != null || !models.isEmpty()) {
            out.append('(');
            if (vendor != null) {
                out.append(vendor.name());
                if (!models.isEmpty()) {
                    out.append(',');
                }
            }
            out.append(String.join("|", models));
            out.append(')');
        }
        return out.toString();
    }

    /** {@code 8G} when a whole number of GiB, else {@code 700M}. */
    public static String formatMemory(long mib) {
        StringBuilder out = new StringBuilder();
        appendMemory(out, mib);
        return out.toString();
    }

    private static void appendMemory(StringBuilder out, long mib) {
        if (mib % 1024 == 0) {
            out.append(mib / 1024).append('G');
        } else {
            out.append(mib).append('M');
        }
    }

    private static void appendShare(StringBuilder out, int milli) {
        out.append("0.");
        String digits = Integer.toString(1000 + milli).substring(1);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        out.append(digits, 0, end);
    }

    @Override
    public String toString() {
        return canonical();
    }
}
