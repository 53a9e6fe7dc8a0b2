package io.kubegpu.extender.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer for writing replies: like {@link java.io.ByteArrayOutputStream} without its
 * per-call locking, and writing ASCII strings byte by byte instead of encoding each into a new array first.
 */
final class ReplyBuffer {
    private byte[] bytes;
    private int size;

    ReplyBuffer(int capacity) {
        bytes = new byte[Math.max(64, capacity)];
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    void write(byte[] from, int offset, int length) {
        ensure(length);
        System.arraycopy(from, offset, bytes, size, length);
        size += length;
    }

    /** Text that is known to be ASCII (JSON punctuation, checked node names and reasons). */
    void ascii(String text) {
        int length = text.length();
        ensure(length);
        for (int i = 0; i < length; i++) {
            bytes[size++] = (byte) text.charAt(i);
        }
    }

    /**
     * Copies {@code text} when it needs no JSON escaping (printable ASCII other than a quote or a backslash), in the
     * same pass that checks it; otherwise writes nothing and returns false.
     */
    boolean plainAscii(String text) {
        int length = text.length();
        ensure(length);
        int at = size;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
            bytes[at++] = (byte) c;
        }
        size = at;
        return true;
    }

    /** Appends a copy of {@code length} bytes already written at {@code start}. */
    void repeat(int start, int length) {
        ensure(length);
        System.arraycopy(bytes, start, bytes, size, length);
        size += length;
    }

    int size() {
        return size;
    }

    /** Drops what was written after {@code mark}. */
    void truncate(int mark) {
        size = mark;
    }

    void utf8(String text) {
        byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
        write(encoded, 0, encoded.length);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }
}
