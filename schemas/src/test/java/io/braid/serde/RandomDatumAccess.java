package io.braid.serde;

import io.braid.avro.SensorChunk;
import org.apache.avro.specific.SpecificRecord;

/** Test data for tests in other packages. */
public final class RandomDatumAccess {
    private RandomDatumAccess() {}

    public static SensorChunk sensorChunk(long seed) {
        return RandomDatum.specific(SensorChunk.class, seed);
    }

    public static <T extends SpecificRecord> T of(Class<T> type, long seed) {
        return RandomDatum.specific(type, seed);
    }
}
