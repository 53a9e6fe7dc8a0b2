package io.kubegpu.extender.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import io.kubegpu.extender.decision.FitReason;
import io.kubegpu.extender.decision.NodeVerdict;
import org.junit.jupiter.api.Test;

/** The single-pass reader on bodies built to trip a scanner up. */
class ExtenderCodecTest {
    private final ExtenderCodec codec = new ExtenderCodec();
    private static final String POD = "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"uid\":\"u\"},\"spec\":{}}";

    private ExtenderArgs read(String body) {
        return codec.readArgs(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void findsNodeBoundariesPastEscapedQuotesAndBracesInStrings() {
        String tricky = "{\"metadata\":{\"annotations\":{\"note\":\"a \\\"quoted\\\" } ] { [ value\\\\\"},\"name\":\"n1\",\"resourceVersion\":\"7\"},"
                + "\"status\":{\"allocatable\":{\"nvidia.com/gpu\":\"2\"},\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}";
        String plain = "{\"metadata\":{\"name\":\"n2\"},\"spec\":{\"taints\":[{\"key\":\"k\",\"effect\":\"NoSchedule\"}]}}";
        String body = "{ \"Pod\" : " + POD + " , \"Nodes\" : { \"metadata\":{}, \"items\" : [ " + tricky + " , " + plain + " ] } , \"NodeNames\":null }";
        ExtenderArgs args = read(body);
        assertThat(args.names()).containsExactly("n1", "n2");
        assertThat(args.nodes().get(0).json()).isEqualTo(tricky);
        assertThat(args.nodes().get(1).json()).isEqualTo(plain);
        assertThat(args.nodes().get(0).node().getMetadata().getResourceVersion()).isEqualTo("7");
        // The reply echoes exactly those bytes for the nodes that pass.
        var verdicts = List.of(new NodeVerdict("n1", NodeVerdict.Outcome.FITS, null, List.of(), false),
                new NodeVerdict("n2", NodeVerdict.Outcome.OCCUPIED, new FitReason.NotReady(), List.of(), false));
        String reply = new String(codec.filterReply(args, verdicts, -1, ""), StandardCharsets.UTF_8);
        assertThat(reply).isEqualTo("{\"Nodes\":{\"metadata\":{},\"items\":[" + tricky + "]},\"NodeNames\":null,\"FailedNodes\":{\"n2\":\"node is not Ready\"},"
                + "\"FailedAndUnresolvableNodes\":{},\"Error\":\"\"}");
    }

    @Test
    void aReplyWrittenAfterALongerOneCarriesNothingOfIt() {
        // The reply buffer is the thread's, reused: a short reply after a long one must be exactly the short reply.
        List<String> many = new java.util.ArrayList<>();
        List<NodeVerdict> failing = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            many.add("long-node-" + i);
            failing.add(new NodeVerdict("long-node-" + i, NodeVerdict.Outcome.OCCUPIED, new FitReason.NotReady(), List.of(), false));
        }
        byte[] longReply = codec.filterReply(new ExtenderArgs(null, null, many), failing, -1, "");
        var one = List.of(new NodeVerdict("n1", NodeVerdict.Outcome.FITS, null, List.of(), false));
        String shortReply = new String(codec.filterReply(new ExtenderArgs(null, null, List.of("n1")), one, -1, ""), StandardCharsets.UTF_8);

        assertThat(longReply.length).isGreaterThan(10_000);
        assertThat(shortReply).isEqualTo("{\"Nodes\":null,\"NodeNames\":[\"n1\"],\"FailedNodes\":{},\"FailedAndUnresolvableNodes\":{},\"Error\":\"\"}");
    }

    @Test
    void reasonsSharedByManyNodesAreWrittenWholeForEachOfThem() {
        // Equal reasons, as many nodes of one model share one mismatch; this one needs JSON escaping.
        FitReason mismatch = new FitReason.WrongModel("\"V100\" (16 or 32 GB)", "A100 — pick another");
        // Longer than the reply's sizing allows per failed node (64 bytes), so the buffer grows while it is repeated.
        FitReason full = new FitReason.GpusTaken("nvidia.com/gpu" + ", the pod needs 1; ".repeat(6), 0, 8, 1);
        List<String> names = new java.util.ArrayList<>();
        List<NodeVerdict> verdicts = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String node = "node-" + i;
            names.add(node);
            // New but equal instances for the occupied nodes, as each node's check builds its own.
            verdicts.add(i % 3 == 0 ? new NodeVerdict(node, NodeVerdict.Outcome.UNRESOLVABLE, mismatch, List.of(), false)
                    : i % 3 == 1 ? new NodeVerdict(node, NodeVerdict.Outcome.OCCUPIED, new FitReason.GpusTaken(
                            ((FitReason.GpusTaken) full).resource(), 0, 8, 1), List.of(), false)
                    : new NodeVerdict(node, NodeVerdict.Outcome.FITS, null, List.of(), false));
        }
        ExtenderArgs args = new ExtenderArgs(null, null, names);
        var reply = com.google.gson.JsonParser.parseString(new String(codec.filterReply(args, verdicts, -1, ""), StandardCharsets.UTF_8))
                .getAsJsonObject();
        var failed = reply.getAsJsonObject("FailedNodes");
        var unresolvable = reply.getAsJsonObject("FailedAndUnresolvableNodes");
        assertThat(failed.size()).isEqualTo(200);
        assertThat(unresolvable.size()).isEqualTo(100);
        for (int i = 0; i < 300; i += 3) {
            assertThat(failed.get("node-" + i).getAsString()).isEqualTo(mismatch.text());
            assertThat(unresolvable.get("node-" + i).getAsString()).isEqualTo(mismatch.text());
            assertThat(failed.get("node-" + (i + 1)).getAsString()).isEqualTo(full.text());
        }
        assertThat(reply.getAsJsonArray("NodeNames")).hasSize(100);
    }

