package io.kubegpu.console.http;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import io.kubegpu.console.view.BadInput;
import java.io.IOException;
import java.time.Instant;

/** The console's JSON: the views' records as they are, times as RFC 3339, numbers that do not exist as null. */
public final class ConsoleJson {
    static final Gson GSON = new GsonBuilder()
            .registerTypeAdapter(Instant.class, new TypeAdapter<Instant>() {
                @Override
                public void write(JsonWriter out, Instant value) throws IOException {
                    if (value == null) {
                        out.nullValue();
                    } else {
                        out.value(value.toString());
                    }
                }

                @Override
                public Instant read(JsonReader in) {
                    throw new UnsupportedOperationException("the console only writes");
                }
            })
            .registerTypeAdapter(Double.class, finite())
            .registerTypeAdapter(double.class, finite())
            .disableHtmlEscaping()
            .create();

    private ConsoleJson() {
    }

    private static TypeAdapter<Double> finite() {
        return new TypeAdapter<>() {
            @Override
            public void write(JsonWriter out, Double value) throws IOException {
                if (value == null || value.isNaN() || value.isInfinite()) {
                    out.nullValue();
                } else {
                    out.value(value);
                }
            }

            @Override
            public Double read(JsonReader in) {
                throw new UnsupportedOperationException("the console only writes");
            }
        };
    }

    /** A view as the routes write it. */
    public static String write(Object view) {
        return GSON.toJson(view);
    }

    /** {@code {"error": …}} with the parameter, its value and the fix where they are known. */
    static String error(String message, String parameter, String value, String fix) {
        JsonObject out = new JsonObject();
        out.addProperty("error", message);
        if (parameter != null) {
            out.addProperty("parameter", parameter);
        }
        if (value != null) {
            out.addProperty("value", value);
        }
        if (fix != null) {
            out.addProperty("fix", fix);
        }
        return out.toString();
    }

    static String error(BadInput bad) {
        JsonObject out = new JsonObject();
        out.addProperty("error", bad.getMessage());
        out.addProperty("parameter", bad.parameter());
        out.addProperty("value", bad.value());
        out.addProperty("fix", bad.fix());
        if (bad.column() != null) {
            out.addProperty("column", bad.column());
        }
        if (bad.code() != null) {
            out.addProperty("code", bad.code());
        }
        return out.toString();
    }
}
