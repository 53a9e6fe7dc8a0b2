package io.kubegpu.cluster.kube;

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
 * <p>The Kubernetes client keeps one process-wide Gson; {@link #install()} adds this adapter to it.
 */
public final class MetadataTrimming implements TypeAdapterFactory {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    private static volatile boolean installed;

    /** Installs the trimming adapter into the client's shared Gson; idempotent. */
    public static synchronized void install() {
        if (!installed) {
            // Extend the live Gson: createGson() would lose the client's date-time adapters.
            JSON.setGson(JSON.getGson().newBuilder().registerTypeAdapterFactory(new MetadataTrimming()).create());
            installed = true;
        }
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
}
