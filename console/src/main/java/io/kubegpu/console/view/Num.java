package io.kubegpu.console.view;

/** Rounding for display: the JSON carries what a person reads, not 17 digits. */
final class Num {
    private Num() {
    }

    static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }

    static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** A ratio for display, 0 when the whole is 0. */
    static double ratio(double part, double whole) {
        return whole <= 0 ? 0 : round3(part / whole);
    }
}
