package io.kubegpu.request;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the GPU request strings users write in the {@code kubegpu.io/gpu} annotation.
 *
 * <pre>
 * request  = body [ "(" spec ")" ]
 * body     = count | share | memory [ "," share ]
 * count    = digits [ "." "0"* ]                 whole GPUs, 1..maxGpus
 * share    = "0." digit{1,3}                     a share of one GPU's compute, in (0, 1)
 * memory   = number unit                         unit: G Gi GB M Mi MB (binary), a whole number of MiB, at most 1 TiB
 * spec     = vendor | models | vendor "," models
 * models   = model { "|" model }                 model: letters, digits, ".", "_", "-"
 * </pre>
 *
 * Whitespace is allowed around tokens; the input is NFKC-normalized first. Any violation throws
 * {@link InvalidGpuRequestException} with a stable {@link ErrorCode}, an actionable message and the
 * column; nothing else is ever thrown, and nothing is silently defaulted. Instances are immutable and
 * thread-safe.
 */
public final class GpuRequestParser {
    private final GrammarConfig config;

    public GpuRequestParser(GrammarConfig config) {
        this.config = config;
    }

    public static GpuRequestParser defaults() {
        return new GpuRequestParser(GrammarConfig.defaults());
    }

    public GrammarConfig config() {
        return config;
    }

    /** Parses one request string. */
    public GpuRequest parse(String input) {
        Scan scan = new Scan(NormalizedInput.of(input == null ? "" : input));
        return scan.request();
    }

    /**
     * Parses a bare memory amount such as {@code 40G} (the {@code kubegpu.io/min-gpu-memory}
     * annotation) into MiB, with the same units and limits as memory in a request.
     */
    public int parseMemoryMiB(String input) {
        Scan scan = new Scan(NormalizedInput.of(input == null ? "" : input));
        return scan.memoryOnly();
    }

    /** One parse: a cursor over normalized input. Not shared between threads. */
    private final class Scan {
        private final NormalizedInput input;
        private final String s;
        private int pos;

        Scan(NormalizedInput input) {
            this.input = input;
            this.s = input.text;
        }

        GpuRequest request() {
            skipSpace();
            if (atEnd()) {
                throw fail(ErrorCode.EMPTY, "empty GPU request; write e.g. 1, 2(V100), 0.5 or 8G,0.5", pos);
            }
            Amount first = amount();
            skipSpace();
            GpuRequest body;
            if (peek() == ',') {
                pos++;
                skipSpace();
                if (atEnd() || peek() == '(') {
                    throw fail(ErrorCode.MALFORMED_PAIR, "nothing after ','; write MEM,SHARE such as 8G,0.5", pos);
                }
                Amount second = amount();
                skipSpace();
                if (peek() == ',') {
                    throw fail(ErrorCode.MALFORMED_PAIR,
                            "too many parts; a request has at most two: MEM,SHARE such as 8G,0.5", pos);
                }
                body = pair(first, second);
            } else {
                body = single(first);
            }
            if (peek() == '(') {
                body = spec(body);
                skipSpace();
            }
            if (!atEnd()) {
                throw trailing(body);
            }
            return body;
        }

        int memoryOnly() {
            skipSpace();
            if (atEnd()) {
                throw fail(ErrorCode.EMPTY, "empty memory amount; write e.g. 40G or 512M", pos);
            }
            Amount amount = amount();
            skipSpace();
            if (!atEnd()) {
                throw fail(ErrorCode.TRAILING_INPUT,
                        "unexpected '" + s.substring(pos) + "' after the memory amount " + amount.text(), pos);
            }
            if (amount.unit == null) {
                throw fail(ErrorCode.MISSING_UNIT, "'" + amount.text() + "' needs a unit: " + amount.text() + "G or "
                        + amount.text() + "M", amount.start);
            }
            return memoryMiB(amount);
        }

        // ---- amounts -------------------------------------------------------------------------