    @Test
    void anUnchangedNodeIsDecodedOnceAndAChangedOneAgain() {
        String v1 = "{\"Pod\":" + POD + ",\"Nodes\":{\"items\":[{\"metadata\":{\"name\":\"n\",\"resourceVersion\":\"1\"},"
                + "\"status\":{\"allocatable\":{\"nvidia.com/gpu\":\"2\"}}}]}}";
        var first = read(v1).nodes().get(0).node();
        assertThat(read(v1).nodes().get(0).node()).isSameAs(first);
        var changed = read(v1.replace("\"resourceVersion\":\"1\"", "\"resourceVersion\":\"2\"").replace("\"2\"}}}", "\"4\"}}}"))
                .nodes().get(0).node();
        assertThat(changed).isNotSameAs(first);
    }

    @Test
    void readsNamesModeUnknownMembersAndAnyCase() {
        ExtenderArgs args = read("{\"extra\":[1,{\"x\":[true,null]}],\"pod\":" + POD + ",\"nodes\":null,\"NODENAMES\":[\"a\",\"b\"]}");
        assertThat(args.fullNodes()).isFalse();
        assertThat(args.names()).containsExactly("a", "b");
        assertThat(read("{\"Pod\":" + POD + ",\"NodeNames\":[ \"a\" , \"b\\u002dc\", \"\\\"q\\\"\" ]}").names())
                .containsExactly("a", "b-c", "\"q\"");
        assertThat(read("{\"Pod\":" + POD + ",\"NodeNames\":[]}").names()).isEmpty();
        assertThat(read("{\"Pod\":" + POD + ",\"Nodes\":{\"items\":[]}}").nodes()).isEmpty();
        assertThat(read("{\"Pod\":" + POD + ",\"Nodes\":{\"metadata\":{}}}").nodes()).isEmpty();
    }

    @Test
    void refusesWhatKubeSchedulerNeverSends() {
        assertThatThrownBy(() -> read("{\"Pod\":" + POD + ",\"NodeNames\":[\"a\"]} trailing")).hasMessageContaining("unexpected data after");
        assertThatThrownBy(() -> read("{\"Pod\":" + POD + ",\"Nodes\":{\"items\":[{\"metadata\":{\"name\":\"n\"}")).hasMessageStartingWith("malformed JSON");
        assertThatThrownBy(() -> read("{\"Pod\":" + POD + ",\"Nodes\":{\"items\":[42]}}")).hasMessage("a node in Nodes.items is not an object");
        assertThatThrownBy(() -> read("{\"Pod\":" + POD + ",\"Nodes\":{\"items\":[{\"metadata\":{}}]}}"))
                .hasMessage("a node in Nodes.items has no metadata.name");
        assertThatThrownBy(() -> read("{\"Pod\":" + POD + "}")).hasMessage("the request has neither NodeNames nor Nodes");
        assertThatThrownBy(() -> read("{\"Pod\":null,\"NodeNames\":[]}")).hasMessage("the request has no Pod");
        assertThatThrownBy(() -> read("{\"Pod\":\"web\",\"NodeNames\":[]}")).hasMessage("Pod must be an object, not a string");
        assertThatThrownBy(() -> read("{\"Pod\":" + POD + ",\"NodeNames\":[\"a\",null]}")).hasMessage("NodeNames contains null");
        assertThatThrownBy(() -> read("{\"Pod\":" + POD + ",\"NodeNames\":[\"a\",7]}")).hasMessageContaining("NodeNames must hold strings");
        assertThatThrownBy(() -> read("{\"Pod\":" + POD + ",\"NodeNames\":{\"a\":1}}")).hasMessage("NodeNames must be an array of strings");
    }
}
