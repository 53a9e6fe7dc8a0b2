package io.kubegpu.controllers.elastic;

import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeSelectorRequirement;
import io.kubernetes.client.openapi.models.V1NodeSelectorTerm;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Taint;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.util.List;
import java.util.Map;

/**
 * Whether kube-scheduler could put a pod on a node at all, as far as the node's labels and taints decide: the pod's
 * {@code nodeSelector}, its required node affinity, and {@code NoSchedule}/{@code NoExecute} taints it does not
 * tolerate. The elastic shrink plans only on such nodes: free GPUs on a node the pod may not use are no room for it,
 * and replicas there make none.
 */
final class NodeEligibility {
    private NodeEligibility() {
    }

    static boolean allows(V1PodSpec pod, V1Node node) {
        if (pod == null || node == null || node.getMetadata() == null) {
            return false;
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        if (pod.getNodeSelector() != null && !labels.entrySet().containsAll(pod.getNodeSelector().entrySet())) {
            return false;
        }
        if (!affinityAllows(pod, labels, node.getMetadata().getName())) {
            return false;
        }
        List<V1Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
        for (V1Taint taint : taints) {
            boolean repels = "NoSchedule".equals(taint.getEffect()) || "NoExecute".equals(taint.getEffect());
            if (repels && (pod.getTolerations() == null || pod.getTolerations().stream().noneMatch(t -> tolerates(t, taint)))) {
                return false;
            }
        }
        return true;
    }

    /** Required node affinity: the terms are ORed, a term's requirements ANDed; no terms means no constraint. */
    private static boolean affinityAllows(V1PodSpec pod, Map<String, String> labels, String nodeName) {
        if (pod.getAffinity() == null || pod.getAffinity().getNodeAffinity() == null
                || pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return true;
        }
        List<V1NodeSelectorTerm> terms = pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
        if (terms == null || terms.isEmpty()) {
            return true;
        }
        for (V1NodeSelectorTerm term : terms) {
            boolean empty = (term.getMatchExpressions() == null || term.getMatchExpressions().isEmpty())
                    && (term.getMatchFields() == null || term.getMatchFields().isEmpty());
            if (!empty && all(term.getMatchExpressions(), labels) && all(term.getMatchFields(), Map.of("metadata.name", nodeName))) {
                return true;
            }
        }
        return false;
    }

    private static boolean all(List<V1NodeSelectorRequirement> requirements, Map<String, String> values) {
        if (requirements == null) {
            return true;
        }
        for (V1NodeSelectorRequirement r : requirements) {
            String value = values.get(r.getKey());
            List<String> wanted = r.getValues() == null ? List.of() : r.getValues();
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && wanted.contains(value);
                case "NotIn" -> value == null || !wanted.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                case "Gt", "Lt" -> compares(value, wanted, r.getOperator().equals("Gt"));
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean compares(String value, List<String> wanted, boolean greater) {
        if (value == null || wanted.size() != 1) {
            return false;
        }
        try {
            long have = Long.parseLong(value);
            long bound = Long.parseLong(wanted.get(0));
            return greater ? have > bound : have < bound;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** kube-scheduler's rule: an empty key with Exists tolerates every taint; an empty effect matches every effect. */
    static boolean tolerates(V1Toleration toleration, V1Taint taint) {
        if (toleration.getEffect() != null && !toleration.getEffect().isEmpty() && !toleration.getEffect().equals(taint.getEffect())) {
            return false;
        }
        String operator = toleration.getOperator() == null || toleration.getOperator().isEmpty() ? "Equal" : toleration.getOperator();
        if (toleration.getKey() == null || toleration.getKey().isEmpty()) {
            return operator.equals("Exists");
        }
        if (!toleration.getKey().equals(taint.getKey())) {
            return false;
        }
        return operator.equals("Exists") || java.util.Objects.equals(nullToEmpty(toleration.getValue()), nullToEmpty(taint.getValue()));
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
