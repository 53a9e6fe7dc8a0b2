package io.kubegpu.cluster.model;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Small steps the streaming readers share: a scalar as text, a null, a string map. */
final class JsonStreams {
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
}