        private Amount amount() {
            int start = pos;
            char c = peek();
            if (c == '+' || c == '-') {
                throw fail(ErrorCode.SIGN_NOT_ALLOWED, c == '-'
                        ? "negative amount at column " + column(start) + "; GPU amounts are positive, e.g. 1 or 0.5"
                        : "remove the '+' sign; write amounts without a sign, e.g. 1 or 0.5", start);
            }
            if (c == '(') {
                throw fail(ErrorCode.EXPECTED_AMOUNT, "missing amount before '('; write e.g. 1(V100)", start);
            }
            if (c == ')') {
                throw fail(ErrorCode.UNBALANCED_BRACKETS, "')' without a matching '('", start);
            }
            if (c == '.') {
                throw fail(ErrorCode.MALFORMED_NUMBER, "a number cannot start with '.'; write 0" + wordAt(start), start);
            }
            if (isLetter(c)) {
                String word = wordAt(start);
                String lower = word.toLowerCase(Locale.ROOT);
                if (lower.equals("nan") || lower.equals("inf") || lower.equals("infinity")) {
                    throw fail(ErrorCode.NOT_A_NUMBER, "'" + word + "' is not a number; write e.g. 1, 0.5 or 8G", start);
                }
                throw fail(ErrorCode.EXPECTED_AMOUNT, "expected an amount, found '" + word
                        + "'; put the amount first and the model in brackets, e.g. 1(" + word + ")", start);
            }
            if (!isDigit(c)) {
                throw fail(ErrorCode.EXPECTED_AMOUNT, "expected an amount, found '" + c + "'; write e.g. 1, 0.5 or 8G,0.5", start);
            }
            int intStart = pos;
            while (isDigit(peek())) {
                pos++;
            }
            int intEnd = pos;
            if ((peek() == 'x' || peek() == 'X') && intEnd - intStart == 1 && s.charAt(intStart) == '0') {
                throw fail(ErrorCode.HEX_NOT_ALLOWED, "hexadecimal '" + wordAt(start) + "' is not allowed; write decimal numbers", start);
            }
            rejectUnderscore(start);
            int fracStart = pos;
            int fracEnd = pos;
            if (peek() == '.') {
                pos++;
                fracStart = pos;
                while (isDigit(peek())) {
                    pos++;
                }
                fracEnd = pos;
                if (fracStart == fracEnd) {
                    throw fail(ErrorCode.MALFORMED_NUMBER, "'" + s.substring(start, pos)
                            + "' needs digits after the decimal point", pos - 1);
                }
                if (peek() == '.') {
                    throw fail(ErrorCode.MALFORMED_NUMBER, "more than one decimal point in '" + wordAt(start) + "'", pos);
                }
                rejectUnderscore(start);
            }
            if ((peek() == 'e' || peek() == 'E') && (isDigit(peekAt(pos + 1)) || peekAt(pos + 1) == '+' || peekAt(pos + 1) == '-')) {
                throw fail(ErrorCode.EXPONENT_NOT_ALLOWED, "scientific notation '" + wordAt(start)
                        + "' is not allowed; write the number out, e.g. 100", pos);
            }
            int numberEnd = pos;
            skipSpace();
            Unit unit = null;
            int unitStart = pos;
            if (isLetter(peek())) {
                String word = readWord();
                unit = Unit.of(word);
                if (unit == null) {
                    throw unknownUnit(word, s.substring(start, numberEnd), unitStart, fracStart == fracEnd);
                }
            } else {
                pos = numberEnd;
            }
            return new Amount(start, intStart, intEnd, fracStart, fracEnd, unit, pos);
        }

        private void rejectUnderscore(int start) {
            if (peek() == '_') {
                throw fail(ErrorCode.UNDERSCORE_NOT_ALLOWED, "'_' is not allowed in numbers ('" + wordAt(start)
                        + "'); write the digits without separators", pos);
            }
        }

