package io.braid.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import io.braid.registry.InMemorySchemaRegistry;
import io.braid.registry.RegistryClients;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.PrimitivesArrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.ResolvingDecoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ConfluentAvroSerdeTest {
    private final String scope = "serde-" + UUID.randomUUID();
    private final String url = "mock://" + scope;

    @AfterEach
    void drop() {
        RegistryClients.dropMockScope(scope);
    }

    private Map<String, Object> config(Object... kv) {
        Map<String, Object> c = new HashMap<>();
        c.put(SerdeConfig.SCHEMA_REGISTRY_URL, url);
        for (int i = 0; i < kv.length; i += 2) c.put((String) kv[i], kv[i + 1]);
        return c;
    }

    private <T> ConfluentAvroSerializer<T> serializer(Object... kv) {
        ConfluentAvroSerializer<T> s = new ConfluentAvroSerializer<>();
        s.configure(config(kv), false);
        return s;
    }

    private static int idOf(byte[] b) {
        return ByteBuffer.wrap(b, 1, 4).getInt();
    }

    @Test
    void everyContractRoundTripsSpecificAndGeneric() {
        ConfluentAvroSerializer<Object> ser = serializer();
        for (Class<? extends SpecificRecord> type : RandomDatum.CONTRACTS) {
            for (long seed = 0; seed < 5; seed++) {
                SpecificRecord specific = RandomDatum.specific(type, seed);
                String topic = "t." + type.getSimpleName();
                byte[] fromSpecific = ser.serialize(topic, specific);
                byte[] fromGeneric = ser.serialize(topic + "2", RandomDatum.generic(type, seed));
                assertEquals(0, fromSpecific[0]);
                assertEquals(idOf(fromSpecific), idOf(fromGeneric), "same schema, same id across subjects");
                assertEquals(
                        specific,
                        new ConfluentAvroDeserializer<>(type, url).deserialize("t", fromGeneric),
                        "generic and specific writes decode alike");

                Object typed = new ConfluentAvroDeserializer<>(type, url).deserialize("t", fromSpecific);
                assertEquals(specific, typed, type.getSimpleName());
                Object viaFlag = new ConfluentAvroDeserializer<>(null, config(SerdeConfig.SPECIFIC_AVRO_READER, "true"))
                        .deserialize("t", fromSpecific);
                assertEquals(specific, viaFlag);
                GenericRecord generic =
                        (GenericRecord) new ConfluentAvroDeserializer<>(null, url).deserialize("t", fromGeneric);
                Object again = new ConfluentAvroDeserializer<>(type, url)
                        .deserialize("t", ser.serialize(topic + "2", generic));
                assertEquals(specific, again);
            }
        }
        assertEquals(
                RandomDatum.CONTRACTS.size() * 2,
                RegistryClients.mockScope(scope).subjects().size());
    }

    @Test
    void goldenBytesOfNotesRegistry43() {
        Schema filler = SchemaBuilder.record("Filler").fields().requiredInt("x").endRecord();
        Schema order = SchemaBuilder.record("Order")
                .fields()
                .requiredString("id")
                .requiredLong("amount")
                .optionalString("note")
                .endRecord();
        RegistryClients.mockScope(scope).register("filler", filler);
        GenericRecord r = new GenericData.Record(order);
        r.put("id", "o-1");
        r.put("amount", 42L);
        r.put("note", "hi");
        byte[] bytes = serializer().serialize("orders", r);
        assertEquals("0000000002066f2d315402046869", HexFormat.of().formatHex(bytes));
    }

    @Test
    void subjectNameStrategiesAcceptSimpleAndConfluentNames() {
        TextEvent e = RandomDatum.specific(TextEvent.class, 1);
        InMemorySchemaRegistry reg = RegistryClients.mockScope(scope);
        serializer(SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "RecordNameStrategy")
                .serialize("a", e);
        serializer(
                        SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                        "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy")
                .serialize("a", e);
        serializer().serialize("a", e);
        ConfluentAvroSerializer<Object> keySer = new ConfluentAvroSerializer<>();
        keySer.configure(config(SerdeConfig.KEY_SUBJECT_NAME_STRATEGY, SubjectNameStrategy.TOPIC), true);
        keySer.serialize("a", "robot-1");
        assertEquals(
                List.of("a-io.braid.avro.TextEvent", "a-key", "a-value", "io.braid.avro.TextEvent"), reg.subjects());
        assertEquals(
                3,
                reg.subjects().stream()
                        .map(s -> reg.latest(s).id())
                        .filter(i -> i == 1)
                        .count());
    }

    @Test
    void autoRegisterOffLooksUpAndRefusesUnregistered() {
        SensorChunk c = RandomDatum.specific(SensorChunk.class, 3);
        ConfluentAvroSerializer<Object> strict = serializer(SerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        WireFormatException e = assertThrows(WireFormatException.class, () -> strict.serialize("s", c));
        assertEquals(WireFormatException.Reason.UNKNOWN_SCHEMA_ID, e.reason());
        assertTrue(e.getMessage().contains("not registered under subject s-value"), e.getMessage());
        int id = RegistryClients.mockScope(scope).register("s-value", c.getSchema());
        ConfluentAvroSerializer<Object> strict2 = serializer(SerdeConfig.AUTO_REGISTER_SCHEMAS, "false");
        assertEquals(id, idOf(strict2.serialize("s", c)));
    }

    @Test
    void useLatestVersionWritesWithTheNewestSchema() {
        Schema v1 = SchemaBuilder.record("Ev").fields().requiredString("a").endRecord();
        Schema v2 = SchemaBuilder.record("Ev")
                .fields()
                .requiredString("a")
                .name("b")
                .type()
                .intType()
                .intDefault(7)
                .endRecord();
        InMemorySchemaRegistry reg = RegistryClients.mockScope(scope);
        reg.register("ev-value", v1);
        int id2 = reg.register("ev-value", v2);
        GenericRecord old = new GenericData.Record(v1);
        old.put("a", "x");
        byte[] b = serializer(SerdeConfig.USE_LATEST_VERSION, true, SerdeConfig.AUTO_REGISTER_SCHEMAS, false)
                .serialize("ev", old);
        assertEquals(id2, idOf(b));
        GenericRecord back = (GenericRecord) new ConfluentAvroDeserializer<>(null, url).deserialize("ev", b);
        assertEquals("x", back.get("a").toString());
        assertEquals(7, back.get("b"));
    }

    @Test
    void incompatibleSchemaIsRefusedBySerializerWith409() {
        Schema v1 = SchemaBuilder.record("Ev").fields().requiredString("a").endRecord();
        Schema bad = SchemaBuilder.record("Ev").fields().requiredInt("a").endRecord();
        ConfluentAvroSerializer<Object> ser = serializer();
        GenericRecord r1 = new GenericData.Record(v1);
        r1.put("a", "x");
        ser.serialize("ev", r1);
        GenericRecord r2 = new GenericData.Record(bad);
        r2.put("a", 1);
        WireFormatException e = assertThrows(WireFormatException.class, () -> ser.serialize("ev", r2));
        assertEquals(WireFormatException.Reason.INCOMPATIBLE_SCHEMA, e.reason());
        assertTrue(e.getMessage().contains("answered 409"), e.getMessage());
    }

    @Test
    void badInputIsRefusedWithReasons() {
        ConfluentAvroDeserializer<SensorChunk> de = new ConfluentAvroDeserializer<>(SensorChunk.class, url);
        byte[] good = serializer().serialize("s", RandomDatum.specific(SensorChunk.class, 9));

        WireFormatException e = assertThrows(WireFormatException.class, () -> de.deserialize("s", null));
        assertEquals(WireFormatException.Reason.NULL_PAYLOAD, e.reason());

        byte[] magic = good.clone();
        magic[0] = 1;
        e = assertThrows(WireFormatException.class, () -> de.deserialize("s", magic));
        assertEquals(WireFormatException.Reason.BAD_MAGIC_BYTE, e.reason());
        assertTrue(e.getMessage().contains("0x01"), e.getMessage());

        e = assertThrows(WireFormatException.class, () -> de.deserialize("s", new byte[] {0, 0, 1}));
        assertEquals(WireFormatException.Reason.TRUNCATED_PAYLOAD, e.reason());
        e = assertThrows(WireFormatException.class, () -> de.deserialize("s", new byte[0]));
        assertEquals(WireFormatException.Reason.TRUNCATED_PAYLOAD, e.reason());

        byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
        e = assertThrows(WireFormatException.class, () -> de.deserialize("s", cut));
        assertEquals(WireFormatException.Reason.UNREADABLE_PAYLOAD, e.reason());

        byte[] unknown = good.clone();
        ByteBuffer.wrap(unknown).putInt(1, 4711);
        e = assertThrows(WireFormatException.class, () -> de.deserialize("s", unknown));
        assertEquals(WireFormatException.Reason.UNKNOWN_SCHEMA_ID, e.reason());
        assertTrue(e.getMessage().startsWith("unknown schema id 4711 (registry mock://"), e.getMessage());
        assertTrue(e.getMessage().endsWith("answered 40403)"), e.getMessage());

        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 2);
        e = assertThrows(WireFormatException.class, () -> de.deserialize("s", trailing));
        assertEquals(WireFormatException.Reason.UNREADABLE_PAYLOAD, e.reason());

        byte[] text = serializer().serialize("x", RandomDatum.specific(TextEvent.class, 1));
        e = assertThrows(WireFormatException.class, () -> de.deserialize("s", text));
        assertEquals(WireFormatException.Reason.INCOMPATIBLE_SCHEMA, e.reason());

        ConfluentAvroDeserializer<SensorChunk> tomb =
                new ConfluentAvroDeserializer<>(SensorChunk.class, config(SerdeConfig.NULL_AS_TOMBSTONE, "true"));
        assertNull(tomb.deserialize("s", null));
        assertInstanceOf(SensorChunk.class, de.deserialize("s", good));
    }

    @Test
    void hostileBytesOnlyEverRaiseWireFormatException() {
        ConfluentAvroSerializer<Object> ser = serializer();
        List<byte[]> seeds = RandomDatum.CONTRACTS.stream()
                .map(t -> ser.serialize("h." + t.getSimpleName(), RandomDatum.generic(t, 42)))
                .toList();
        ConfluentAvroDeserializer<Object> generic = new ConfluentAvroDeserializer<>(null, url);
        Random r = new Random(7);
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b;
            switch (i % 4) {
                case 0 -> {
                    b = new byte[r.nextInt(64)];
                    r.nextBytes(b);
                }
                case 1 -> {
                    byte[] s = seeds.get(r.nextInt(seeds.size()));
                    b = new byte[5 + r.nextInt(200)];
                    r.nextBytes(b);
                    System.arraycopy(s, 0, b, 0, 5);
                }
                default -> {
                    b = seeds.get(r.nextInt(seeds.size())).clone();
                    int flips = 1 + r.nextInt(4);
                    for (int k = 0; k < flips; k++) b[5 + r.nextInt(b.length - 5)] = (byte) r.nextInt();
                    if (r.nextBoolean()) b = java.util.Arrays.copyOf(b, 5 + r.nextInt(b.length - 4));
                }
            }
            try {
                generic.deserialize("h", b);
            } catch (WireFormatException expected) {
                refused++;
            }
        }
        assertTrue(refused > 10_000, "refused " + refused);
    }

    @Test
    void deserializerSurvivesJavaSerializationAndSerdeWorks() throws Exception {
        SensorChunk c = RandomDatum.specific(SensorChunk.class, 5);
        Serde<SensorChunk> serde = BraidSerdes.specific(SensorChunk.class, config(), false);
        byte[] b = serde.serializer().serialize("s", c);
        assertEquals(c, serde.deserializer().deserialize("s", b));

        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(new ConfluentAvroDeserializer<>(SensorChunk.class, url));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
            @SuppressWarnings("unchecked")
            ConfluentAvroDeserializer<SensorChunk> copy = (ConfluentAvroDeserializer<SensorChunk>) in.readObject();
            assertEquals(c, copy.deserialize("s", b));
        }
    }

    @Test
    void floatArraysDecodeIntoPrimitiveArraysAcrossBlocksPromotionAndHostileCounts() throws Exception {
        Schema floats = SchemaBuilder.array().items().floatType();
        // two blocks (2 + 1 items), the second in the sized form (negative count, then its byte size)
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(bytes, null);
        e.writeLong(2);
        e.writeFloat(1.5f);
        e.writeFloat(-0f);
        e.writeLong(-1);
        e.writeLong(4);
        e.writeFloat(Float.NaN);
        e.writeLong(0);
        Object read =
                ConfluentAvroDeserializer.readFloats(null, floats, resolving(floats, floats, bytes.toByteArray()));
        PrimitivesArrays.FloatArray a = assertInstanceOf(PrimitivesArrays.FloatArray.class, read);
        assertEquals(3, a.size());
        assertEquals(1.5f, a.getFloat(0));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(a.getFloat(1)));
        assertTrue(Float.isNaN(a.getFloat(2)));

        // schema resolution still applies: int written, float read
        Schema ints = SchemaBuilder.array().items().intType();
        bytes.reset();
        e.writeLong(2);
        e.writeInt(7);
        e.writeInt(-3);
        e.writeLong(0);
        PrimitivesArrays.FloatArray promoted = (PrimitivesArrays.FloatArray)
                ConfluentAvroDeserializer.readFloats(null, floats, resolving(ints, floats, bytes.toByteArray()));
        assertEquals(List.of(7f, -3f), promoted);
        assertNull(ConfluentAvroDeserializer.readFloats(null, ints, resolving(ints, ints, bytes.toByteArray())));

        // a block that claims 2^30 items but holds two ends in EOF, not in a 4 GiB allocation
        bytes.reset();
        e.writeLong(1L << 30);
        e.writeFloat(1f);
        e.writeFloat(2f);
        byte[] hostile = bytes.toByteArray();
        assertThrows(
                java.io.EOFException.class,
                () -> ConfluentAvroDeserializer.readFloats(null, floats, resolving(floats, floats, hostile)));
    }

    private static ResolvingDecoder resolving(Schema writer, Schema reader, byte[] b) throws java.io.IOException {
        return DecoderFactory.get()
                .resolvingDecoder(writer, reader, DecoderFactory.get().binaryDecoder(b, null));
    }
}
