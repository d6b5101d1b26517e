package io.braid.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.CameraFrame;
import io.braid.avro.FrameEncoding;
import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import io.braid.flink.decode.InputEvent;
import io.braid.flink.decode.InvalidRecordException;
import io.braid.flink.decode.RecordValidator;
import io.braid.flink.kafka.DecodingSchema;
import io.braid.serde.ConfluentAvroDeserializer;
import io.braid.serde.ConfluentAvroSerializer;
import io.braid.serde.SerdeConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Decoding through the Confluent wire format (mock registry) and every validation rule, as functions. */
class DecodingSchemaTest {
    static final Map<String, Object> CFG =
            Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://decoding-test", SerdeConfig.AUTO_REGISTER_SCHEMAS, "true");
    static final long T = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

    final WindowJobOptions o = new WindowJobOptions();
    final RecordValidator validator = new RecordValidator(o);

    static byte[] bytes(String topic, SpecificRecord r) {
        ConfluentAvroSerializer<SpecificRecord> s = new ConfluentAvroSerializer<>();
        s.configure(CFG, false);
        return s.serialize(topic, r);
    }

    InputEvent decode(String topic, Class<? extends SpecificRecord> type, byte[] value) throws Exception {
        ConsumerRecord<byte[], byte[]> rec = new ConsumerRecord<>(
                topic,
                1,
                42L,
                T,
                TimestampType.CREATE_TIME,
                0,
                value == null ? 0 : value.length,
                "r1".getBytes(),
                value,
                new org.apache.kafka.common.header.internals.RecordHeaders(),
                java.util.Optional.empty());
        return DecodingSchema.decode(rec, new ConfluentAvroDeserializer<>(type, CFG), validator, o);
    }

    static String reason(InputEvent e) {
        assertTrue(e.isDead(), "expected a dead letter, got " + e);
        assertFalse(e.deadLetter.getError().isBlank());
        return e.deadLetter.getReason();
    }

    @Test
    void validRecordsOfEachModalityDecode() throws Exception {
        InputEvent s = decode(
                "robot.sensor",
                SensorChunk.class,
                bytes("robot.sensor", HostileRecords.sensor("r1", Instant.ofEpochMilli(T), 10, 100, 4, 0.5f)));
        assertFalse(s.isDead());
        assertEquals(T + 100, s.endTime);
        assertEquals(42L, s.offset);
        assertEquals(1, s.partition);

        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 2, 0x102030);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        InputEvent f = decode(
                "robot.vision",
                CameraFrame.class,
                bytes(
                        "robot.vision",
                        HostileRecords.frame(
                                "r1", Instant.ofEpochMilli(T), 32, 32, FrameEncoding.PNG, png.toByteArray())));
        assertFalse(f.isDead());
        int i = (2 * 32 + 3) * 3;
        assertArrayEquals(new byte[] {0x10, 0x20, 0x30}, Arrays.copyOfRange(f.image, i, i + 3));

