package io.kubegpu.cluster.model;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The steps the streaming Pod and Node readers share: scalars, string maps, objects and arrays of objects read member
 * by member into the trimmed models, and object metadata. Whatever a reader does not name is skipped unbuilt.
 */
final class JsonStreams {
    /** Reads the value of one member, {@code name}, into {@code target}; must consume the value (skip it if unused). */
    @FunctionalInterface
    interface Member<T> {
        void read(String name, JsonReader in, T target) throws IOException;
    }

    /** A member reader that keeps nothing. */
    static final Member<Object> SKIP = (name, in, target) -> in.skipValue();

    private JsonStreams() {
    }

    /** A string, number or boolean as text; {@code null} for null; anything else is skipped and read as null. */
    static String stringOrNull(JsonReader in) throws IOException {
        JsonToken token = in.peek();
        if (token == JsonToken.NULL) {
            in.nextNull();
            return null;
        }
        if (token == JsonToken.STRING || token == JsonToken.NUMBER || token == JsonToken.BOOLEAN) {
            return token == JsonToken.BOOLEAN ? Boolean.toString(in.nextBoolean()) : in.nextString();
        }
        in.skipValue();
        return null;
    }

    /** Consumes a JSON null and says so; leaves anything else unread. */
    static boolean nullValue(JsonReader in) throws IOException {
        if (in.peek() == JsonToken.NULL) {
            in.nextNull();
            return true;
        }
        return false;
    }

    /** An object of scalars; members whose value is not a scalar are left out; {@code null} for null. */
    static Map<String, String> stringMap(JsonReader in) throws IOException {
        if (nullValue(in)) {
            return null;
        }
        Map<String, String> out = new HashMap<>();
        in.beginObject();
        while (in.hasNext()) {
            String key = in.nextName();
            String value = stringOrNull(in);
            if (value != null) {
                out.put(key, value);
            }
        }
        in.endObject();
        return out;
    }

    /** An object read member by member into a new {@code create()}; {@code null} for null. */
    static <T> T object(JsonReader in, Supplier<T> create, Member<? super T> member) throws IOException {
        if (nullValue(in)) {
            return null;
        }
        T target = create.get();
        in.beginObject();
        while (in.hasNext()) {
            member.read(in.nextName(), in, target);
        }
        in.endObject();
        return target;
    }

    /** An array of objects, each read as {@link #object}; {@code null} for null. */
    static <T> List<T> objects(JsonReader in, Supplier<T> create, Member<? super T> member) throws IOException {
        if (nullValue(in)) {
            return null;
        }
        List<T> out = new ArrayList<>();
        in.beginArray();
        while (in.hasNext()) {
            T element = object(in, create, member);
            if (element != null) {
                out.add(element);
            }
        }
        in.endArray();
        return out;
    }

    /**
     * Object metadata: name, generateName, namespace, uid, resourceVersion, labels and annotations (without
     * kubectl's last-applied copy of the object); any other member goes to {@code other}. {@code null} for null.
     */
    static V1ObjectMeta metadata(JsonReader in, Member<? super V1ObjectMeta> other) throws IOException {
        return object(in, V1ObjectMeta::new, (name, reader, meta) -> {
            switch (name) {
                case "name" -> meta.setName(stringOrNull(reader));
                case "generateName" -> meta.setGenerateName(stringOrNull(reader));
                case "namespace" -> meta.setNamespace(stringOrNull(reader));
                case "uid" -> meta.setUid(stringOrNull(reader));
                case "resourceVersion" -> meta.setResourceVersion(stringOrNull(reader));
                case "labels" -> meta.setLabels(stringMap(reader));
                case "annotations" -> {
                    Map<String, String> annotations = stringMap(reader);
                    if (annotations != null) {
                        annotations.remove(MetadataTrimming.LAST_APPLIED);
                    }
                    meta.setAnnotations(annotations);
                }
                default -> other.read(name, reader, meta);
            }
        });
    }
}
