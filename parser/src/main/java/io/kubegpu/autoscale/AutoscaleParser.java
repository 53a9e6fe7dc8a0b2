package io.kubegpu.autoscale;

import io.kubegpu.api.Annotations;
import java.util.EnumMap;
import java.util.Map;

/**
 * Reads the autoscaling request of a Deployment or StatefulSet from its annotations:
 *
 * <pre>
 * kubegpu.io/autoscale      targets  = target { ("," | ";") target }
 *                           target   = metric (":" | "=") percent ["%"]      metric: cpu, mem, memory, gpu, gpu-mem, gpu-memory
 *                                                                            percent: a whole number 1..100
 * kubegpu.io/autoscale-min  a whole number >= 1 (default 1)
 * kubegpu.io/autoscale-max  a whole number >= min (required)
 * </pre>
 *
 * Whitespace is allowed around tokens, metric names are case-insensitive, and the input is NFKC-normalized first (so
 * full-width {@code cpu：50％，gpu：60％} works). Anything else throws {@link InvalidAutoscaleException} with a stable
 * {@link AutoscaleErrorCode}, the annotation, a message naming the offending text and the fix, and the column; nothing is
 * dropped or defaulted silently. Stateless and thread-safe.
 */
public final class AutoscaleParser {
    /** Longest accepted value: four targets with spaces fit many times over. */
    public static final int MAX_LENGTH = 256;

    private AutoscaleParser() {
    }

    /** Whether the object opted in: it carries the {@code kubegpu.io/autoscale} annotation (valid or not). */
    public static boolean optedIn(Map<String, String> annotations) {
        return annotations != null && annotations.containsKey(Annotations.AUTOSCALE);
    }

    /** The request in {@code annotations}, which must {@link #optedIn opt in}. */
    public static AutoscaleSpec parse(Map<String, String> annotations) {
        String targets = annotations.get(Annotations.AUTOSCALE);
        if (targets == null) {
            throw new IllegalArgumentException("no " + Annotations.AUTOSCALE + " annotation");
        }
        Map<AutoscaleMetric, Integer> parsed = parseTargets(targets);
        String minText = annotations.get(Annotations.AUTOSCALE_MIN);
        String maxText = annotations.get(Annotations.AUTOSCALE_MAX);
        int min = minText == null ? 1 : replicas(Annotations.AUTOSCALE_MIN, minText);
        if (maxText == null) {
            throw TypedText.fail(AutoscaleErrorCode.MISSING_MAX_REPLICAS, Annotations.AUTOSCALE_MAX, null, Annotations.AUTOSCALE_MAX
                    + " is missing: an autoscaler needs an upper bound, e.g. " + Annotations.AUTOSCALE_MAX + ": \"" + Math.max(4, min) + "\"", 1);
        }
        int max = replicas(Annotations.AUTOSCALE_MAX, maxText);
        if (min > max) {
            throw TypedText.fail(AutoscaleErrorCode.MIN_ABOVE_MAX, Annotations.AUTOSCALE_MIN, minText, "the minimum " + min
                    + " is above the maximum " + max + " (" + Annotations.AUTOSCALE_MAX + "); lower the minimum or raise the maximum", 1);
        }
        return new AutoscaleSpec(parsed, min, max);
    }

    /** The targets of a {@code kubegpu.io/autoscale} value, in canonical metric order. */
    public static Map<AutoscaleMetric, Integer> parseTargets(String value) {
        return new Scan(Annotations.AUTOSCALE, value == null ? "" : value).targets();
    }

    /** A replica count of {@code annotation}: a whole number from 1 to 2147483647, whitespace around it allowed. */
    static int replicas(String annotation, String value) {
        return new Scan(annotation, value).replicas();
    }

    /** One parse: a cursor over the normalized value. */
    private static final class Scan {
        private final String annotation;
        private final String raw;
        private final TypedText input;
        private final String s;
        private int pos;

        Scan(String annotation, String raw) {
            this.annotation = annotation;
            this.raw = raw;
            this.input = TypedText.of(raw, annotation, MAX_LENGTH);
            this.s = input.text;
        }

        Map<AutoscaleMetric, Integer> targets() {
            Map<AutoscaleMetric, Integer> out = new EnumMap<>(AutoscaleMetric.class);
            skipSpace();
            if (atEnd()) {
                throw fail(AutoscaleErrorCode.EMPTY, "empty; write one or more targets, e.g. cpu:50%,gpu:60%", pos);
            }
            while (true) {
                skipSpace();
                if (atEnd() || isSeparator(peek())) {
                    throw fail(AutoscaleErrorCode.EMPTY_ITEM, atEnd() ? "nothing after the last separator; remove it or add a target"
                            : "no target before '" + peek() + "'; write metric:percent between separators, e.g. cpu:50%,gpu:60%", pos);
                }
                int start = pos;
                AutoscaleMetric metric = metric();
                if (out.containsKey(metric)) {
                    throw fail(AutoscaleErrorCode.DUPLICATE_METRIC, "'" + s.substring(start, pos) + "' is a second target for "
                            + metric.canonical() + "; give each metric once", start);
                }
                skipSpace();
                if (peek() != ':' && peek() != '=') {
                    throw fail(AutoscaleErrorCode.MISSING_COLON, "expected ':' after '" + s.substring(start, skipBack(pos)) + "'; write "
                            + metric.canonical() + ":50%", pos);
                }
                pos++;
                skipSpace();
                out.put(metric, percent(metric));
                skipSpace();
                if (peek() == '%') {
                    pos++;
                    skipSpace();
                }
                if (atEnd()) {
                    return out;
                }
                if (!isSeparator(peek())) {
                    throw fail(AutoscaleErrorCode.TRAILING_INPUT, "unexpected '" + s.substring(pos) + "' after the " + metric.canonical()
                            + " target; separate targets with ',' or ';', e.g. cpu:50%,gpu:60%", pos);
                }
                pos++;
            }
        }

