package io.kubegpu.cluster.model;

import io.kubernetes.client.custom.Quantity;

/** Reads resource quantities of extended resources, which Kubernetes requires to be whole numbers. */
final class Quantities {
    private Quantities() {
    }

    /** The whole amount, or -1 when the value is not a whole non-negative quantity. */
    static long wholeAmount(String value) {
        if (value == null) {
            return -1;
        }
        String trimmed = value.trim();
        if (!trimmed.isEmpty() && trimmed.chars().allMatch(Character::isDigit) && trimmed.length() <= 18) {
            return Long.parseLong(trimmed);
        }
        try {
            var number = new Quantity(trimmed).getNumber();
            return number.signum() < 0 ? -1 : number.longValueExact();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
