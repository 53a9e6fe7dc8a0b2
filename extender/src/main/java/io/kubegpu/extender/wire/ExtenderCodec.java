package io.kubegpu.extender.wire;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import io.kubegpu.cluster.model.KubeNode;
import io.kubegpu.cluster.model.KubeNodeReader;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.KubePodReader;
import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubegpu.extender.decision.FitReason;
import io.kubegpu.extender.decision.NodeVerdict;
import io.kubegpu.extender.decision.VictimSelection;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * kube-scheduler's extender wire format. Its Go types have no JSON tags, so it sends Go field names
 * ({@code Pod}, {@code Nodes}, {@code NodeNames}) and decodes replies case-insensitively; requests are
 * read case-insensitively too, replies are written in PascalCase with {@code null} for absent lists,
 * as the Go encoder would.
 */
public final class ExtenderCodec {
    /**
     * Decoded nodes by name with the resourceVersion they were decoded at. kube-scheduler sends the same
     * Node objects on every call; a node that changed has a new resourceVersion, so a hit is never stale.
     */
    private final com.github.benmanes.caffeine.cache.Cache<String, DecodedNode> nodeCache =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(50_000).build();

    private record DecodedNode(String resourceVersion, KubeNode node) {
    }

    public ExtenderCodec() {
        MetadataTrimming.install();
    }

    /**
     * Reads a filter/prioritize body in one pass; full Node objects keep their original bytes. Whatever is wrong with
     * the body is a {@link MalformedRequestException} (a 400), never an internal error.
     */
    public ExtenderArgs readArgs(byte[] body) {
        try {
            return parseArgs(body);
        } catch (MalformedRequestException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new MalformedRequestException("malformed request: " + (e.getMessage() == null ? "unexpected end of input" : io.kubegpu.api.JsonProblem.describe(e)), e);
        }
    }

    private ExtenderArgs parseArgs(byte[] body) {
        JsonSlices.ArgsSlices found = JsonSlices.args(body);
        if (found.pod() == null) {
            throw new MalformedRequestException("the request has no Pod");
        }
        KubePod decodedPod = readPod(body, found.pod());
        if (decodedPod.getMetadata() == null) {
            throw new MalformedRequestException("the Pod has no metadata");
        }
        if (found.nodeNames() != null) {
            return new ExtenderArgs(decodedPod, null, found.nodeNames());
        }
        if (found.nodesPresent()) {
            List<ExtenderArgs.RawNode> out = new ArrayList<>(found.nodes().size());
            for (JsonSlices.NodeSlice node : found.nodes()) {
                KubeNode decoded = cachedNode(body, node);
                String name = decoded.getMetadata() == null ? null : decoded.getMetadata().getName();
                if (name == null) {
                    throw new MalformedRequestException("a node in Nodes.items has no metadata.name");
                }
                out.add(new ExtenderArgs.RawNode(name, decoded, body, node.slice().start(), node.slice().end()));
            }
            return new ExtenderArgs(decodedPod, out, null);
        }
        throw new MalformedRequestException("the request has neither NodeNames nor Nodes");
    }

    /** The node from the cache when its name and resourceVersion match, else streamed and cached. */
    private KubeNode cachedNode(byte[] body, JsonSlices.NodeSlice slice) {
        String nodeName = slice.name();
        String resourceVersion = slice.resourceVersion();
        if (nodeName != null && resourceVersion != null) {
            DecodedNode cached = nodeCache.getIfPresent(nodeName);
            if (cached != null && cached.resourceVersion().equals(resourceVersion)) {
                return cached.node();
            }
        }
        KubeNode node = readNode(body, slice.slice());
        if (nodeName != null && resourceVersion != null) {
            nodeCache.put(nodeName, new DecodedNode(resourceVersion, node));
        }
        return node;
    }

    /** Streams the pod, keeping only the fields decisions and bind read (see {@link KubePodReader}). */
    private static KubePod readPod(byte[] body, JsonSlices.Slice slice) {
        try (JsonReader reader = reader(body, slice)) {
            return KubePodReader.read(reader);
        } catch (IOException | RuntimeException e) {
            throw new MalformedRequestException("cannot read Pod: " + io.kubegpu.api.JsonProblem.describe(e), e);
        }
    }

    /** A reader over one slice: the slice as a String is a smaller copy than an InputStreamReader's buffers. */
    private static JsonReader reader(byte[] body, JsonSlices.Slice slice) {
        return new JsonReader(new StringReader(new String(body, slice.start(), slice.end() - slice.start(), StandardCharsets.UTF_8)));
    }

