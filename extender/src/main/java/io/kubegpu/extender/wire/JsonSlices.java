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
        pos++;
        Slice pod = null;
        Slice names = null;
        boolean nodesPresent = false;
        List<NodeSlice> nodes = List.of();
        skipSpace();
        if (peek() != '}') {
            while (true) {
                skipSpace();
                String key = readString().toLowerCase(java.util.Locale.ROOT);
                skipSpace();
                expect(':');
                skipSpace();
                int start = pos;
                if (key.equals("nodes") && peek() == '{') {
                    nodesPresent = true;
                    nodes = nodeList();
                } else {
                    skipValue();
                    Slice value = new Slice(start, pos);
                    if (key.equals("pod")) {
                        pod = value;
                    } else if (key.equals("nodenames")) {
                        names = value;
                    }
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    continue;
                }
                expect('}');
                break;
            }
        } else {
            pos++;
        }
        skipSpace();
        if (pos != body.length) {
            throw error("unexpected data after the JSON value");
        }
        return new ArgsSlices(pod, names, nodesPresent, nodes);
    }

    private List<NodeSlice> nodeList() {
        expect('{');
        List<NodeSlice> out = new ArrayList<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return out;
        }
        while (true) {
            skipSpace();
            String key = readString();
            skipSpace();
            expect(':');
            skipSpace();
            if (key.equals("items") && peek() == '[') {
                pos++;
                skipSpace();
                if (peek() == ']') {
                    pos++;
                } else {
                    while (true) {
                        skipSpace();
                        out.add(node());
                        skipSpace();
                        if (peek() == ',') {
                            pos++;
                            continue;
                        }
                        expect(']');
                        break;
                    }
                }
            } else {
                skipValue();
            }
            skipSpace();
            if (peek() == ',') {
                pos++;
                continue;
            }
            expect('}');
            return out;
        }
    }

    /** One node object: its bytes, and metadata.name / metadata.resourceVersion read on the way. */
    private NodeSlice node() {
        int start = pos;
        if (peek() != '{') {
            throw new MalformedRequestException("a node in Nodes.items is not an object");
        }
        pos++;
        String name = null;
        String version = null;
        skipSpace();
        if (peek() != '}') {
            while (true) {
                skipSpace();
                String key = readString();
                skipSpace();
                expect(':');
                skipSpace();
                if (key.equals("metadata") && peek() == '{') {
                    pos++;
                    skipSpace();
                    while (peek() != '}') {
                        skipSpace();
                        String field = readString();
                        skipSpace();
                        expect(':');
                        skipSpace();
                        int valueStart = pos;
                        skipValue();
                        if (field.equals("name")) {
                            name = string(new Slice(valueStart, pos));
                        } else if (field.equals("resourceVersion")) {
                            version = string(new Slice(valueStart, pos));
                        }
                        skipSpace();
                        if (peek() == ',') {
                            pos++;
                        }
                        skipSpace();
                    }
                    pos++;
                } else {
                    skipValue();
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    continue;
                }
                expect('}');
                break;
            }
        } else {
            pos++;
        }
        return new NodeSlice(new Slice(start, pos), name, version);
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
