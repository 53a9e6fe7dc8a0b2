package io.kubegpu.cluster.model;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.io.IOException;

/**
 * Drops the parts of object metadata that scheduling never reads and that dominate memory at scale:
 * {@code managedFields} (often larger than the object) and the
 * {@code kubectl.kubernetes.io/last-applied-configuration} annotation (a full copy of the object).
 *
 * <p>Pods and Nodes, which the informers decode on every watch event, are read by the streaming readers
 * ({@link KubePodReader}, {@link KubeNodeReader}): they skip what accounting never reads as they go instead of
 * building it (a {@code managedFields} tree, then copies of everything else) — a fifth of the extender's CPU
 * while kube-scheduler binds hundreds of pods a second. Other objects' metadata is trimmed as above.
 *
 * <p>The Kubernetes client keeps one process-wide Gson; {@link #install()} adds these adapters to it.
 */
public final class MetadataTrimming implements TypeAdapterFactory {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    private static volatile boolean installed;

    /** The client's Gson with metadata trimming but without the streaming readers: what those readers must agree with. */
    private static volatile Gson reflective;

    /** Installs the adapters into the client's shared Gson; idempotent. */
    public static synchronized void install() {
        if (!installed) {
            // Extend the live Gson: createGson() would lose the client's date-time adapters. Factories registered
            // later are asked first, so the streaming readers take Pods and Nodes and trimming takes the rest.
            reflective = JSON.getGson().newBuilder().registerTypeAdapterFactory(new MetadataTrimming()).create();
            JSON.setGson(reflective.newBuilder().registerTypeAdapterFactory(new StreamingReaders()).create());
            installed = true;
        }
    }

    /** For tests: Pods and Nodes decoded by reflection, as before the streaming readers. */
    static Gson reflective() {
        install();
        return reflective;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
        if (type.getRawType() != V1ObjectMeta.class) {
            return null;
        }
        TypeAdapter<V1ObjectMeta> delegate = gson.getDelegateAdapter(this, TypeToken.get(V1ObjectMeta.class));
        TypeAdapter<JsonElement> tree = gson.getAdapter(JsonElement.class);
        return (TypeAdapter<T>) new TypeAdapter<V1ObjectMeta>() {
            @Override
            public void write(JsonWriter out, V1ObjectMeta value) throws IOException {
                delegate.write(out, value);
            }

            @Override
            public V1ObjectMeta read(JsonReader in) throws IOException {
                JsonElement element = tree.read(in);
                if (element != null && element.isJsonObject()) {
                    JsonObject object = element.getAsJsonObject();
                    object.remove("managedFields");
                    JsonElement annotations = object.get("annotations");
                    if (annotations != null && annotations.isJsonObject()) {
                        annotations.getAsJsonObject().remove(LAST_APPLIED);
                    }
                }
                return delegate.fromJsonTree(element);
            }
        };
    }

    /** Pods and Nodes through {@link KubePodReader} and {@link KubeNodeReader}. */
    private static final class StreamingReaders implements TypeAdapterFactory {
        @Override
        @SuppressWarnings("unchecked")
        public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
            if (type.getRawType() == KubePod.class) {
                return (TypeAdapter<T>) streaming(gson.getDelegateAdapter(this, TypeToken.get(KubePod.class)), KubePodReader::read);
            }
            if (type.getRawType() == KubeNode.class) {
                return (TypeAdapter<T>) streaming(gson.getDelegateAdapter(this, TypeToken.get(KubeNode.class)), KubeNodeReader::read);
            }
            return null;
        }
    }

    private interface StreamReader<T> {
        T read(JsonReader in) throws IOException;
    }

    /** Reads with {@code reader}, writes as Gson would. */
    private static <T> TypeAdapter<T> streaming(TypeAdapter<T> delegate, StreamReader<T> reader) {
        return new TypeAdapter<T>() {
            @Override
            public void write(JsonWriter out, T value) throws IOException {
                delegate.write(out, value);
            }

            @Override
            public T read(JsonReader in) throws IOException {
                if (in.peek() == com.google.gson.stream.JsonToken.NULL) {
                    in.nextNull();
                    return null;
                }
                return reader.read(in);
            }
        };
    }
}
