package io.kubegpu.guard;

/**
 * The memory guard's answer: the request fits, or the precise reason it never can.
 *
 * @param fits   whether the request can fit
 * @param reason why not, naming the card, its memory and what the request needs; empty when it fits
 */
public record Verdict(boolean fits, String reason) {
    private static final Verdict FIT = new Verdict(true, "");

    public Verdict {
        if (fits != reason.isEmpty()) {
            throw new IllegalArgumentException("a fitting verdict has no reason and a refusal has one");
        }
    }

    public static Verdict fit() {
        return FIT;
    }

    public static Verdict noFit(String reason) {
        return new Verdict(false, reason);
    }
}
