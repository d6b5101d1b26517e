package io.braid.producers.sim;

import java.util.EnumSet;
import java.util.Set;

/**
 * The kinds of bad records the simulator injects for downstream dead-letter tests. Wire-level kinds corrupt the
 * serialized bytes (the runner applies them with {@link WireFaults}); the others are valid Avro with bad content.
 */
public enum Malformation {
    /** First byte is not the Confluent magic byte 0. */
    BAD_MAGIC(true),
    /** The payload is cut short. */
    TRUNCATED(true),
    /** Magic byte 0 followed by a schema id no registry knows. */
    UNKNOWN_SCHEMA_ID(true),
    /** Sensor values contain NaN and Infinity. */
    NAN_VALUES(false),
    /** Sensor values length differs from num_samples x channels, or frame bytes from width x height x channels. */
    WRONG_SHAPE(false),
    /** A 512x512 RGB frame (768 KiB inline), far above what a 32x32 camera sends. */
    OVERSIZED_FRAME(false),
    /** Event time in 1970 or a century ahead. */
    ABSURD_TIMESTAMP(false);

    private final boolean wireLevel;

    Malformation(boolean wireLevel) {
        this.wireLevel = wireLevel;
    }

    public boolean wireLevel() {
        return wireLevel;
    }

    /** Whether this kind can be applied to records of {@code stream}. */
    public boolean appliesTo(SimStream stream) {
        return switch (this) {
            case BAD_MAGIC, TRUNCATED, UNKNOWN_SCHEMA_ID, ABSURD_TIMESTAMP -> stream != SimStream.LABELS;
            case NAN_VALUES -> stream == SimStream.SENSOR;
            case WRONG_SHAPE -> stream == SimStream.SENSOR || stream == SimStream.VISION;
            case OVERSIZED_FRAME -> stream == SimStream.VISION;
        };
    }

    public static Set<Malformation> all() {
        return EnumSet.allOf(Malformation.class);
    }
}
