package io.braid.producers.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Byte-level corruption of an already serialized Confluent-framed record (magic 0, 4-byte schema id, Avro). */
public final class WireFaults {
    /** Schema ids used for UNKNOWN_SCHEMA_ID: far above anything a registry hands out. */
    public static final int UNKNOWN_ID_BASE = 0x7fff0000;

    private WireFaults() {}

    public static byte[] apply(Malformation m, byte[] good, SplittableRandom rng) {
        switch (m) {
            case BAD_MAGIC: {
                byte[] b = good.clone();
                b[0] = (byte) rng.nextInt(1, 256);
                return b;
            }
            case TRUNCATED: {
                int keep = good.length <= 6 ? Math.max(0, good.length - 1) : rng.nextInt(1, good.length - 1);
                return Arrays.copyOf(good, keep);
            }
            case UNKNOWN_SCHEMA_ID: {
                byte[] b = good.clone();
                int id = UNKNOWN_ID_BASE + rng.nextInt(0xffff);
                b[0] = 0;
                b[1] = (byte) (id >>> 24);
                b[2] = (byte) (id >>> 16);
                b[3] = (byte) (id >>> 8);
                b[4] = (byte) id;
                return b;
            }
            default:
                return good;
        }
    }
}
