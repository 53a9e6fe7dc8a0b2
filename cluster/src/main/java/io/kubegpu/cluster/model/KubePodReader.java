package io.kubegpu.cluster.model;

import static io.kubegpu.cluster.model.JsonStreams.nullValue;
import static io.kubegpu.cluster.model.JsonStreams.stringMap;
import static io.kubegpu.cluster.model.JsonStreams.stringOrNull;

import com.google.gson.stream.JsonReader;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
                case "metadata" -> pod.metadata = metadata(in, pod);
                case "spec" -> pod.spec = spec(in);
                case "status" -> pod.status = status(in);
                case "kind" -> pod.kind = stringOrNull(in);
                case "apiVersion" -> pod.apiVersion = stringOrNull(in);
                default -> in.skipValue();
            }
        }
        in.endObject();
        return pod;
    }

    private static V1ObjectMeta metadata(JsonReader in, KubePod pod) throws IOException {
        if (nullValue(in)) {
            return null;
        }
        V1ObjectMeta meta = new V1ObjectMeta();
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "name" -> meta.setName(stringOrNull(in));
                case "generateName" -> meta.setGenerateName(stringOrNull(in));
                case "namespace" -> meta.setNamespace(stringOrNull(in));
                case "uid" -> meta.setUid(stringOrNull(in));
                case "resourceVersion" -> meta.setResourceVersion(stringOrNull(in));
                // Kept as epoch seconds on the pod, not as the metadata's OffsetDateTime: a pending pod's wait is shown from it.
                case "creationTimestamp" -> pod.createdEpochSecond = KubePod.epochSecond(stringOrNull(in));
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

    private static KubePod.Spec spec(JsonReader in) throws IOException {
        if (nullValue(in)) {
            return null;
        }
        KubePod.Spec spec = new KubePod.Spec();
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "nodeName" -> spec.nodeName = stringOrNull(in);
                case "schedulerName" -> spec.schedulerName = stringOrNull(in);
                case "containers" -> spec.containers = containers(in);
                case "initContainers" -> spec.initContainers = containers(in);
                case "overhead" -> spec.overhead = stringMap(in);
                case "affinity" -> spec.affinity = affinity(in);
                case "topologySpreadConstraints" -> spec.topologySpreadConstraints = spreadConstraints(in);
                case "priority" -> spec.priority = nullValue(in) ? null : in.nextInt();
                default -> in.skipValue();
            }
        }
        in.endObject();
        return spec;
    }

    private static KubePod.Affinity affinity(JsonReader in) throws IOException {
        if (nullValue(in)) {
            return null;
        }
        KubePod.Affinity affinity = new KubePod.Affinity();
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "nodeAffinity" -> affinity.nodeAffinity = preferences(in);
                case "podAffinity" -> affinity.podAffinity = preferences(in);
                case "podAntiAffinity" -> affinity.podAntiAffinity = preferences(in);
                default -> in.skipValue();
            }
        }
        in.endObject();
        return affinity;
    }

    private static KubePod.Preferences preferences(JsonReader in) throws IOException {
        if (nullValue(in)) {
            return null;
        }
        KubePod.Preferences preferences = new KubePod.Preferences();
        in.beginObject();
        while (in.hasNext()) {
            if (in.nextName().equals("preferredDuringSchedulingIgnoredDuringExecution") && !nullValue(in)) {
                List<KubePod.Term> terms = new ArrayList<>();
                in.beginArray();
                while (in.hasNext()) {
                    in.skipValue();
                    terms.add(new KubePod.Term());
                }
                in.endArray();
                preferences.preferredDuringSchedulingIgnoredDuringExecution = terms;
            } else {
                in.skipValue();
            }
        }
        in.endObject();
        return preferences;
    }

    private static List<KubePod.SpreadConstraint> spreadConstraints(JsonReader in) throws IOException {
        if (nullValue(in)) {
            return null;
        }
        List<KubePod.SpreadConstraint> out = new ArrayList<>();
        in.beginArray();
        while (in.hasNext()) {
            KubePod.SpreadConstraint constraint = new KubePod.SpreadConstraint();
            in.beginObject();
            while (in.hasNext()) {
                if (in.nextName().equals("whenUnsatisfiable")) {
                    constraint.whenUnsatisfiable = stringOrNull(in);
                } else {
                    in.skipValue();
                }
            }
            in.endObject();
            out.add(constraint);
        }
        in.endArray();
        return out;
    }

    private static List<KubePod.Container> containers(JsonReader in) throws IOException {
        if (nullValue(in)) {
            return null;
        }
        List<KubePod.Container> out = new ArrayList<>();
        in.beginArray();
        while (in.hasNext()) {
            KubePod.Container container = new KubePod.Container();
            in.beginObject();
            while (in.hasNext()) {
                switch (in.nextName()) {
                    case "name" -> container.name = stringOrNull(in);
                    case "resources" -> container.resources = resources(in);
                    default -> in.skipValue();
                }
            }
            in.endObject();
            out.add(container);
        }
        in.endArray();
        return out;
    }

    private static KubePod.Resources resources(JsonReader in) throws IOException {
        if (nullValue(in)) {
            return null;
        }
        KubePod.Resources resources = new KubePod.Resources();
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "requests" -> resources.requests = stringMap(in);
                case "limits" -> resources.limits = stringMap(in);
                default -> in.skipValue();
            }
        }
        in.endObject();
        return resources;
    }

    private static KubePod.Status status(JsonReader in) throws IOException {
        if (nullValue(in)) {
            return null;
        }
        KubePod.Status status = new KubePod.Status();
        in.beginObject();
        while (in.hasNext()) {
            if (in.nextName().equals("phase")) {
                status.phase = stringOrNull(in);
            } else {
                in.skipValue();
            }
        }
        in.endObject();
        return status;
    }
}
