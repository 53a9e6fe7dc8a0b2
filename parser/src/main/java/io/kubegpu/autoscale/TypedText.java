package io.kubegpu.autoscale;

import java.text.Normalizer;
import java.util.Arrays;

/**
 * An annotation value after NFKC normalization, printable ASCII (plus tab) only, remembering for each character the
 * column the user typed it at. Chinese input methods produce full-width {@code ：}, {@code ％}, {@code ，} and digits;
 * NFKC turns them into ASCII, while error columns still point at what was typed.
 */
final class TypedText {
    final String text;
    /** 1-based original column of each character of {@link #text}. */
    private final int[] columns;
    private final int endColumn;

    private TypedText(String text, int[] columns, int endColumn) {
        this.text = text;
        this.columns = columns;
        this.endColumn = endColumn;
    }

    /** The original column of the character at {@code index}; the end of the input past the last one. */
    int column(int index) {
        return index >= text.length() ? endColumn : columns[index];
    }

    /** Normalizes {@code raw}, refusing what cannot be made ASCII; errors are attributed to {@code annotation}. */
    static TypedText of(String raw, String annotation, int maxLength) {
        StringBuilder out = new StringBuilder(raw.length());
        int[] columns = new int[raw.length() + 4];
        int column = 0;
        for (int i = 0; i < raw.length(); ) {
            int cp = raw.codePointAt(i);
            i += Character.charCount(cp);
            column++;
            if (cp != '\t' && Character.getType(cp) == Character.CONTROL) {
                throw fail(AutoscaleErrorCode.CONTROL_CHARACTER, annotation, raw, "control character " + name(cp)
                        + "; remove it (a stray newline from copy-paste?)", column);
            }
            String piece = cp < 0x80 ? Character.toString(cp) : Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFKC);
            for (int k = 0; k < piece.length(); k++) {
                char c = piece.charAt(k);
                if (c >= 0x80 || c != '\t' && Character.getType(c) == Character.CONTROL) {
                    throw fail(AutoscaleErrorCode.NON_ASCII, annotation, raw, "'" + Character.toString(cp) + "' (" + name(cp)
                            + ") is not allowed; write e.g. cpu:50%,gpu:60% in ASCII", column);
                }
                if (out.length() == maxLength) {
                    throw fail(AutoscaleErrorCode.TOO_LONG, annotation, raw, "longer than " + maxLength
                            + " characters; an autoscaling request is short, e.g. cpu:50%,gpu:60%", column);
                }
                if (out.length() == columns.length) {
                    columns = Arrays.copyOf(columns, columns.length * 2);
                }
                columns[out.length()] = column;
                out.append(c);
            }
        }
        return new TypedText(out.toString(), columns, column + 1);
    }

    static InvalidAutoscaleException fail(AutoscaleErrorCode code, String annotation, String value, String message, int column) {
        return new InvalidAutoscaleException(new AutoscaleError(code, annotation, value, message, column));
    }

    private static String name(int cp) {
        return String.format("U+%04X", cp);
    }
}
