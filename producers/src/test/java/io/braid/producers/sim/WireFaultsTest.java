package io.braid.producers.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.braid.avro.SensorChunk;
import io.braid.serde.ConfluentAvroDeserializer;
import io.braid.serde.ConfluentAvroSerializer;
import io.braid.serde.SerdeConfig;
import io.braid.serde.WireFormatException;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Wire-level malformations are what a Confluent deserializer refuses. */
class WireFaultsTest {
    @Test
    void corruptedBytesAreRefusedByTheDeserializer() {
        Map<String, Object> cfg = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://wire-faults");
        try (var ser = new ConfluentAvroSerializer<Object>(null, cfg, false);
                var de = new ConfluentAvroDeserializer<>(SensorChunk.class, cfg)) {
            FleetSimulator sim =
                    new FleetSimulator(new SimulatorOptions().robots(1).durationMs(1000));
            SimEvent s = sim.next();
            while (!(s.record() instanceof SensorChunk)) s = sim.next();
            byte[] good = ser.serialize("robot.sensor", s.record());
            assertEquals(s.record(), de.deserialize("robot.sensor", good));
            SplittableRandom rng = new SplittableRandom(1);
            byte[] badMagic = WireFaults.apply(Malformation.BAD_MAGIC, good, rng);
            assertNotEquals(0, badMagic[0]);
            byte[] truncated = WireFaults.apply(Malformation.TRUNCATED, good, rng);
            assertEquals(true, truncated.length < good.length);
            byte[] unknown = WireFaults.apply(Malformation.UNKNOWN_SCHEMA_ID, good, rng);
            for (byte[] bad : new byte[][] {badMagic, truncated, unknown}) {
                assertThrows(WireFormatException.class, () -> de.deserialize("robot.sensor", bad));
            }
        }
    }
}
