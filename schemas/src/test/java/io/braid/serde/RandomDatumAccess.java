package io.braid.serde;

import io.braid.avro.SensorChunk;

/** Test data for tests in other packages. */
public final class RandomDatumAccess {
    private RandomDatumAccess() {}

    public static SensorChunk sensorChunk(long seed) {
        return RandomDatum.specific(SensorChunk.class, seed);
    }
}
