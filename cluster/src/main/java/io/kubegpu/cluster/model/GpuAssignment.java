package io.kubegpu.cluster.model;

import io.kubegpu.api.Annotations;
import io.kubegpu.cluster.state.GpuSlice;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pod annotations that record which GPUs a shared pod was given. The bind path writes them before
 * creating the Binding; accounting reads them back from the watch, so the allocation survives restarts
 * and is visible to every replica.
 *
 * <pre>
 * kubegpu.io/assigned-node: gpu-node-3
 * kubegpu.io/assigned-gpus: 0:8192:500,1:8192:500     (index:memoryMiB:milli, comma-separated)
 * kubegpu.io/assigned-at:   2026-11-23T18:30:00Z
 * </pre>
 *
 * For node agents that speak the gpushare protocol, bind also writes {@code ALIYUN_COM_GPU_MEM_IDX},
 * {@code ALIYUN_COM_GPU_MEM_POD}, {@code ALIYUN_COM_GPU_MEM_DEV}, {@code ALIYUN_COM_GPU_MEM_ASSIGNED} and
 * {@code ALIYUN_COM_GPU_MEM_ASSUME_TIME}; pods placed by the gpushare extender itself are read from
 * those when ours are absent.
 */
public final class GpuAssignment {
    public static final String NODE = Annotations.ASSIGNED_NODE;
    public static final String GPUS = Annotations.ASSIGNED_GPUS;
    public static final String AT = Annotations.ASSIGNED_AT;

    public static final String GPUSHARE_INDEX = Annotations.GPUSHARE_INDEX;
    public static final String GPUSHARE_POD_MEMORY = Annotations.GPUSHARE_POD_MEMORY;
    public static final String GPUSHARE_DEVICE_MEMORY = Annotations.GPUSHARE_DEVICE_MEMORY;
    public static final String GPUSHARE_ASSIGNED = Annotations.GPUSHARE_ASSIGNED;
    public static final String GPUSHARE_ASSUME_TIME = Annotations.GPUSHARE_ASSUME_TIME;

    private GpuAssignment() {
    }

    /** Our annotations for an assignment. */
    public static Map<String, String> annotations(String nodeName, List<GpuSlice> slices, Instant at) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(NODE, nodeName);
        out.put(GPUS, format(slices));
        out.put(AT, at.toString());
        return out;
    }

    static String format(List<GpuSlice> slices) {
        StringBuilder out = new StringBuilder();
        for (GpuSlice slice : slices) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(slice.index()).append(':').append(slice.memoryMiB()).append(':').append(slice.milli());
        }
        return out.toString();
    }

    /**
     * The slices recorded on a pod bound to {@code nodeName}: ours when present and for that node, else
     * gpushare's. Empty when there are none. Malformed values are an error, not silently zero.
     */
    public static List<GpuSlice> read(Map<String, String> annotations, String nodeName, int gpushareUnitMiB) {
        if (annotations == null || annotations.isEmpty()) {
            return List.of();
        }
        String ours = annotations.get(GPUS);
        if (ours != null) {
            String assignedNode = annotations.get(NODE);
            if (assignedNode != null && nodeName != null && !assignedNode.equals(nodeName)) {
                throw new IllegalArgumentException(NODE + " says " + assignedNode + " but the pod is bound to " + nodeName);
            }
            return parse(ours);
        }
        String index = annotations.get(GPUSHARE_INDEX);
        String memory = annotations.get(GPUSHARE_POD_MEMORY);
        if (index != null && memory != null) {
            try {
                long mib = Long.parseLong(memory.trim()) * gpushareUnitMiB;
                return List.of(new GpuSlice(Integer.parseInt(index.trim()), Math.toIntExact(mib), 0));
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException(GPUSHARE_INDEX + "/" + GPUSHARE_POD_MEMORY + " are not whole numbers: '"
                        + index + "', '" + memory + "'");
            }
            // GpuSlice refuses an index or a size out of range (an IllegalArgumentException, as above).
        }
        return List.of();
    }

    /** Most slices one assignment may list: a pod shares at most one GPU per device, and no node has more. */
    static final int MAX_SLICES = GpuSlice.MAX_INDEX_EXCLUSIVE;

    static List<GpuSlice> parse(String value) {
        String[] parts = value.split(",", MAX_SLICES + 1);
        if (parts.length > MAX_SLICES) {
            throw new IllegalArgumentException(GPUS + " lists more than " + MAX_SLICES + " GPUs");
        }
        List<GpuSlice> slices = new ArrayList<>(parts.length);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (String part : parts) {
            String[] fields = part.trim().split(":");
            if (fields.length != 3) {
                throw new IllegalArgumentException(GPUS + " part '" + part + "' is not index:memoryMiB:milli");
            }
            GpuSlice slice;
            try {
                slice = new GpuSlice(Integer.parseInt(fields[0]), Integer.parseInt(fields[1]), Integer.parseInt(fields[2]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(GPUS + " part '" + part + "' is not index:memoryMiB:milli");
            }
            if (!seen.add(slice.index())) {
                throw new IllegalArgumentException(GPUS + " names GPU " + slice.index() + " twice");
            }
            slices.add(slice);
        }
        return slices;
    }
}
