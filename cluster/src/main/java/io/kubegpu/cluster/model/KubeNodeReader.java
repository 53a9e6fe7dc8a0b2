package io.kubegpu.cluster.model;

import static io.kubegpu.cluster.model.JsonStreams.metadata;
import static io.kubegpu.cluster.model.JsonStreams.object;
import static io.kubegpu.cluster.model.JsonStreams.objects;
import static io.kubegpu.cluster.model.JsonStreams.stringMap;
import static io.kubegpu.cluster.model.JsonStreams.stringOrNull;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.io.IOException;

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
                case "metadata" -> node.metadata = orEmpty(metadata(in, JsonStreams.SKIP));
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

    /** A node's parts are never null once read: the mapper reads them without checks. */
    private static V1ObjectMeta orEmpty(V1ObjectMeta meta) {
        return meta == null ? new V1ObjectMeta() : meta;
    }

    private static KubeNode.Spec spec(JsonReader in) throws IOException {
        KubeNode.Spec spec = object(in, KubeNode.Spec::new, (name, reader, target) -> {
            switch (name) {
                case "unschedulable" -> target.unschedulable = reader.peek() == JsonToken.BOOLEAN ? reader.nextBoolean() : skipToNull(reader);
                case "taints" -> target.taints = objects(reader, KubeNode.TaintJson::new, (field, r, taint) -> {
                    switch (field) {
                        case "key" -> taint.key = stringOrNull(r);
                        case "value" -> taint.value = stringOrNull(r);
                        case "effect" -> taint.effect = stringOrNull(r);
                        default -> r.skipValue();
                    }
                });
                default -> reader.skipValue();
            }
        });
        return spec == null ? new KubeNode.Spec() : spec;
    }

    private static KubeNode.Status status(JsonReader in) throws IOException {
        KubeNode.Status status = object(in, KubeNode.Status::new, (name, reader, target) -> {
            switch (name) {
                case "allocatable" -> target.allocatable = stringMap(reader);
                case "capacity" -> target.capacity = stringMap(reader);
                case "conditions" -> target.conditions = objects(reader, KubeNode.Condition::new, (field, r, condition) -> {
                    switch (field) {
                        case "type" -> condition.type = stringOrNull(r);
                        case "status" -> condition.status = stringOrNull(r);
                        default -> r.skipValue();
                    }
                });
                default -> reader.skipValue();
            }
        });
        return status == null ? new KubeNode.Status() : status;
    }

    private static Boolean skipToNull(JsonReader in) throws IOException {
        in.skipValue();
        return null;
    }
}
