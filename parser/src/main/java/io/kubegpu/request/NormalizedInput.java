package io.kubegpu.request;

import java.text.Normalizer;

/**
 * A request string after NFKC normalization, guaranteed printable ASCII (plus tab), with a map from
 * each normalized character back to its column in the original input.
 *
 * <p>Users of Chinese input methods type full-width {@code （２）} and ideographic spaces; NFKC turns
 * those into ASCII. Errors must still point at the column the user typed, so when normalization
 * changes anything each code point is normalized on its own and its output characters remember
 * where they came from. The common all-ASCII case skips normalization entirely.
 */
final class NormalizedInput {
    final String text;
    /** Original 1-based column of each character of {@link #text}; {@code null} when text is the input. */
    private final int[] columns;
    private final int endColumn;

    private NormalizedInput(String text, int[] columns, int endColumn) {
        this.text = text;
        this.columns = columns;
        this.endColumn = endColumn;
    }

    /** 1-based original column of the character at {@code index}; {@code index == length} means end of input. */
    int column(int index) {
        if (index >= text.length()) {
            return endColumn;
        }
        return columns == null ? index + 1 : columns[index];
    }

    static NormalizedInput of(String raw) {
        // The limit counts characters (code points), like columns do; a code point is at most two chars.
        if (raw.length() > GrammarConfig.MAX_INPUT_LENGTH
                && (raw.length() > 2 * GrammarConfig.MAX_INPUT_LENGTH || raw.codePointCount(0, raw.length()) > GrammarConfig.MAX_INPUT_LENGTH)) {
            throw tooLong(GrammarConfig.MAX_INPUT_LENGTH + 1);
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= 0x80) {
                return normalizeSlowly(raw);
            }
            if (isControl(c)) {
                throw controlCharacter(c, i + 1);
            }
        }
        return new NormalizedInput(raw, null, raw.length() + 1);
    }

    private static NormalizedInput normalizeSlowly(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        int[] columns = new int[raw.length() * 2 + 4];
        int column = 0;
        for (int i = 0; i < raw.length(); ) {
            int cp = raw.codePointAt(i);
            i += Character.charCount(cp);
            column++;
            if (isControl(cp)) {
                throw controlCharacter(cp, column);
            }
            String piece = cp < 0x80 ? String.valueOf((char) cp) : Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFKC);
            if (out.length() + piece.length() > GrammarConfig.MAX_INPUT_LENGTH) {
                throw tooLong(column);
            }
            for (int k = 0; k < piece.length(); k++) {
                char c = piece.charAt(k);
                if (c >= 0x80 || isControl(c)) {
                    throw nonAscii(cp, column);
                }
                if (out.length() == columns.length) {
                    columns = java.util.Arrays.copyOf(columns, columns.length * 2);
                }
                columns[out.length()] = column;
                out.append(c);
            }
        }
        return new NormalizedInput(out.toString(), columns, column + 1);
    }

    private static boolean isControl(int cp) {
        return cp != '\t' && Character.getType(cp) == Character.CONTROL;
    }

    private static InvalidGpuRequestException tooLong(int column) {
        return new InvalidGpuRequestException(new ParseError(ErrorCode.TOO_LONG,
                "input is longer than " + GrammarConfig.MAX_INPUT_LENGTH + " characters (after normalization); "
                        + "a GPU request is short, e.g. 2(V100) or 8G,0.5", column));
    }

    private static InvalidGpuRequestException controlCharacter(int cp, int column) {
        return new InvalidGpuRequestException(new ParseError(ErrorCode.CONTROL_CHARACTER,
                "control character " + codePointName(cp) + " at column " + column + "; remove it (a stray newline or tab from copy-paste?)",
                column));
    }

    private static InvalidGpuRequestException nonAscii(int cp, int column) {
        String shown = "'" + Character.toString(cp) + "' (" + codePointName(cp) + ")";
        String message = Character.isDigit(cp)
                ? shown + " is a digit that does not normalize to ASCII; write the amount with ASCII digits 0-9"
                : shown + " is not allowed; a GPU request is written in ASCII, e.g. 2(V100), 0.5 or 8G,0.5";
        return new InvalidGpuRequestException(new ParseError(ErrorCode.NON_ASCII, message, column));
    }

    static String codePointName(int cp) {
        return String.format("U+%04X", cp);
    }
}
