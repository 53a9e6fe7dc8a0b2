package io.kubegpu.cluster.state;

import java.util.Objects;

/** A node taint, as far as scheduling GPU pods needs it. */
public record Taint(String key, String value, String effect) {
    public Taint {
        Objects.requireNonNull(key, "key");
        value = value == null ? "" : value;
        Objects.requireNonNull(effect, "effect");
    }
}