        private InvalidGpuRequestException unknownUnit(String word, String number, int at, boolean integral) {
            String hint = integral && word.chars().anyMatch(GpuRequestParser::isDigit)
                    ? "; to pick a GPU model put it in brackets: " + number + "(" + word + ")"
                    : "";
            return fail(ErrorCode.UNKNOWN_UNIT, "unknown unit '" + word + "' in '" + number + word
                    + "'; memory units are G, Gi, GB, M, Mi, MB (all binary: 1G = 1024M)" + hint, at);
        }

        private GpuRequest single(Amount a) {
            if (a.unit != null) {
                return GpuRequest.memory(memoryMiB(a), 0);
            }
            if (a.isZero()) {
                throw fail(ErrorCode.ZERO_AMOUNT, "'" + a.text() + "' asks for no GPU; remove the annotation from pods that need none", a.start);
            }
            if (a.fracLength() == 0) {
                if (a.intTooLong() || a.intValue() > config.maxGpus()) {
                    throw fail(ErrorCode.TOO_MANY_GPUS, "'" + a.text() + "' GPUs is more than the " + config.maxGpus()
                            + " one request may ask for", a.start);
                }
                return GpuRequest.whole((int) a.intValue());
            }
            if (a.intValue() == 0 && !a.intTooLong()) {
                return GpuRequest.share(shareMilli(a));
            }
            String shareHint = "0." + s.substring(a.fracStart, a.fracStart + a.fracLength());
            long roundedUp = a.intTooLong() ? -1 : a.intValue() + 1;
            throw fail(ErrorCode.FRACTIONAL_GPUS, "'" + a.text() + "' is not a whole number of GPUs; use "
                    + (roundedUp > 0 ? roundedUp : "a whole number") + ", or " + shareHint + " for a share of one GPU", a.start);
        }

        private GpuRequest pair(Amount memory, Amount share) {
            if (memory.unit == null) {
                if (share.unit != null) {
                    throw fail(ErrorCode.MEMORY_FIRST, "write memory first: " + share.text() + "," + memory.text()
                            + " (MEM,SHARE)", memory.start);
                }
                throw fail(ErrorCode.MISSING_UNIT, "'" + memory.text() + "' in MEM,SHARE needs a unit, e.g. "
                        + memory.text() + "G," + share.text(), memory.start);
            }
            if (share.unit != null) {
                throw fail(ErrorCode.MALFORMED_PAIR, "two memory amounts '" + memory.text() + "," + share.text()
                        + "'; write MEM,SHARE such as 8G,0.5", share.start);
            }
            int mib = memoryMiB(memory);
            if (share.isZero()) {
                throw fail(ErrorCode.ZERO_AMOUNT, "a share of 0; write '" + memory.text()
                        + "' alone to guarantee memory without reserving compute", share.start);
            }
            if (share.intTooLong() || share.intValue() > 0) {
                throw fail(ErrorCode.SHARE_OUT_OF_RANGE, "'" + share.text()
                        + "' is not a share; the share in MEM,SHARE is between 0 and 1, e.g. " + memory.text()
                        + ",0.5 (for whole GPUs write just the count)", share.start);
            }
            return GpuRequest.memory(mib, shareMilli(share));
        }

        private int shareMilli(Amount a) {
            int digits = a.fracLength();
            if (digits > 3) {
                throw fail(ErrorCode.TOO_MANY_DECIMALS, "'" + a.text() + "' has " + digits
                        + " decimal places; shares are in thousandths of a GPU (at most 3 decimals, e.g. 0.125)", a.fracStart);
            }
            int milli = (int) a.fracValue();
            for (int i = digits; i < 3; i++) {
                milli *= 10;
            }
            return milli;
        }

