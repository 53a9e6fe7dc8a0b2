package io.kubegpu.autoscale.plan;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Objects;
import java.util.Optional;

/**
 * One rescale by the HorizontalPodAutoscaler, read from its status: when it rescales, kube-controller-manager sets
 * {@code lastScaleTime} and writes {@code desiredReplicas} (the new count) beside {@code currentReplicas} (the count it
 * scaled from).
 */
public record ScaleEvent(Direction direction, int from, int to) {
    public enum Direction {
        UP("up"), DOWN("down");

        private final String tag;

        Direction(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /** The rescale between two statuses of one autoscaler, if {@code after} records a new one. */
    public static Optional<ScaleEvent> between(JsonObject before, JsonObject after) {
        String was = string(before, "lastScaleTime");
        String now = string(after, "lastScaleTime");
        if (now == null || Objects.equals(was, now)) {
            return Optional.empty();
        }
        Integer current = integer(after, "currentReplicas");
        Integer desired = integer(after, "desiredReplicas");
        if (current == null || desired == null || current.equals(desired)) {
            return Optional.empty();
        }
        return Optional.of(new ScaleEvent(desired > current ? Direction.UP : Direction.DOWN, current, desired));
    }

    private static String string(JsonObject status, String key) {
        JsonElement value = status == null ? null : status.get(key);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
    }

    private static Integer integer(JsonObject status, String key) {
        JsonElement value = status == null ? null : status.get(key);
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber() ? value.getAsInt() : null;
    }
}
