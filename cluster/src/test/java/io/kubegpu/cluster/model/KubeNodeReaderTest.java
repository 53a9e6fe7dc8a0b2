package io.kubegpu.cluster.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The streaming Node reader maps to exactly what the full Gson decode maps to. */
class KubeNodeReaderTest {
    private static final NodeMapper MAPPER = new NodeMapper(ClusterConfig.defaults());

    @Test
    void readsRealApiServerNodesLikeTheFullDecoder() throws IOException {
        MetadataTrimming.install();
        String text;
        try (InputStream in = getClass().getResourceAsStream("extender-filter-args-full-nodes.json")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (JsonElement item : JsonParser.parseString(text).getAsJsonObject().getAsJsonObject("Nodes").getAsJsonArray("items")) {
            KubeNode streamed = KubeNodeReader.read(new JsonReader(new StringReader(item.toString())));
            KubeNode decoded = MetadataTrimming.reflective().fromJson(item, KubeNode.class);
            assertThat(MAPPER.map(streamed)).isEqualTo(MAPPER.map(decoded));
            assertThat(streamed.getMetadata().getResourceVersion()).isEqualTo(decoded.getMetadata().getResourceVersion());
        }
    }

    @Test
    void toleratesNullsAndUnexpectedShapes() throws IOException {
        String json = """
                {"metadata":{"name":"n","labels":null,"annotations":{"a":"b"}},"spec":null,
                 "status":{"allocatable":{"nvidia.com/gpu":"2","weird":null},"conditions":[{"type":"Ready","status":"True","extra":[1,2]}]},
                 "somethingNew":{"deep":[{"x":1}]}}""";
        KubeNode node = KubeNodeReader.read(new JsonReader(new StringReader(json)));
        var gpuNode = MAPPER.map(node);
        assertThat(gpuNode.name()).isEqualTo("n");
        assertThat(gpuNode.ready()).isTrue();
        assertThat(gpuNode.allocatable("nvidia.com/gpu")).isEqualTo(2);
    }
}