        InputEvent t = decode(
                "robot.text",
                TextEvent.class,
                bytes("robot.text", HostileRecords.text("r1", Instant.ofEpochMilli(T), "Grab the COG, please!")));
        assertArrayEquals(new int[] {12, 23, 6, 28}, t.tokens);
    }

    @Test
    void wireFormatFailuresBecomeDeadLettersWithTheSerdeReason() throws Exception {
        byte[] good = bytes("robot.sensor", HostileRecords.sensor("r1", Instant.ofEpochMilli(T), 10, 100, 4, 0.5f));
        assertEquals("NULL_PAYLOAD", reason(decode("robot.sensor", SensorChunk.class, null)));
        byte[] magic = good.clone();
        magic[0] = 7;
        assertEquals("BAD_MAGIC_BYTE", reason(decode("robot.sensor", SensorChunk.class, magic)));
        byte[] unknown = good.clone();
        unknown[1] = 0x7f;
        assertEquals("UNKNOWN_SCHEMA_ID", reason(decode("robot.sensor", SensorChunk.class, unknown)));
        InputEvent cut = decode("robot.sensor", SensorChunk.class, Arrays.copyOf(good, 3));
        assertEquals("TRUNCATED_PAYLOAD", reason(cut));
        assertEquals(42L, cut.deadLetter.getSourceOffset());
        assertArrayEquals(Arrays.copyOf(good, 3), cut.deadLetter.getValue().array());
    }

    @Test
    void sensorRules() {
        assertReason(
                "NON_FINITE",
                () -> validator.sensor(
                        HostileRecords.sensor("r", Instant.ofEpochMilli(T), 10, 100, 4, Float.POSITIVE_INFINITY)));
        assertReason(
                "ABSURD_VALUE",
                () -> validator.sensor(HostileRecords.sensor("r", Instant.ofEpochMilli(T), 10, 100, 4, 1e9f)));
        assertReason(
                "WRONG_SHAPE",
                () -> validator.sensor(HostileRecords.sensor("r", Instant.ofEpochMilli(T), 10, 100, 3, 0f)));
        assertReason(
                "BAD_SAMPLE_RATE",
                () -> validator.sensor(HostileRecords.sensor("r", Instant.ofEpochMilli(T), 10, 0, 4, 0f)));
        assertReason(
                "NON_FINITE",
                () -> validator.sensor(HostileRecords.sensor("r", Instant.ofEpochMilli(T), 10, Double.NaN, 4, 0f)));
        assertReason(
                "OVERSIZED_CHUNK",
                () -> validator.sensor(HostileRecords.sensor("r", Instant.ofEpochMilli(T), 1000, 100, 4, 0f)));
        assertReason(
                "ABSURD_TIMESTAMP",
                () -> validator.sensor(HostileRecords.sensor("r", Instant.ofEpochMilli(0), 10, 100, 4, 0f)));
        assertReason(
                "MISSING_SOURCE_ID",
                () -> validator.sensor(HostileRecords.sensor(" ", Instant.ofEpochMilli(T), 10, 100, 4, 0f)));
        SensorChunk c = HostileRecords.sensor("r", Instant.ofEpochMilli(T), 10, 100, 4, 0f);
        c.setValues(List.of(1f, 2f));
        assertReason("WRONG_SHAPE", () -> validator.sensor(c));
    }

    @Test
    void frameAndTextRules() {
        Instant t = Instant.ofEpochMilli(T);
        assertReason(
                "OVERSIZED_FRAME",
                () -> validator.frame(
                        HostileRecords.frame("r", t, 64, 64, FrameEncoding.RAW_U8, new byte[64 * 64 * 3])));
        assertReason(
                "WRONG_SHAPE",
                () -> validator.frame(
                        HostileRecords.frame("r", t, 16, 16, FrameEncoding.RAW_U8, new byte[16 * 16 * 3])));
        assertReason(
                "WRONG_SHAPE",
                () -> validator.frame(HostileRecords.frame("r", t, 32, 32, FrameEncoding.RAW_U8, new byte[10])));
        assertReason(
                "UNDECODABLE_IMAGE",
                () -> validator.frame(HostileRecords.frame("r", t, 32, 32, FrameEncoding.PNG, new byte[] {1, 2, 3})));
        CameraFrame remote = HostileRecords.frame("r", t, 32, 32, FrameEncoding.RAW_U8, new byte[0]);
        remote.setUri("s3://bucket/frame");
        assertReason("UNRESOLVED_URI", () -> validator.frame(remote));
        assertReason("OVERSIZED_TEXT", () -> validator.text(HostileRecords.text("r", t, "x".repeat(5000))));
        assertReason(
                "ABSURD_TIMESTAMP",
                () -> validator.text(HostileRecords.text("r", Instant.parse("2150-01-01T00:00:00Z"), "hi")));
    }

    @Test
    void eventTimeFarFromTheRecordTimestampIsAbsurdUnlessDisabled() throws Exception {
        byte[] v = bytes("robot.text", HostileRecords.text("r1", Instant.parse("2090-01-01T00:00:00Z"), "pick"));
        assertEquals("ABSURD_TIMESTAMP", reason(decode("robot.text", TextEvent.class, v)));
        o.maxRecordTimeSkewMs = 0;
        assertFalse(decode("robot.text", TextEvent.class, v).isDead());
    }

    interface Call {
        InputEvent run() throws InvalidRecordException;
    }

    static void assertReason(String reason, Call c) {
        InvalidRecordException e = assertThrows(InvalidRecordException.class, c::run);
        assertEquals(reason, e.reason(), e.getMessage());
        assertNotNull(e.getMessage());
    }
}
