package io.kubegpu.perf;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a measurement goes: {@code perf/results/NAME.json} and {@code NAME.md}, each with its date and machine. */
final class Results {
    private Results() {
    }

    /** A JSON object that starts with the date and the machine. */
    static Map<String, Object> header() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", Instant.now().toString());
        json.put("machine", Machine.describe());
        return json;
    }

    static void write(String name, Map<String, Object> json, String markdown) throws IOException {
        Path results = Path.of("perf", "results");
        Files.createDirectories(results);
        Files.writeString(results.resolve(name + ".json"), new GsonBuilder().setPrettyPrinting().create().toJson(json));
        Files.writeString(results.resolve(name + ".md"), markdown);
        System.out.println(markdown);
    }
}
