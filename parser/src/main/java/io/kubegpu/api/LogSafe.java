package io.kubegpu.api;

/**
 * Untrusted text (annotation values, names from requests) made safe for a log line: control characters such as
 * newlines are escaped, so a pod author cannot forge log lines, and long values are cut.
 */
public final class LogSafe {
    static final int MAX_LENGTH = 300;

    private LogSafe() {
    }

    /** The value in single quotes with control characters escaped ({@code \n}, {@code \u001b}, …), at most {@value #MAX_LENGTH} characters. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_LENGTH) + 2).append('\'');
        int limit = Math.min(value.length(), MAX_LENGTH);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (value.length() > limit) {
            out.append("…(").append(value.length() - limit).append(" more)");
        }
        return out.append('\'').toString();
    }
}
