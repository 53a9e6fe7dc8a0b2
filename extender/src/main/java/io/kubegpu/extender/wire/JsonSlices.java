package io.kubegpu.extender.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the byte ranges of JSON values without building them, so large request bodies are read once:
 * only the objects we need are decoded, and full Node objects can be echoed back byte for byte. UTF-8
 * multi-byte sequences never contain {@code "} or {@code \}, so scanning bytes is safe.
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

    /** The members of the object at {@code at}: name → value slice, names compared by the caller. */
    List<Member> members(Slice at) {
        pos = at.start();
        expect('{');
        List<Member> out = new ArrayList<>();
        skipSpace();
        if (peek() == '}') {
            return out;
        }
        while (true) {
            skipSpace();
            String name = readString();
            skipSpace();
            expect(':');
            skipSpace();
            int start = pos;
            skipValue();
            out.add(new Member(name, new Slice(start, pos)));
            skipSpace();
            if (peek() == ',') {
                pos++;
                continue;
            }
            expect('}');
            return out;
        }
    }

    /**
     * The value of member {@code name} in the object at {@code at}, stopping at the first match: only the
     * members before it are skipped. {@code null} when absent.
     */
    Slice member(Slice at, String name) {
        pos = at.start();
        expect('{');
        skipSpace();
        if (peek() == '}') {
            return null;
        }
        while (true) {
            skipSpace();
            String key = readString();
            skipSpace();
            expect(':');
            skipSpace();
            int start = pos;
            skipValue();
            if (key.equals(name)) {
                return new Slice(start, pos);
            }
            skipSpace();
            if (peek() == ',') {
                pos++;
                continue;
            }
            expect('}');
            return null;
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

    /** The elements of the array at {@code at}. */
    List<Slice> elements(Slice at) {
        pos = at.start();
        expect('[');
        List<Slice> out = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            return out;
        }
        while (true) {
            skipSpace();
            int start = pos;
            skipValue();
            out.add(new Slice(start, pos));
            skipSpace();
            if (peek() == ',') {
                pos++;
                continue;
            }
            expect(']');
            return out;
        }
    }

    /** The whole body as one value (surrounding whitespace excluded); fails on trailing garbage. */
    Slice root() {
        pos = 0;
        skipSpace();
        int start = pos;
        skipValue();
        int end = pos;
        skipSpace();
        if (pos != body.length) {
            throw error("unexpected data after the JSON value");
        }
        return new Slice(start, end);
    }

    record Member(String name, Slice value) {
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
