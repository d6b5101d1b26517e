package io.braid.serde;

import io.braid.registry.RegistryClients;
import io.braid.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Ready-made Kafka {@link Serde}s (Streams, tests) over one shared registry client. */
public final class BraidSerdes {
    private BraidSerdes() {}

    /** Serde for a generated class, configured with Confluent keys ({@link SerdeConfig}); ready to use. */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, Map<String, ?> config, boolean isKey) {
        SchemaRegistryClient client = RegistryClients.create(config);
        ConfluentAvroSerializer<T> ser = new ConfluentAvroSerializer<>(client, config, isKey);
        ConfluentAvroDeserializer<T> de = new ConfluentAvroDeserializer<>(type, client);
        de.configure(config, isKey);
        return Serdes.serdeFrom(ser, de);
    }

    /** Serde for generic records (decoded with the writer schema). */
    public static Serde<GenericRecord> generic(Map<String, ?> config, boolean isKey) {
        SchemaRegistryClient client = RegistryClients.create(config);
        ConfluentAvroSerializer<GenericRecord> ser = new ConfluentAvroSerializer<>(client, config, isKey);
        ConfluentAvroDeserializer<GenericRecord> de = new ConfluentAvroDeserializer<>(GenericRecord.class, client);
        de.configure(config, isKey);
        return Serdes.serdeFrom(ser, de);
    }
}
