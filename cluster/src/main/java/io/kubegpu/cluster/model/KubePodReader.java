package io.kubegpu.cluster.model;

import static io.kubegpu.cluster.model.JsonStreams.metadata;
import static io.kubegpu.cluster.model.JsonStreams.nullValue;
import static io.kubegpu.cluster.model.JsonStreams.object;
import static io.kubegpu.cluster.model.JsonStreams.objects;
import static io.kubegpu.cluster.model.JsonStreams.stringMap;
import static io.kubegpu.cluster.model.JsonStreams.stringOrNull;

import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Pod straight from a JSON stream into the same trimmed {@link KubePod} the Gson decode gives, skipping
 * everything else without building it — above all {@code managedFields}, which the Gson path first reads into
 * a tree to drop. kube-scheduler sends the pod being scheduled in every extender call; this is that path.
 */
public final class KubePodReader {
    private KubePodReader() {
    }

    public static KubePod read(JsonReader in) throws IOException {
        KubePod pod = new KubePod();
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                // The creation time is kept as epoch seconds on the pod, not as the metadata's OffsetDateTime: a pending
                // pod's wait is shown from it, and preemption orders victims by it.
                case "metadata" -> pod.metadata = metadata(in, (name, reader, meta) -> {
                    if (name.equals("creationTimestamp")) {
                        pod.createdEpochSecond = KubePod.epochSecond(stringOrNull(reader));
                    } else {
                        reader.skipValue();
                    }
                });
                case "spec" -> pod.spec = object(in, KubePod.Spec::new, KubePodReader::spec);
                case "status" -> pod.status = object(in, KubePod.Status::new, (name, reader, status) -> {
                    if (name.equals("phase")) {
                        status.phase = stringOrNull(reader);
                    } else {
                        reader.skipValue();
                    }
                });
                case "kind" -> pod.kind = stringOrNull(in);
                case "apiVersion" -> pod.apiVersion = stringOrNull(in);
                default -> in.skipValue();
            }
        }
        in.endObject();
        return pod;
    }

    private static void spec(String name, JsonReader in, KubePod.Spec spec) throws IOException {
        switch (name) {
            case "nodeName" -> spec.nodeName = stringOrNull(in);
            case "schedulerName" -> spec.schedulerName = stringOrNull(in);
            case "containers" -> spec.containers = objects(in, KubePod.Container::new, KubePodReader::container);
            case "initContainers" -> spec.initContainers = objects(in, KubePod.Container::new, KubePodReader::container);
            case "overhead" -> spec.overhead = stringMap(in);
            case "affinity" -> spec.affinity = object(in, KubePod.Affinity::new, (field, reader, affinity) -> {
                switch (field) {
                    case "nodeAffinity" -> affinity.nodeAffinity = preferences(reader);
                    case "podAffinity" -> affinity.podAffinity = preferences(reader);
                    case "podAntiAffinity" -> affinity.podAntiAffinity = preferences(reader);
                    default -> reader.skipValue();
                }
            });
            case "topologySpreadConstraints" -> spec.topologySpreadConstraints = objects(in, KubePod.SpreadConstraint::new,
                    (field, reader, constraint) -> {
                        if (field.equals("whenUnsatisfiable")) {
                            constraint.whenUnsatisfiable = stringOrNull(reader);
                        } else {
                            reader.skipValue();
                        }
                    });
            case "priority" -> spec.priority = nullValue(in) ? null : in.nextInt();
            default -> in.skipValue();
        }
    }

    private static void container(String name, JsonReader in, KubePod.Container container) throws IOException {
        switch (name) {
            case "name" -> container.name = stringOrNull(in);
            case "resources" -> container.resources = object(in, KubePod.Resources::new, (field, reader, resources) -> {
                switch (field) {
                    case "requests" -> resources.requests = stringMap(reader);
                    case "limits" -> resources.limits = stringMap(reader);
                    default -> reader.skipValue();
                }
            });
            default -> in.skipValue();
        }
    }

    /** Only whether soft preferences exist matters (they send the pod to kube-scheduler's scoring): each term is counted, not read. */
    private static KubePod.Preferences preferences(JsonReader in) throws IOException {
        return object(in, KubePod.Preferences::new, (name, reader, preferences) -> {
            if (name.equals("preferredDuringSchedulingIgnoredDuringExecution") && !nullValue(reader)) {
                List<KubePod.Term> terms = new ArrayList<>();
                reader.beginArray();
                while (reader.hasNext()) {
                    reader.skipValue();
                    terms.add(new KubePod.Term());
                }
                reader.endArray();
                preferences.preferredDuringSchedulingIgnoredDuringExecution = terms;
            } else {
                reader.skipValue();
            }
        });
    }
}
