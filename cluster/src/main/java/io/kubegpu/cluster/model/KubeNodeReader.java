package io.kubegpu.cluster.model;

import static io.kubegpu.cluster.model.JsonStreams.nullValue;
import static io.kubegpu.cluster.model.JsonStreams.stringMap;
import static io.kubegpu.cluster.model.JsonStreams.stringOrNull;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a Node straight from a JSON stream, keeping only what {@link NodeMapper} uses (name,
 * resourceVersion, labels, unschedulable, taints, allocatable, capacity, conditions) and skipping
 * everything else without building it. kube-scheduler sends hundreds of full Node objects per call
 * when the extender is not node-cache-capable; this is that path.
 */
public final class KubeNodeReader {
    private KubeNodeReader() {
    }

    public static KubeNode read(JsonReader in) throws IOException {
        KubeNode node = new KubeNode();
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "metadata" -> node.metadata = metadata(in);
                case "spec" -> node.spec = spec(in);
                case "status" -> node.status = status(in);
                case "kind" -> node.kind = stringOrNull(in);
                case "apiVersion" -> node.apiVersion = stringOrNull(in);
                default -> in.skipValue();
            }
        }
        in.endObject();
        return node;
    }

    private static V1ObjectMeta metadata(JsonReader in) throws IOException {
        V1ObjectMeta meta = new V1ObjectMeta();
        if (nullValue(in)) {
            return meta;
        }
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "name" -> meta.setName(stringOrNull(in));
                case "resourceVersion" -> meta.setResourceVersion(stringOrNull(in));
                case "uid" -> meta.setUid(stringOrNull(in));
                case "labels" -> meta.setLabels(stringMap(in));
                case "annotations" -> {
                    Map<String, String> annotations = stringMap(in);
                    if (annotations != null) {
                        annotations.remove(MetadataTrimming.LAST_APPLIED);
                    }
                    meta.setAnnotations(annotations);
                }
                default -> in.skipValue();
            }
        }
        in.endObject();
        return meta;
    }

    private static KubeNode.Spec spec(JsonReader in) throws IOException {
        KubeNode.Spec spec = new KubeNode.Spec();
        if (nullValue(in)) {
            return spec;
        }
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "unschedulable" -> spec.unschedulable = in.peek() == JsonToken.BOOLEAN ? in.nextBoolean() : skipNull(in);
                case "taints" -> spec.taints = taints(in);
                default -> in.skipValue();
            }
        }
        in.endObject();
        return spec;
    }

    private static List<KubeNode.TaintJson> taints(JsonReader in) throws IOException {
        if (nullValue(in)) {
            return null;
        }
        List<KubeNode.TaintJson> out = new ArrayList<>();
        in.beginArray();
        while (in.hasNext()) {
            KubeNode.TaintJson taint = new KubeNode.TaintJson();
            in.beginObject();
            while (in.hasNext()) {
                switch (in.nextName()) {
                    case "key" -> taint.key = stringOrNull(in);
                    case "value" -> taint.value = stringOrNull(in);
                    case "effect" -> taint.effect = stringOrNull(in);
                    default -> in.skipValue();
                }
            }
            in.endObject();
            out.add(taint);
        }
        in.endArray();
        return out;
    }

    private static KubeNode.Status status(JsonReader in) throws IOException {
        KubeNode.Status status = new KubeNode.Status();
        if (nullValue(in)) {
            return status;
        }
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "allocatable" -> status.allocatable = stringMap(in);
                case "capacity" -> status.capacity = stringMap(in);
                case "conditions" -> status.conditions = conditions(in);
                default -> in.skipValue();
            }
        }
        in.endObject();
        return status;
    }

    private static List<KubeNode.Condition> conditions(JsonReader in) throws IOException {
        if (nullValue(in)) {
            return null;
        }
        List<KubeNode.Condition> out = new ArrayList<>();
        in.beginArray();
        while (in.hasNext()) {
            KubeNode.Condition condition = new KubeNode.Condition();
            in.beginObject();
            while (in.hasNext()) {
                switch (in.nextName()) {
                    case "type" -> condition.type = stringOrNull(in);
                    case "status" -> condition.status = stringOrNull(in);
                    default -> in.skipValue();
                }
            }
            in.endObject();
            out.add(condition);
        }
        in.endArray();
        return out;
    }

    private static Boolean skipNull(JsonReader in) throws IOException {
        in.skipValue();
        return null;
    }
}