        private int memoryMiB(Amount a) {
            if (a.isZero()) {
                throw fail(ErrorCode.ZERO_AMOUNT, "'" + a.text() + "' is no memory; ask for a positive amount such as 8G", a.start);
            }
            String limit = "; the limit is 1 TiB (1024G)";
            if (a.intTooLong()) {
                throw fail(ErrorCode.MEMORY_TOO_LARGE, "'" + a.text() + "' is more GPU memory than any GPU has" + limit, a.start);
            }
            long mib;
            int fracDigits = a.fracLength();
            if (a.unit == Unit.MIB) {
                if (fracDigits > 0) {
                    throw fail(ErrorCode.MEMORY_NOT_WHOLE_MIB, "'" + a.text() + "' is not a whole number of MiB", a.start);
                }
                mib = a.intValue();
            } else {
                long scale = fracDigits <= 10 ? pow10(fracDigits) : 0;
                long scaled = scale == 0 ? 1 : a.fracValue() * 1024;
                if (scale == 0 || scaled % scale != 0) {
                    throw fail(ErrorCode.MEMORY_NOT_WHOLE_MIB, "'" + a.text()
                            + "' is not a whole number of MiB; write it in M, e.g. " + approxMiB(a) + "M", a.start);
                }
                mib = a.intValue() * 1024 + scaled / scale;
            }
            if (mib > GrammarConfig.MAX_MEMORY_MIB) {
                throw fail(ErrorCode.MEMORY_TOO_LARGE, "'" + a.text() + "' is more GPU memory than any GPU has" + limit, a.start);
            }
            return (int) mib;
        }

        private long approxMiB(Amount a) {
            double fraction = Double.parseDouble("0." + s.substring(a.fracStart, a.fracEnd));
            return a.intValue() * 1024 + (long) Math.floor(fraction * 1024);
        }

        // ---- spec ----------------------------------------------------------------------------

        private GpuRequest spec(GpuRequest body) {
            int open = pos;
            int close = -1;
            for (int i = open + 1; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '(') {
                    throw fail(ErrorCode.NESTED_BRACKETS, "brackets cannot be nested; write one spec such as (nvidia,A100|H100)", i);
                }
                if (c == ')') {
                    close = i;
                    break;
                }
            }
            if (close < 0) {
                throw fail(ErrorCode.UNBALANCED_BRACKETS, "'(' at column " + column(open) + " is never closed", open);
            }
            pos = close + 1;
            List<int[]> parts = splitTrimmed(open + 1, close, ',');
            if (parts.size() == 1 && parts.get(0)[0] == parts.get(0)[1]) {
                throw fail(ErrorCode.EMPTY_SPEC, "empty brackets; name a model (V100), a vendor (nvidia) or both (nvidia,V100)", open);
            }
            for (int[] part : parts) {
                if (part[0] == part[1]) {
                    throw fail(ErrorCode.EMPTY_SPEC_PART, "empty part in '" + s.substring(open, close + 1)
                            + "'; write (vendor,MODEL) such as (nvidia,V100)", part[0]);
                }
            }
            Vendor[] vendors = new Vendor[parts.size()];
            int vendorCount = 0;
            for (int i = 0; i < parts.size(); i++) {
                vendors[i] = vendorAt(parts.get(i));
                if (vendors[i] != null) {
                    vendorCount++;
                }
            }
            if (vendorCount > 1) {
                int second = vendors[0] != null ? indexOfVendor(vendors, 1) : indexOfVendor(vendors, indexOfVendor(vendors, 0) + 1);
                throw fail(ErrorCode.MULTIPLE_VENDORS, "more than one vendor in '" + s.substring(open, close + 1)
                        + "'; a request names at most one", parts.get(second)[0]);
            }
            if (parts.size() == 1) {
                return vendors[0] != null ? body.withSpec(vendors[0], List.of()) : body.withSpec(null, models(parts.get(0)));
            }
            if (parts.size() > 2) {
                StringBuilder alternatives = new StringBuilder();
                for (int i = 0; i < parts.size(); i++) {
                    if (vendors[i] == null) {
                        alternatives.append(alternatives.length() == 0 ? "" : "|").append(text(parts.get(i)));
                    }
                }
                String prefix = vendors[0] != null ? text(parts.get(0)) + "," : "";
                throw fail(ErrorCode.MULTIPLE_MODEL_EXPRESSIONS, "more than one model expression in '"
                        + s.substring(open, close + 1) + "'; write alternatives with '|': (" + prefix + alternatives + ")",
                        parts.get(vendors[0] != null ? 2 : 1)[0]);
            }
            int[] first = parts.get(0);
            int[] second = parts.get(1);
            if (vendors[1] != null) {
                throw fail(ErrorCode.VENDOR_NOT_FIRST, "write the vendor first: (" + text(second) + "," + text(first) + ")", first[0]);
            }
            if (vendors[0] == null) {
                throw fail(ErrorCode.UNKNOWN_VENDOR, "unknown vendor '" + text(first) + "'; known vendors: "
                        + config.vendors().describe() + "; to allow several models write (" + text(first) + "|" + text(second) + ")",
                        first[0]);
            }
            return body.withSpec(vendors[0], models(second));
        }

