package io.braid.topics;

import io.braid.serde.BraidSerdes;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A topic with its contract: the name, the key type (the source id, so one source stays in order on one partition)
 * and the Avro value record. Components get their serdes here instead of wiring them by hand.
 */
public record Topic<K, V extends SpecificRecord>(String name, Serde<K> keySerde, Class<V> valueType) {

    /** A topic keyed by source id. */
    public static <V extends SpecificRecord> Topic<String, V> bySource(String name, Class<V> valueType) {
        return new Topic<>(name, Serdes.String(), valueType);
    }

    /** The Confluent wire-format value serde over the registry named in {@code serdeConfig}. */
    public Serde<V> valueSerde(Map<String, ?> serdeConfig) {
        return BraidSerdes.specific(valueType, serdeConfig, false);
    }

    /** The same contract under another name (replay namespaces, test prefixes). */
    public Topic<K, V> renamed(String newName) {
        return new Topic<>(newName, keySerde, valueType);
    }
}
