package io.braid.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.SensorChunk;
import io.braid.serde.ConfluentAvroDeserializer;
import io.braid.serde.ConfluentAvroSerializer;
import io.braid.serde.SerdeConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.MockSchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaMetadata;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import org.apache.flink.avro.shaded.org.apache.avro.Schema;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumReader;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumWriter;
import org.apache.flink.avro.shaded.org.apache.avro.io.BinaryEncoder;
import org.apache.flink.avro.shaded.org.apache.avro.io.DecoderFactory;
import org.apache.flink.avro.shaded.org.apache.avro.io.EncoderFactory;
import org.apache.flink.formats.avro.registry.confluent.ConfluentSchemaRegistryCoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Confluent's own client code (kafka-schema-registry-client 7.5.3 and Flink's Confluent coder, relocated inside
 * flink-sql-avro-confluent-registry, test scope only) against our embedded server and our serdes.
 */
@Timeout(60)
class ConfluentClientConformanceTest {
    private EmbeddedRegistryServer server;
    private CachedSchemaRegistryClient confluent;

    @BeforeEach
    void start() {
        server = new EmbeddedRegistryServer(0).withBasicAuth("u:p").start();
        confluent = new CachedSchemaRegistryClient(
                server.url(), 100, Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "u:p"));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private Map<String, Object> ourConfig() {
        return Map.of(
                SerdeConfig.SCHEMA_REGISTRY_URL, server.url(),
                SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                SerdeConfig.BASIC_AUTH_USER_INFO, "u:p");
    }

    @Test
    void confluentClientRegistersLooksUpAndChecksCompatibility() throws Exception {
        AvroSchema v1 = new AvroSchema(InMemorySchemaRegistryTest.V1);
        AvroSchema v2 = new AvroSchema(InMemorySchemaRegistryTest.V2);
        AvroSchema bad = new AvroSchema(InMemorySchemaRegistryTest.BAD);
        assertEquals(1, confluent.register("orders-value", v1));
        assertEquals(2, confluent.register("orders-value", v2));
        assertEquals(1, confluent.register("copy-value", v1), "same schema, same id across subjects");
        SchemaMetadata latest = confluent.getLatestSchemaMetadata("orders-value");
        assertEquals(2, latest.getVersion());
        assertEquals(2, latest.getId());
        assertEquals(1, confluent.getId("orders-value", v1));
        assertEquals(
                new AvroSchema(InMemorySchemaRegistryTest.V1).canonicalString(),
                confluent.getSchemaById(1).canonicalString());
        assertTrue(confluent.testCompatibility("orders-value", new AvroSchema(InMemorySchemaRegistryTest.V3)));
        assertFalse(confluent.testCompatibility("orders-value", bad));
        RestClientException e = assertThrows(RestClientException.class, () -> confluent.register("orders-value", bad));
        assertEquals(409, e.getStatus());
        RestClientException missing = assertThrows(RestClientException.class, () -> confluent.getSchemaById(4711));
        assertEquals(40403, missing.getErrorCode());
        assertEquals(List.of("copy-value", "orders-value"), List.copyOf(confluent.getAllSubjects()));
        confluent.updateCompatibility("orders-value", "FULL");
        assertEquals("FULL", confluent.getCompatibility("orders-value"));
        assertEquals(CompatibilityLevel.FULL, server.store().getCompatibility("orders-value"));
        assertEquals(List.of(1, 2), confluent.getAllVersions("orders-value"));
    }

    @Test
    void idsMatchConfluentsOwnMockRegistry() throws Exception {
        MockSchemaRegistryClient oracle = new MockSchemaRegistryClient();
        RestSchemaRegistryClient ours = new RestSchemaRegistryClient(server.url(), ourConfig());
        String[][] steps = {
            {"a", InMemorySchemaRegistryTest.V1},
            {"a", InMemorySchemaRegistryTest.V2},
            {"b", InMemorySchemaRegistryTest.V2},
            {"c", InMemorySchemaRegistryTest.BAD},
            {"a", InMemorySchemaRegistryTest.V1}
        };
        for (String[] s : steps) {
            assertEquals(oracle.register(s[0], new AvroSchema(s[1])), ours.register(s[0], s[1]), s[0]);
        }
        for (String subject : List.of("a", "b", "c")) {
            assertEquals(oracle.getAllVersions(subject), ours.versions(subject));
            assertEquals(
                    oracle.getLatestSchemaMetadata(subject).getId(),
                    ours.latest(subject).id());
        }
    }

    @Test
    void bytesFromOurSerializerDecodeWithConfluentsCoderAndBack() throws Exception {
        SensorChunk chunk = io.braid.serde.RandomDatumAccess.sensorChunk(11);
        ConfluentAvroSerializer<SensorChunk> ser = new ConfluentAvroSerializer<>(null, ourConfig(), false);
        byte[] ours = ser.serialize("robot.sensor", chunk);

        ConfluentSchemaRegistryCoder coder = new ConfluentSchemaRegistryCoder("robot.sensor-copy", confluent);
        ByteArrayInputStream in = new ByteArrayInputStream(ours);
        Schema writer = coder.readSchema(in);
        assertEquals(SensorChunk.getClassSchema().toString(), writer.toString());
        Object decoded =
                new GenericDatumReader<>(writer).read(null, DecoderFactory.get().binaryDecoder(in, null));
        assertEquals(
                chunk.getSourceId(),
                ((org.apache.flink.avro.shaded.org.apache.avro.generic.GenericRecord) decoded)
                        .get("source_id")
                        .toString());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        coder.writeSchema(writer, out);
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<Object>(writer).write(decoded, enc);
        enc.flush();
        byte[] theirs = out.toByteArray();
        assertEquals(ours.length, theirs.length);
        assertEquals(0, theirs[0]);
        SensorChunk back = new ConfluentAvroDeserializer<>(SensorChunk.class, ourConfig()).deserialize("x", theirs);
        assertEquals(chunk, back);
        GenericRecord generic =
                new ConfluentAvroDeserializer<>(GenericRecord.class, ourConfig()).deserialize("x", theirs);
        assertEquals(chunk.getNumSamples(), generic.get("num_samples"));
        assertTrue(java.util.Arrays.equals(
                java.util.Arrays.copyOfRange(ours, 5, ours.length),
                java.util.Arrays.copyOfRange(theirs, 5, theirs.length)));
    }
}
