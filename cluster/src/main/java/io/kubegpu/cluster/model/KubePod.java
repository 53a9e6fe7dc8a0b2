package io.kubegpu.cluster.model;

import java.util.List;
import java.util.Map;

/** A Pod as the API server sends it, trimmed to what GPU accounting reads. */
public final class KubePod extends KubeObject {
    /** {@code metadata.creationTimestamp} in epoch seconds as the streaming reader keeps it; {@link #NO_TIME} when absent. */
    static final long NO_TIME = Long.MIN_VALUE;

    Spec spec;
    Status status;
    long createdEpochSecond = NO_TIME;

    static final class Spec {
        String nodeName;
        String schedulerName;
        List<Container> containers;
        List<Container> initContainers;
        Map<String, String> overhead;
        Affinity affinity;
        List<SpreadConstraint> topologySpreadConstraints;
        Integer priority;
    }

    static final class Affinity {
        Preferences nodeAffinity;
        Preferences podAffinity;
        Preferences podAntiAffinity;
    }

    /** Only whether there are preferred terms matters here; their content is kube-scheduler's to score. */
    static final class Preferences {
        List<Term> preferredDuringSchedulingIgnoredDuringExecution;
    }

    /** One term, kept as a marker without its content. */
    static final class Term {
    }

    static final class SpreadConstraint {
        String whenUnsatisfiable;
    }

    static final class Container {
        String name;
        Resources resources;
    }

    static final class Resources {
        Map<String, String> requests;
        Map<String, String> limits;
    }

    static final class Status {
        String phase;
    }

    /** {@code metadata.name}, or null. The accessors below let pure code read a pod without the client's metadata type. */
    public String name() {
        return metadata == null ? null : metadata.getName();
    }

    /** {@code metadata.generateName}, or null. */
    public String generateName() {
        return metadata == null ? null : metadata.getGenerateName();
    }

    /** {@code metadata.namespace}, or null. */
    public String namespace() {
        return metadata == null ? null : metadata.getNamespace();
    }

    /** {@code metadata.uid}, or null. */
    public String uid() {
        return metadata == null ? null : metadata.getUid();
    }

    /** The annotations; empty, never null. */
    public Map<String, String> annotations() {
        return metadata == null || metadata.getAnnotations() == null ? Map.of() : metadata.getAnnotations();
    }

    /** The scheduler the pod asks for ({@code spec.schedulerName}), or {@code null} when unset (the default scheduler). */
    public String schedulerName() {
        return spec == null ? null : spec.schedulerName;
    }

    /**
     * Whether the pod has soft placement preferences that only kube-scheduler's scoring honours: preferred node
     * affinity, preferred pod (anti-)affinity, or a topology spread constraint with {@code whenUnsatisfiable:
     * ScheduleAnyway}. kube-scheduler skips its scoring when a filter leaves one node, so such pods are given every
     * fitting node.
     */
    public boolean hasSoftPreferences() {
        if (spec == null) {
            return false;
        }
        if (spec.affinity != null && (preferred(spec.affinity.nodeAffinity) || preferred(spec.affinity.podAffinity)
                || preferred(spec.affinity.podAntiAffinity))) {
            return true;
        }
        if (spec.topologySpreadConstraints != null) {
            for (SpreadConstraint constraint : spec.topologySpreadConstraints) {
                if (constraint != null && "ScheduleAnyway".equals(constraint.whenUnsatisfiable)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean preferred(Preferences preferences) {
        return preferences != null && preferences.preferredDuringSchedulingIgnoredDuringExecution != null
                && !preferences.preferredDuringSchedulingIgnoredDuringExecution.isEmpty();
    }

    /** {@code spec.priority}, 0 when unset (as kube-scheduler reads a pod without one). */
    public int priority() {
        return spec == null || spec.priority == null ? 0 : spec.priority;
    }

    /** Phase Succeeded or Failed: it holds nothing any more. */
    public boolean terminal() {
        String phase = status == null ? null : status.phase;
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** {@code metadata.creationTimestamp}, or {@code null} when absent or unreadable. */
    public java.time.Instant createdAt() {
        if (createdEpochSecond != NO_TIME) {
            return java.time.Instant.ofEpochSecond(createdEpochSecond);
        }
        return metadata == null || metadata.getCreationTimestamp() == null ? null : metadata.getCreationTimestamp().toInstant();
    }

    /** RFC 3339 text to epoch seconds; {@link #NO_TIME} when it is absent or not a timestamp. */
    static long epochSecond(String text) {
        if (text == null) {
            return NO_TIME;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toEpochSecond();
        } catch (java.time.format.DateTimeParseException e) {
            return NO_TIME;
        }
    }

    /** The node the pod is bound to, or {@code null} while pending. */
    public String nodeName() {
        return spec == null ? null : spec.nodeName;
    }
}
