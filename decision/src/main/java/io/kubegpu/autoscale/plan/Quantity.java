package io.kubegpu.autoscale.plan;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Kubernetes resource quantities in thousandths, the unit the HorizontalPodAutoscaler compares Pods metrics in
 * ({@code 600m} = 0.6 = 600). Only what autoscaler targets hold: decimal numbers with an SI or binary suffix.
 */
public final class Quantity {
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("", BigDecimal.ONE), Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")), Map.entry("k", new BigDecimal("1e3")), Map.entry("M", new BigDecimal("1e6")),
            Map.entry("G", new BigDecimal("1e9")), Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")),
            Map.entry("E", new BigDecimal("1e18")), Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

    private Quantity() {
    }

    /** The quantity in thousandths, rounded up as Kubernetes' {@code MilliValue} does; throws for what is not a quantity. */
    public static long milli(String quantity) {
        String text = quantity.trim();
        int end = text.length();
        while (end > 0 && Character.isLetter(text.charAt(end - 1))) {
            end--;
        }
        BigDecimal factor = SUFFIXES.get(text.substring(end));
        if (factor == null || end == 0) {
            throw new IllegalArgumentException("'" + quantity + "' is not a quantity such as 600m, 0.6 or 2Gi");
        }
        BigDecimal number;
        try {
            number = new BigDecimal(text.substring(0, end));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + quantity + "' is not a quantity such as 600m, 0.6 or 2Gi");
        }
        return number.multiply(factor).movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }

    /** A fraction 0..1 of a percentage as a quantity: 60 % is {@code 600m}. */
    public static String ofPercent(int percent) {
        return percent * 10 + "m";
    }

    /** A value such as 0.9 as the quantity the metrics API answers with, in thousandths: {@code 900m}. */
    public static String ofFraction(double value) {
        return Math.round(value * 1000) + "m";
    }
}