    /** Streams one node, keeping only the fields decisions read (see {@link KubeNodeReader}). */
    private static KubeNode readNode(byte[] body, JsonSlices.Slice slice) {
        try (JsonReader reader = reader(body, slice)) {
            return KubeNodeReader.read(reader);
        } catch (IOException | RuntimeException e) {
            throw new MalformedRequestException("cannot read a node in Nodes.items: " + io.kubegpu.api.JsonProblem.describe(e), e);
        }
    }

    /**
     * Reads a preempt body {@code {"Pod","NodeNameToVictims","NodeNameToMetaVictims"}} (names case-insensitive). Victims
     * become their UIDs, from {@code Pods[].UID} (meta victims) or {@code Pods[].metadata.uid} (full pods). Whatever is
     * wrong with the body is a {@link MalformedRequestException} naming the field.
     */
    public PreemptArgs readPreempt(byte[] body) {
        JsonElement root;
        try {
            root = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new MalformedRequestException("malformed JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new MalformedRequestException("expected an ExtenderPreemptionArgs object, got " + kind(root));
        }
        JsonObject object = root.getAsJsonObject();
        JsonElement pod = member(object, "pod");
        if (pod == null || !pod.isJsonObject()) {
            throw new MalformedRequestException("the preempt request has no Pod object");
        }
        KubePod decodedPod;
        try (JsonReader reader = new JsonReader(new StringReader(pod.toString()))) {
            decodedPod = KubePodReader.read(reader);
        } catch (IOException | RuntimeException e) {
            throw new MalformedRequestException("cannot read Pod: " + e.getMessage(), e);
        }
        if (decodedPod.getMetadata() == null) {
            throw new MalformedRequestException("the Pod has no metadata");
        }
        JsonElement meta = member(object, "nodenametometavictims");
        JsonElement full = member(object, "nodenametovictims");
        boolean metaPresent = meta != null && !meta.isJsonNull();
        JsonElement victims = metaPresent ? meta : full;
        String field = metaPresent ? "NodeNameToMetaVictims" : "NodeNameToVictims";
        if (victims == null || victims.isJsonNull()) {
            throw new MalformedRequestException("the preempt request has neither NodeNameToMetaVictims nor NodeNameToVictims");
        }
        if (!victims.isJsonObject()) {
            throw new MalformedRequestException(field + " must be an object of node name to victims, got " + kind(victims));
        }
        List<VictimSelection.Proposal> proposals = new ArrayList<>();
        for (Map.Entry<String, JsonElement> node : victims.getAsJsonObject().entrySet()) {
            String where = field + "." + node.getKey();
            if (node.getValue().isJsonNull()) {
                proposals.add(new VictimSelection.Proposal(node.getKey(), List.of(), 0));
                continue;
            }
            if (!node.getValue().isJsonObject()) {
                throw new MalformedRequestException(where + " must be an object {Pods, NumPDBViolations}, got " + kind(node.getValue()));
            }
            JsonObject entry = node.getValue().getAsJsonObject();
            List<String> uids = new ArrayList<>();
            JsonElement pods = member(entry, "pods");
            if (pods != null && !pods.isJsonNull()) {
                if (!pods.isJsonArray()) {
                    throw new MalformedRequestException(where + ".Pods must be an array, got " + kind(pods));
                }
                for (JsonElement victim : pods.getAsJsonArray()) {
                    String uid = victimUid(victim, metaPresent);
                    if (uid == null) {
                        throw new MalformedRequestException(where + ".Pods has a victim without " + (metaPresent ? "UID" : "metadata.uid") + ": "
                                + io.kubegpu.api.LogSafe.quote(abbreviate(victim.toString())));
                    }
                    uids.add(uid);
                }
            }
            long violations = 0;
            JsonElement pdb = member(entry, "numpdbviolations");
            if (pdb != null && !pdb.isJsonNull()) {
                try {
                    violations = pdb.getAsLong();
                } catch (RuntimeException e) {
                    throw new MalformedRequestException(where + ".NumPDBViolations must be a whole number, got " + abbreviate(pdb.toString()), e);
                }
                if (violations < 0) {
                    throw new MalformedRequestException(where + ".NumPDBViolations must not be negative, got " + violations);
                }
            }
            proposals.add(new VictimSelection.Proposal(node.getKey(), uids, violations));
        }
        return new PreemptArgs(decodedPod, proposals);
    }

    private static String victimUid(JsonElement victim, boolean meta) {
        if (victim == null || !victim.isJsonObject()) {
            return null;
        }
        if (meta) {
            return field(victim.getAsJsonObject(), "uid");
        }
        JsonElement metadata = member(victim.getAsJsonObject(), "metadata");
        return metadata != null && metadata.isJsonObject() ? field(metadata.getAsJsonObject(), "uid") : null;
    }

    /** A member by case-insensitive name (Go's decoder matches field names so), or null. */
    private static JsonElement member(JsonObject object, String lowerName) {
        for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
            if (entry.getKey().toLowerCase(Locale.ROOT).equals(lowerName)) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static String kind(JsonElement element) {
        return element.isJsonArray() ? "an array" : element.isJsonObject() ? "an object" : element.isJsonNull() ? "null" : "'" + abbreviate(element.toString()) + "'";
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    /**
     * Preempt reply ({@code ExtenderPreemptionResult}): the nodes kept, each with the victims to evict, always as meta victims
     * (UIDs), as kube-scheduler reads it in both modes. A node with no victims is never written.
     */
    public String preemptReply(List<VictimSelection.NodeResult> results) {
        StringWriter out = new StringWriter(64 + results.size() * 96);
        try (JsonWriter writer = new JsonWriter(out)) {
            writer.beginObject().name("NodeNameToMetaVictims").beginObject();
            for (VictimSelection.NodeResult result : results) {
                List<String> uids = result.victimUids();
                if (!result.kept() || uids.isEmpty()) {
                    continue;
                }
                writer.name(result.node()).beginObject().name("Pods").beginArray();
                for (String uid : uids) {
                    writer.beginObject().name("UID").value(uid).endObject();
                }
                writer.endArray().name("NumPDBViolations").value(result.pdbViolations()).endObject();
            }
            writer.endObject().endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Reads a bind body {@code {"PodName","PodNamespace","PodUID","Node"}}, names case-insensitive. */
    public BindArgs readBind(byte[] body) {
        JsonElement root;
        try {
            root = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            // The position and reason, not Gson's exception class names (they describe us, not the request).
            throw new MalformedRequestException("malformed JSON: " + io.kubegpu.api.JsonProblem.describe(e), e);
        }
        if (!root.isJsonObject()) {
            throw new MalformedRequestException("expected an ExtenderBindingArgs object");
        }
        JsonObject object = root.getAsJsonObject();
        String name = field(object, "podname");
        String namespace = field(object, "podnamespace");
        String uid = field(object, "poduid");
        String node = field(object, "node");
        if (name == null || namespace == null || node == null) {
            throw new MalformedRequestException("bind needs PodName, PodNamespace and Node");
        }
        return new BindArgs(name, namespace, uid, node);
    }

    private static String field(JsonObject object, String lowerName) {
        for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
            if (entry.getKey().toLowerCase(Locale.ROOT).equals(lowerName) && entry.getValue().isJsonPrimitive()) {
                return entry.getValue().getAsString();
            }
        }
        return null;
    }

    /**
     * Filter reply, UTF-8, written straight from the verdicts. Full-node requests get back the passing
     * nodes' original bytes, copied as they came (no decode and re-encode). Nodes that can never fit are in
     * {@code FailedAndUnresolvableNodes} and also in {@code FailedNodes}: a 1.20 scheduler reads only the
     * latter, 1.21+ lets the former take precedence. With {@code chosen} ≥ 0 only that node is returned: the other
     * nodes that fit are in neither list (they did not fail; kube-scheduler drops nodes a reply leaves out).
     */
    public byte[] filterReply(ExtenderArgs args, List<NodeVerdict> verdicts, int chosen, String error) {
        // Sized for what is written (one name under --filter-returns best, plus the reasons), not for every candidate.
        int failed = 0;
        for (NodeVerdict verdict : verdicts) {
            failed += verdict.fits() ? 0 : 1;
        }
        int kept = chosen >= 0 ? 1 : verdicts.size() - failed;
        ReplyBuffer out = ReplyBuffer.forThisThread(256 + kept * (args != null && args.fullNodes() ? 4096 : 48) + failed * 64);
        try {
            writeFilterReply(out, args, verdicts, chosen, error);
            return out.toByteArray();
        } finally {
            out.release();
        }
    }

    private static void writeFilterReply(ReplyBuffer out, ExtenderArgs args, List<NodeVerdict> verdicts, int chosen, String error) {
        if (args != null && args.fullNodes()) {
            write(out, "{\"Nodes\":{\"metadata\":{},\"items\":[");
            boolean first = true;
            for (int i = 0; i < verdicts.size(); i++) {
                if (kept(verdicts, chosen, i)) {
                    ExtenderArgs.RawNode node = args.nodes().get(i);
                    if (!first) {
                        out.write(',');
                    }
                    out.write(node.body(), node.start(), node.end() - node.start());
                    first = false;
                }
            }
            write(out, "]},\"NodeNames\":null");
        } else {
            write(out, "{\"Nodes\":null,\"NodeNames\":[");
            boolean first = true;
            for (int i = 0; i < verdicts.size(); i++) {
                if (kept(verdicts, chosen, i)) {
                    if (!first) {
                        out.write(',');
                    }
                    writeString(out, verdicts.get(i).node());
                    first = false;
                }
            }
            out.write(']');
        }
        Map<FitReason, Long> written = new HashMap<>();
        write(out, ",\"FailedNodes\":");
        writeReasons(out, verdicts, false, written);
        write(out, ",\"FailedAndUnresolvableNodes\":");
        writeReasons(out, verdicts, true, written);
        write(out, ",\"Error\":");
        writeString(out, error == null ? "" : error);
        out.write('}');
    }

    private static boolean kept(List<NodeVerdict> verdicts, int chosen, int i) {
        return chosen < 0 ? verdicts.get(i).fits() : i == chosen;
    }

    /**
     * A reason map: the place where reasons, data until here, become sentences. A reason equal to one already written in
     * this reply (nodes that fail for the same cause: a model mismatch, a card too small, all GPUs taken) is copied from
     * where it was written instead of being formatted and encoded again. Checking and copying every reason character by
     * character was a third of a names-only filter call's CPU at 230 candidates (JFR), when only adjacent equal reasons
     * were copied and a cluster of two models alternates them.
     *
     * @param written per reason, where its encoded text starts in {@code out} (high 32 bits) and its length (low), shared by
     *                both maps of a reply
     */
    private static void writeReasons(ReplyBuffer out, List<NodeVerdict> verdicts, boolean unresolvableOnly, Map<FitReason, Long> written) {
        out.write('{');
        boolean first = true;
        for (NodeVerdict verdict : verdicts) {
            boolean include = unresolvableOnly ? verdict.outcome() == NodeVerdict.Outcome.UNRESOLVABLE : !verdict.fits();
            if (include) {
                if (!first) {
                    out.write(',');
                }
                writeString(out, verdict.node());
                out.write(':');
                Long at = written.get(verdict.why());
                if (at != null) {
                    out.repeat((int) (at >>> 32), (int) (long) at);
                } else {
                    int start = out.size();
                    writeString(out, verdict.why().text());
                    written.put(verdict.why(), ((long) start << 32) | (out.size() - start));
                }
                first = false;
            }
        }
        out.write('}');
    }

    /** A JSON string: plain ASCII (node names, our reasons) is copied as is; anything else goes through Gson's escaping. */
    private static void writeString(ReplyBuffer out, String value) {
        int mark = out.size();
        out.write('"');
        if (out.plainAscii(value)) {
            out.write('"');
        } else {
            out.truncate(mark);
            out.utf8(GSON.toJson(value));
        }
    }

    private static final Gson GSON = new com.google.gson.GsonBuilder().disableHtmlEscaping().create();

    private static void write(ReplyBuffer out, String text) {
        out.ascii(text);
    }

    /** Prioritize reply: a bare array of {@code {"Host","Score"}}. */
    public String prioritizeReply(List<String> hosts, int[] scores) {
        StringWriter out = new StringWriter(16 + hosts.size() * 32);
        try (JsonWriter writer = new JsonWriter(out)) {
            writer.beginArray();
            for (int i = 0; i < hosts.size(); i++) {
                writer.beginObject().name("Host").value(hosts.get(i)).name("Score").value(scores[i]).endObject();
            }
            writer.endArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Bind reply, and the error reply of every verb: {@code {"Error":"…"}}. */
    public String errorReply(String error) {
        JsonObject out = new JsonObject();
        out.addProperty("Error", error == null ? "" : error);
        return out.toString();
    }
}
