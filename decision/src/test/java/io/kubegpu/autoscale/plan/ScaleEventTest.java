package io.kubegpu.autoscale.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScaleEventTest {
    private static JsonObject status(String json) {
        return json.isBlank() ? new JsonObject() : JsonParser.parseString(json).getAsJsonObject();
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @CsvSource(delimiter = '|', value = {
        // before                                                          | after                                                                   | event
        "'{\"currentReplicas\":1,\"desiredReplicas\":1}'                    | '{\"currentReplicas\":1,\"desiredReplicas\":2,\"lastScaleTime\":\"t1\"}' | up 1->2",
        "'{\"currentReplicas\":2,\"desiredReplicas\":2,\"lastScaleTime\":\"t1\"}' | '{\"currentReplicas\":4,\"desiredReplicas\":1,\"lastScaleTime\":\"t2\"}' | down 4->1",
        // The same rescale seen again (a resync, a status update for the metrics): not a new event.
        "'{\"currentReplicas\":1,\"desiredReplicas\":2,\"lastScaleTime\":\"t1\"}' | '{\"currentReplicas\":2,\"desiredReplicas\":2,\"lastScaleTime\":\"t1\"}' | none",
        "''                                                                 | '{\"currentReplicas\":1,\"desiredReplicas\":1}'                           | none",
        "''                                                                 | '{\"currentReplicas\":3,\"desiredReplicas\":3,\"lastScaleTime\":\"t1\"}' | none",
    })
    void readsRescalesFromTheStatus(String before, String after, String event) {
        var found = ScaleEvent.between(status(before), status(after));
        assertThat(found.map(e -> e.direction().tag() + " " + e.from() + "->" + e.to()).orElse("none")).isEqualTo(event);
    }
}
