package io.braid.registry;

import java.util.Locale;

/** Confluent's seven compatibility levels; _TRANSITIVE checks against every earlier version, not only the latest. */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** New schema must read data written with the old one(s). */
    public final boolean backward;
    /** Old schema(s) must read data written with the new one. */
    public final boolean forward;

    public final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** Parses a level name case-insensitively; anything else is a 42203 "invalid compatibility level". */
    public static CompatibilityLevel parse(String name) {
        if (name != null) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ignored) {
                // fall through
            }
        }
        throw new RegistryException(
                422, RegistryException.INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level: " + name);
    }
}