        private AutoscaleMetric metric() {
            int start = pos;
            if (!Character.isLetter(peek())) {
                throw fail(AutoscaleErrorCode.EXPECTED_METRIC, "expected a metric name, found '" + word(start)
                        + "'; write metric:percent, e.g. gpu:60%", start);
            }
            while (Character.isLetterOrDigit(peek()) || peek() == '-' || peek() == '_') {
                pos++;
            }
            String name = s.substring(start, pos);
            return AutoscaleMetric.named(name).orElseThrow(() -> fail(AutoscaleErrorCode.UNKNOWN_METRIC, "unknown metric '" + name
                    + "'; the metrics are " + AutoscaleMetric.allNames(), start));
        }

        private int percent(AutoscaleMetric metric) {
            int start = pos;
            if (peek() == '-' && isDigit(peekAt(pos + 1))) {
                throw fail(AutoscaleErrorCode.PERCENT_OUT_OF_RANGE, "'" + word(start) + "' is negative; a target is a percentage within 1..100", start);
            }
            if (!isDigit(peek())) {
                throw fail(AutoscaleErrorCode.EXPECTED_PERCENT, atEnd() ? "no percentage after '" + s.substring(0, pos).trim() + "'; write e.g. "
                        + metric.canonical() + ":60%" : "expected a percentage, found '" + word(start) + "'; write e.g. " + metric.canonical()
                        + ":60%", start);
            }
            while (isDigit(peek())) {
                pos++;
            }
            String digits = s.substring(start, pos);
            if (peek() == '.' && isDigit(peekAt(pos + 1))) {
                throw fail(AutoscaleErrorCode.FRACTIONAL_PERCENT, "'" + word(start) + "' is not a whole percentage; autoscaling targets are "
                        + "whole numbers, e.g. " + metric.canonical() + ":" + Math.max(1, Math.min(100, value(digits))) + "%", start);
            }
            long value = value(digits);
            if (value == 0) {
                throw fail(AutoscaleErrorCode.ZERO_PERCENT, metric.canonical() + " target 0% would scale to the maximum at once; "
                        + "write a percentage within 1..100", start);
            }
            if (value > 100) {
                throw fail(AutoscaleErrorCode.PERCENT_OUT_OF_RANGE, digits + "% is above 100%; write a percentage within 1..100", start);
            }
            return (int) value;
        }

        int replicas() {
            skipSpace();
            int start = pos;
            if (atEnd()) {
                throw fail(AutoscaleErrorCode.INVALID_REPLICAS, "empty; write a whole number of replicas, e.g. \"4\"", pos);
            }
            while (isDigit(peek())) {
                pos++;
            }
            int end = pos;
            skipSpace();
            if (end == start || !atEnd()) {
                // Point at the first character that is not part of the number: the 'x' of "4x", the '.' of "4.5".
                int bad = end == start ? start : end < s.length() && s.charAt(end) != ' ' && s.charAt(end) != '\t' ? end : pos;
                throw fail(AutoscaleErrorCode.INVALID_REPLICAS, "'" + s.trim() + "' is not a whole number of replicas; write e.g. \"4\"", bad);
            }
            long value = value(s.substring(start, end));
            if (value < 1) {
                throw fail(AutoscaleErrorCode.INVALID_REPLICAS, "0 replicas cannot be autoscaled (that needs the alpha HPAScaleToZero "
                        + "feature); write at least 1", start);
            }
            if (value > Integer.MAX_VALUE) {
                throw fail(AutoscaleErrorCode.INVALID_REPLICAS, s.substring(start, end) + " replicas is more than a HorizontalPodAutoscaler "
                        + "can hold (2147483647)", start);
            }
            return (int) value;
        }

        /** The digits' value, saturating just above int's range (a longer number is out of every range here anyway). */
        private static long value(String digits) {
            long value = 0;
            for (int i = 0; i < digits.length() && value <= Integer.MAX_VALUE; i++) {
                value = value * 10 + (digits.charAt(i) - '0');
            }
            return value;
        }

        private String word(int start) {
            int end = start;
            while (end < s.length() && !isSeparator(s.charAt(end)) && s.charAt(end) != ' ' && s.charAt(end) != '\t') {
                end++;
            }
            return end == start ? String.valueOf(s.charAt(start)) : s.substring(start, end);
        }

        private int skipBack(int index) {
            int i = index;
            while (i > 0 && (s.charAt(i - 1) == ' ' || s.charAt(i - 1) == '\t')) {
                i--;
            }
            return i;
        }

        private InvalidAutoscaleException fail(AutoscaleErrorCode code, String message, int index) {
            return TypedText.fail(code, annotation, raw, message, input.column(index));
        }

        private void skipSpace() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
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

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isSeparator(char c) {
            return c == ',' || c == ';';
        }
    }
}
