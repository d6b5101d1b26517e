package io.braid.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.serde.RandomDatumAccess;
import io.braid.serde.SerdeConfig;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void everyTypedTopicIsInTheCatalogAndItsSerdeRoundTrips() {
        Set<String> catalog =
                TopicCatalog.all(2, (short) 1).stream().map(TopicSpec::name).collect(Collectors.toSet());
        Map<String, String> cfg = Map.of(
                SerdeConfig.SCHEMA_REGISTRY_URL, "mock://topics-test", SerdeConfig.AUTO_REGISTER_SCHEMAS, "true");
        for (Topic<String, ?> t : Topics.ALL) {
            assertTrue(catalog.contains(t.name()), t.name());
            roundTrip(t, cfg);
        }
        assertEquals(catalog.size() - 1, Topics.ALL.size(), "every catalog topic but the registry's own is typed");
    }

    private static <V extends SpecificRecord> void roundTrip(Topic<String, V> t, Map<String, String> cfg) {
        V v = RandomDatumAccess.of(t.valueType(), 7);
        try (Serde<V> serde = t.valueSerde(cfg)) {
            byte[] bytes = serde.serializer().serialize(t.name(), v);
            assertEquals(v, serde.deserializer().deserialize(t.name(), bytes), t.name());
        }
        assertEquals(
                "robot-1",
                t.keySerde()
                        .deserializer()
                        .deserialize(t.name(), t.keySerde().serializer().serialize(t.name(), "robot-1")));
    }
}
