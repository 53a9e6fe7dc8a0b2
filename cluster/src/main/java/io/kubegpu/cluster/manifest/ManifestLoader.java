package io.kubegpu.cluster.manifest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.kubegpu.cluster.model.ClusterConfig;
import io.kubegpu.cluster.model.KubeNode;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.cluster.model.NodeMapper;
import io.kubegpu.cluster.model.PodMapper;
import io.kubegpu.cluster.state.ClusterState;
import io.kubegpu.cluster.state.PendingPods;
import io.kubernetes.client.openapi.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Loads Nodes and Pods from Kubernetes manifests (YAML or JSON, several documents, or {@code kind: List})
 * into a {@link ClusterState} through the same mappers the informers use. This is the embedded
 * default: a server with no cluster configured runs on the built-in sample cluster.
 */
public final class ManifestLoader {
    /** The built-in sample cluster: several GPU models, whole and shared GPUs in use. */
    public static final String SAMPLE_CLUSTER = "sample-cluster.yaml";

    private final NodeMapper nodes;
    private final PodMapper pods;

    public ManifestLoader(ClusterConfig config) {
        MetadataTrimming.install();
        this.nodes = new NodeMapper(config);
        this.pods = new PodMapper(config);
    }

    /** Loads the built-in sample cluster and marks the state synced. */
    public Summary loadSample(ClusterState state) {
        return loadSample(state, null, null);
    }

    /**
     * Loads the built-in sample cluster and marks the state synced; its pending GPU pods go to {@code pending} (when not
     * null), waiting since {@code seenAt} unless they carry a creation time.
     */
    public Summary loadSample(ClusterState state, PendingPods pending, Instant seenAt) {
        InputStream in = ManifestLoader.class.getResourceAsStream(SAMPLE_CLUSTER);
        if (in == null) {
            throw new ManifestException("built-in " + SAMPLE_CLUSTER + " is missing from the jar");
        }
        return load(new InputStreamReader(in, StandardCharsets.UTF_8), "built-in " + SAMPLE_CLUSTER, state, pending, seenAt);
    }

    /** Loads a manifest file and marks the state synced. */
    public Summary load(Path file, ClusterState state) {
        return load(file, state, null, null);
    }

    /** Loads a manifest file and marks the state synced; pending GPU pods go to {@code pending} as in {@link #loadSample}. */
    public Summary load(Path file, ClusterState state, PendingPods pending, Instant seenAt) {
        try {
            return load(Files.newBufferedReader(file, StandardCharsets.UTF_8), file.toString(), state, pending, seenAt);
        } catch (IOException e) {
            throw new ManifestException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public Summary load(Reader reader, String source, ClusterState state) {
        return load(reader, source, state, null, null);
    }

    /** As {@link #load(Reader, String, ClusterState)}, keeping pending GPU pods in {@code pending} when it is not null. */
    public Summary load(Reader reader, String source, ClusterState state, PendingPods pending, Instant seenAt) {
        int nodeCount = 0;
        int podCount = 0;
        int ignored = 0;
        try (reader) {
            int document = 0;
            for (Object root : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
                document++;
                if (root == null) {
                    continue;
                }
                for (JsonObject object : objects(toJson(root), source, document)) {
                    String kind = object.has("kind") && object.get("kind").isJsonPrimitive() ? object.get("kind").getAsString() : "";
                    String where = source + " document " + document;
                    switch (kind) {
                        case "Node" -> {
                            state.upsertNode(nodes.map(decode(object, KubeNode.class, where)));
                            nodeCount++;
                        }
                        case "Pod" -> {
                            KubePod pod = decode(withUid(object), KubePod.class, where);
                            var gpuPod = pods.map(pod);
                            gpuPod.ifPresent(state::upsertPod);
                            if (pending != null) {
                                pods.pending(pod, seenAt).ifPresent(pending::upsert);
                            }
                            podCount++;
                        }
                        default -> ignored++;
                    }
                }
            }
        } catch (YAMLException | IOException e) {
            throw new ManifestException(source + ": not valid YAML or JSON: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ManifestException(source + ": " + e.getMessage(), e);
        }
        state.markSynced(true);
        return new Summary(nodeCount, podCount, ignored);
    }

    private static List<JsonObject> objects(JsonElement root, String source, int document) {
        if (!root.isJsonObject()) {
            throw new ManifestException(source + " document " + document + ": expected a Kubernetes object");
        }
        JsonObject object = root.getAsJsonObject();
        JsonElement items = object.get("items");
        if (items != null && items.isJsonArray()) {
            return items.getAsJsonArray().asList().stream().filter(JsonElement::isJsonObject).map(JsonElement::getAsJsonObject).toList();
        }
        return List.of(object);
    }

    private static <T> T decode(JsonObject object, Class<T> type, String where) {
        try {
            return JSON.getGson().fromJson(object, type);
        } catch (RuntimeException e) {
            throw new ManifestException(where + ": cannot read " + type.getSimpleName().replace("Kube", "") + ": " + e.getMessage(), e);
        }
    }

    /** Manifests seldom carry UIDs; give such pods a stable one so updates replace instead of adding. */
    private static JsonObject withUid(JsonObject pod) {
        JsonObject metadata = pod.getAsJsonObject("metadata");
        if (metadata != null && !metadata.has("uid") && metadata.has("name")) {
            String namespace = metadata.has("namespace") ? metadata.get("namespace").getAsString() : "default";
            metadata.addProperty("uid", "manifest-" + namespace + "-" + metadata.get("name").getAsString());
        }
        return pod;
    }

    /** SnakeYAML's tree to Gson's, keeping timestamps as the RFC 3339 strings the API uses. */
    private static JsonElement toJson(Object value) {
        if (value == null) {
            return JsonNull.INSTANCE;
        }
        if (value instanceof Map<?, ?> map) {
            JsonObject out = new JsonObject();
            map.forEach((k, v) -> out.add(String.valueOf(k), toJson(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            JsonArray out = new JsonArray();
            list.forEach(v -> out.add(toJson(v)));
            return out;
        }
        if (value instanceof Boolean b) {
            return new JsonPrimitive(b);
        }
        if (value instanceof Number n) {
            // Quantities such as 8 are strings in the API; labels and annotations are strings too.
            return new JsonPrimitive(n.toString());
        }
        if (value instanceof Date date) {
            return new JsonPrimitive(date.toInstant().toString());
        }
        return new JsonPrimitive(String.valueOf(value));
    }

    /** What a load read. */
    public record Summary(int nodes, int pods, int ignoredObjects) {
    }

    /** A manifest that cannot be used, with where and why. */
    public static final class ManifestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ManifestException(String message) {
            super(message);
        }

        public ManifestException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