        private int indexOfVendor(Vendor[] vendors, int from) {
            for (int i = from; i < vendors.length; i++) {
                if (vendors[i] != null) {
                    return i;
                }
            }
            return from;
        }

        private Vendor vendorAt(int[] part) {
            return config.vendors().findIn(s, part[0], part[1]);
        }

        private List<String> models(int[] part) {
            if (s.indexOf('|', part[0]) < 0 || s.indexOf('|', part[0]) >= part[1]) {
                return List.of(model(part, part));
            }
            List<int[]> alternatives = splitTrimmed(part[0], part[1], '|');
            List<String> models = new ArrayList<>(alternatives.size());
            for (int[] alt : alternatives) {
                String model = model(alt, part);
                if (!models.contains(model)) {
                    models.add(model);
                }
            }
            return models;
        }

        /** One model alternative, validated and upper-cased. */
        private String model(int[] alt, int[] expression) {
            if (alt[0] == alt[1]) {
                throw fail(ErrorCode.EMPTY_SPEC_PART, "empty model alternative in '" + text(expression) + "'", alt[0]);
            }
            boolean upper = true;
            for (int i = alt[0]; i < alt[1]; i++) {
                char c = s.charAt(i);
                if (!isLetter(c) && !isDigit(c) && c != '.' && c != '_' && c != '-') {
                    String why = c == ' ' || c == '\t' ? "contains a space; write it with '-', e.g. "
                            + text(alt).trim().replaceAll("\\s+", "-") : "may only contain letters, digits, '.', '_' and '-'";
                    throw fail(ErrorCode.INVALID_MODEL_TOKEN, "model '" + text(alt) + "' " + why, i);
                }
                upper &= c < 'a' || c > 'z';
            }
            Vendor vendor = config.vendors().findIn(s, alt[0], alt[1]);
            if (vendor != null) {
                // "(amd|AMD)" would canonicalize to "(AMD)", which means the vendor: refuse the ambiguity.
                throw fail(ErrorCode.INVALID_MODEL_TOKEN, "'" + text(alt) + "' is a vendor, not a model; write ("
                        + vendor.name() + ") for any of its GPUs or (" + vendor.name() + ",MODEL) for one model", alt[0]);
            }
            String model = text(alt);
            return upper ? model : model.toUpperCase(Locale.ROOT);
        }

        /** Splits [from, to) on a separator; each part as [start, end) with surrounding space trimmed. */
        private List<int[]> splitTrimmed(int from, int to, char separator) {
            List<int[]> parts = new ArrayList<>(2);
            int partStart = from;
            for (int i = from; i <= to; i++) {
                if (i == to || s.charAt(i) == separator) {
                    int a = partStart;
                    int b = i;
                    while (a < b && isSpace(s.charAt(a))) {
                        a++;
                    }
                    while (b > a && isSpace(s.charAt(b - 1))) {
                        b--;
                    }
                    parts.add(new int[] {a, b});
                    partStart = i + 1;
                }
            }
            return parts;
        }

