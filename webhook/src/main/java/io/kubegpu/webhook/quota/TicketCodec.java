package io.kubegpu.webhook.quota;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Tickets as the JSON a ConfigMap holds: {@code [{"id","ns","vendor","any","models","milli","mib","exp"}]}, exp in epoch ms. */
public final class TicketCodec {
    private TicketCodec() {
    }

    public static String encode(List<Ticket> tickets) {
        JsonArray out = new JsonArray();
        for (Ticket ticket : tickets) {
            JsonObject json = new JsonObject();
            GpuUse use = ticket.use();
            json.addProperty("id", ticket.id());
            json.addProperty("ns", use.namespace());
            json.addProperty("vendor", use.vendor());
            json.addProperty("any", use.anyModel());
            JsonArray models = new JsonArray();
            use.modelIds().stream().sorted().forEach(models::add);
            json.add("models", models);
            json.addProperty("milli", use.milli());
            json.addProperty("mib", use.sharedMiB());
            json.addProperty("exp", ticket.expiresAt().toEpochMilli());
            out.add(json);
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException when the text is not tickets as {@link #encode} writes them */
    public static List<Ticket> decode(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        try {
            List<Ticket> out = new ArrayList<>();
            for (JsonElement element : JsonParser.parseString(text).getAsJsonArray()) {
                JsonObject json = element.getAsJsonObject();
                Set<String> models = new HashSet<>();
                json.getAsJsonArray("models").forEach(m -> models.add(m.getAsString()));
                GpuUse use = new GpuUse(json.get("ns").getAsString(), json.get("vendor").getAsString(), json.get("any").getAsBoolean(), models,
                        json.get("milli").getAsLong(), json.get("mib").getAsLong(), false);
                out.add(new Ticket(json.get("id").getAsString(), use, Instant.ofEpochMilli(json.get("exp").getAsLong())));
            }
            return out;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a list of quota tickets: " + e.getMessage(), e);
        }
    }
}
