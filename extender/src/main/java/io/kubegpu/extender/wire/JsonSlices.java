package io.kubegpu.extender.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the byte ranges of JSON values without building them, in one pass over the body: only the objects
 * we need are decoded, and full Node objects can be echoed back byte for byte. UTF-8 multi-byte sequences
 * never contain {@code "} or {@code \}, so scanning bytes is safe.
 */
final class JsonSlices {
    /** A value's bytes: {@code [start, end)} in the body. */
    record Slice(int start, int end) {
        boolean isNull(byte[] body) {
            return end - start == 4 && body[start] == 'n';
        }
    }

    private final byte[] body;
    private int pos;

    JsonSlices(byte[] body) {
        this.body = body;
    }

    /** One element of {@code Nodes.items} found by {@link #args()}: its bytes and, when plain strings, name and resourceVersion. */
    record NodeSlice(Slice slice, String name, String resourceVersion) {
    }

    /** What {@link #args()} found in an ExtenderArgs body in one pass. */
    record ArgsSlices(Slice pod, Slice nodeNames, boolean nodesPresent, List<NodeSlice> nodes) {
    }

    /**
     * Reads an ExtenderArgs body in a single pass: member names case-insensitively, {@code Pod} and
     * {@code NodeNames} as slices, and {@code Nodes.items} descended into so each node's bytes, name and
     * resourceVersion are found without scanning the body again.
     */
    ArgsSlices args() {
        pos = 0;
        skipSpace();
        if (pos >= body.length || body[pos] != '{') {
            throw new MalformedRequestException("expected an ExtenderArgs object {\"Pod\":…,\"Nodes\":…,\"NodeNames\":…}");
        }
        Slice[] pod = new Slice[1];
        Slice[] names = new Slice[1];
        boolean[] nodesPresent = new boolean[1];
        List<NodeSlice> nodes = new ArrayList<>();
        walkObject(key -> {
            String name = key.toLowerCase(java.util.Locale.ROOT);
            if (name.equals("nodes") && peek() == '{') {
                nodesPresent[0] = true;
                walkObject(listKey -> {
                    if (listKey.equals("items") && peek() == '[') {
                        walkArray(() -> nodes.add(node()));
                    } else {
                        skipValue();
                    }
                });
                return;
            }
            int start = pos;
            skipValue();
            if (name.equals("pod")) {
                pod[0] = new Slice(start, pos);
            } else if (name.equals("nodenames")) {
                names[0] = new Slice(start, pos);
            }
        });
        skipSpace();
        if (pos != body.length) {
            throw error("unexpected data after the JSON value");
        }
        return new ArgsSlices(pod[0], names[0], nodesPresent[0], nodes);
    }

    /** One node object: its bytes, and metadata.name / metadata.resourceVersion read on the way. */
    private NodeSlice node() {
        if (peek() != '{') {
            throw new MalformedRequestException("a node in Nodes.items is not an object");
        }
        int start = pos;
        String[] nameAndVersion = new String[2];
        walkObject(key -> {
            if (key.equals("metadata") && peek() == '{') {
                walkObject(field -> {
                    int valueStart = pos;
                    skipValue();
                    if (field.equals("name")) {
                        nameAndVersion[0] = string(new Slice(valueStart, pos));
                    } else if (field.equals("resourceVersion")) {
                        nameAndVersion[1] = string(new Slice(valueStart, pos));
                    }
                });
            } else {
                skipValue();
            }
        });
        return new NodeSlice(new Slice(start, pos), nameAndVersion[0], nameAndVersion[1]);
    }

    /** Consumes one member's value, positioned at its first byte. */
    @FunctionalInterface
    private interface MemberVisitor {
        void visit(String name);
    }

    /** Walks the object at the cursor; the visitor must consume each member's value. */
    private void walkObject(MemberVisitor visitor) {
        expect('{');
        skipSpace();
        if (peek() == '}') {
            pos++;
            return;
        }
        while (true) {
            skipSpace();
            String name = readString();
            skipSpace();
            expect(':');
            skipSpace();
            visitor.visit(name);
            skipSpace();
            if (peek() == ',') {
                pos++;
                continue;
            }
            expect('}');
            return;
        }
    }

    /** Walks the array at the cursor; {@code element} must consume each element. */
    private void walkArray(Runnable element) {
        expect('[');
        skipSpace();
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            skipSpace();
            element.run();
            skipSpace();
            if (peek() == ',') {
                pos++;
                continue;
            }
            expect(']');
            return;
        }
    }

    /**
     * The strings of the JSON array at {@code at}, read straight from the bytes (node names are plain ASCII; a string
     * with escapes is decoded by Gson). {@code what} names the array in errors.
     */
    List<String> strings(Slice at, String what) {
        pos = at.start();
        List<String> out = new ArrayList<>(256);
        expect('[');
        skipSpace();
        if (peek() == ']') {
            return out;
        }
        while (true) {
            skipSpace();
            byte c = peek();
            if (c == 'n') {
                throw new MalformedRequestException(what + " contains null");
            }
            if (c != '"') {
                throw error(what + " must hold strings");
            }
            int start = pos;
            skipString();
            String raw = new String(body, start + 1, pos - start - 2, StandardCharsets.UTF_8);
            out.add(raw.indexOf('\\') < 0 ? raw : unescape(start, what));
            skipSpace();
            if (peek() == ',') {
                pos++;
                continue;
            }
            expect(']');
            return out;
        }
    }

    /** The JSON string starting at {@code start} with its escapes decoded; a bad escape is the caller's malformed input. */
    private String unescape(int start, String what) {
        try {
            return com.google.gson.JsonParser.parseString(new String(body, start, pos - start, StandardCharsets.UTF_8)).getAsString();
        } catch (com.google.gson.JsonParseException e) {
            throw new MalformedRequestException(what + " holds a string with an invalid escape at byte " + start);
        }
    }

    /** The contents of the JSON string at {@code at} (no escapes expected: names and resource versions). */
    String string(Slice at) {
        if (body[at.start()] != '"') {
            return null;
        }
        String raw = new String(body, at.start() + 1, at.end() - at.start() - 2, StandardCharsets.UTF_8);
        return raw.indexOf('\\') >= 0 ? null : raw;
    }

    private void skipValue() {
        skipSpace();
        byte c = peek();
        switch (c) {
            case '{' -> skipContainer('{', '}');
            case '[' -> skipContainer('[', ']');
            case '"' -> skipString();
            default -> {
                int start = pos;
                while (pos < body.length && isLiteralByte(body[pos])) {
                    pos++;
                }
                if (pos == start) {
                    throw error("expected a JSON value");
                }
            }
        }
    }

    private void skipContainer(char open, char close) {
        int depth = 0;
        while (pos < body.length) {
            byte c = body[pos];
            if (c == '"') {
                skipString();
                continue;
            }
            pos++;
            if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return;
            }
        }
        throw error("unterminated " + (open == '{' ? "object" : "array"));
    }

    private void skipString() {
        pos++;
        while (pos < body.length) {
            byte c = body[pos++];
            if (c == '\\') {
                pos++;
            } else if (c == '"') {
                return;
            }
        }
        throw error("unterminated string");
    }

    private String readString() {
        if (peek() != '"') {
            throw error("expected a member name");
        }
        int start = pos + 1;
        skipString();
        return new String(body, start, pos - 1 - start, StandardCharsets.UTF_8);
    }

    private void expect(char c) {
        skipSpace();
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private byte peek() {
        if (pos >= body.length) {
            throw error("unexpected end of the body");
        }
        return body[pos];
    }

    private void skipSpace() {
        while (pos < body.length && (body[pos] == ' ' || body[pos] == '\n' || body[pos] == '\r' || body[pos] == '\t')) {
            pos++;
        }
    }

    private static boolean isLiteralByte(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.' || c == 'E';
    }

    private MalformedRequestException error(String what) {
        return new MalformedRequestException("malformed JSON at byte " + pos + ": " + what);
    }
}