        private InvalidGpuRequestException trailing(GpuRequest parsed) {
            char c = peek();
            if (c == '(') {
                return fail(ErrorCode.MULTIPLE_SPECS, "only one bracketed spec is allowed; combine them, e.g. (nvidia,A100|H100)", pos);
            }
            if (c == ')') {
                return fail(ErrorCode.UNBALANCED_BRACKETS, "')' without a matching '('", pos);
            }
            return fail(ErrorCode.TRAILING_INPUT, "unexpected '" + s.substring(pos).trim() + "' after the request '"
                    + parsed.canonical() + "'", pos);
        }

        // ---- low-level -----------------------------------------------------------------------

        private String readWord() {
            int start = pos;
            while (isLetter(peek()) || isDigit(peek())) {
                pos++;
            }
            return s.substring(start, pos);
        }

        /** The run of number-ish characters starting at {@code from}, for messages. */
        private String wordAt(int from) {
            int end = from;
            while (end < s.length() && !isSpace(s.charAt(end)) && "(),|".indexOf(s.charAt(end)) < 0) {
                end++;
            }
            return s.substring(from, Math.max(end, Math.min(from + 1, s.length())));
        }

        private String text(int[] part) {
            return s.substring(part[0], part[1]);
        }

        private void skipSpace() {
            while (pos < s.length() && isSpace(s.charAt(pos))) {
                pos++;
            }
        }

        private boolean atEnd() {
            return pos >= s.length();
        }

        private char peek() {
            return peekAt(pos);
        }

        private char peekAt(int index) {
            return index < s.length() ? s.charAt(index) : '\0';
        }

        private int column(int index) {
            return input.column(index);
        }

        private InvalidGpuRequestException fail(ErrorCode code, String message, int index) {
            return new InvalidGpuRequestException(new ParseError(code, message, column(index)));
        }

        /** A number with an optional unit, as positions into the normalized text. */
        private final class Amount {
            final int start;
            final int intStart;
            final int intEnd;
            final int fracStart;
            final int fracEnd;
            final Unit unit;
            /** End of the amount, after its unit when it has one. */
            final int end;
            private final int significantIntStart;
            private final int trimmedFracEnd;

            Amount(int start, int intStart, int intEnd, int fracStart, int fracEnd, Unit unit, int end) {
                this.start = start;
                this.intStart = intStart;
                this.intEnd = intEnd;
                this.fracStart = fracStart;
                this.fracEnd = fracEnd;
                this.unit = unit;
                this.end = end;
                int sig = intStart;
                while (sig < intEnd - 1 && s.charAt(sig) == '0') {
                    sig++;
                }
                this.significantIntStart = sig;
                int trimmed = fracEnd;
                while (trimmed > fracStart && s.charAt(trimmed - 1) == '0') {
                    trimmed--;
                }
                this.trimmedFracEnd = trimmed;
            }

            /** More integer digits than fit the largest amount we could accept (count or MiB). */
            boolean intTooLong() {
                return intEnd - significantIntStart > 9;
            }

            long intValue() {
                long value = 0;
                for (int i = significantIntStart; i < intEnd; i++) {
                    value = value * 10 + (s.charAt(i) - '0');
                }
                return value;
            }

            /** Decimal places after dropping trailing zeros. */
            int fracLength() {
                return trimmedFracEnd - fracStart;
            }

            /** The fraction's digits (trailing zeros dropped) as a number; only called when short enough. */
            long fracValue() {
                long value = 0;
                for (int i = fracStart; i < trimmedFracEnd; i++) {
                    value = value * 10 + (s.charAt(i) - '0');
                }
                return value;
            }

            boolean isZero() {
                return !intTooLong() && intValue() == 0 && fracLength() == 0;
            }

            String text() {
                return s.substring(start, end);
            }
        }
    }

    private enum Unit {
        GIB, MIB;

        static Unit of(String word) {
            switch (word.toUpperCase(Locale.ROOT)) {
                case "G", "GI", "GB" -> {
                    return GIB;
                }
                case "M", "MI", "MB" -> {
                    return MIB;
                }
                default -> {
                    return null;
                }
            }
        }
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean isLetter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isSpace(int c) {
        return c == ' ' || c == '\t';
    }
}
