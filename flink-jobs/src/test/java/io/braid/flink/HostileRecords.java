package io.braid.flink;

import io.braid.avro.CameraFrame;
import io.braid.avro.FrameEncoding;
import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import io.braid.avro.TextKind;
import io.braid.producers.sim.SimEvent;
import io.braid.serde.ConfluentAvroSerializer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Malformed and absurd records of every kind the job must dead-letter, mixed into a simulator run. */
final class HostileRecords {
    static final List<String> EXPECTED_REASONS = List.of(
            "BAD_MAGIC_BYTE",
            "NULL_PAYLOAD",
            "UNKNOWN_SCHEMA_ID",
            "NON_FINITE",
            "WRONG_SHAPE",
            "ABSURD_TIMESTAMP",
            "OVERSIZED_FRAME",
            "UNDECODABLE_IMAGE",
            "OVERSIZED_TEXT",
            "MISSING_SOURCE_ID",
            "BAD_SAMPLE_RATE",
            "ABSURD_VALUE");

    private final WindowJobOptions o;
    private final SplittableRandom rng = new SplittableRandom(5);
    long sent;

    HostileRecords(WindowJobOptions topics) {
        this.o = topics;
    }

    void after(SimEvent e, KafkaProducer<byte[], byte[]> p, ConfluentAvroSerializer<SpecificRecord> ser) {
        int kind = (int) (sent % 15);
        byte[] key = e.sourceId().getBytes(StandardCharsets.UTF_8);
        long ts = e.kafkaTimestamp();
        Instant now = Instant.ofEpochMilli(ts);
        String topic;
        byte[] value;
        switch (kind) {
            case 0 -> {
                topic = o.sensorTopic;
                value = new byte[1 + rng.nextInt(200)];
                rng.nextBytes(value);
                value[0] = (byte) (1 + rng.nextInt(255));
            }
            case 1 -> {
                topic = o.visionTopic;
                value = null;
            }
            case 2 -> {
                topic = o.textTopic;
                value = new byte[] {0, 0x7f, (byte) 0xff, 0x12, 0x34, 1, 2, 3};
            }
            case 3 -> {
                topic = o.sensorTopic;
                byte[] good = ser.serialize(topic, sensor(e.sourceId(), now, 10, 100, 4, 0.5f));
                value = Arrays.copyOf(good, 9); // header + a few bytes of the body
            }
            case 4 -> {
                topic = o.sensorTopic;
                value = ser.serialize(topic, sensor(e.sourceId(), now, 10, 100, 4, Float.NaN));
            }
            case 5 -> {
                topic = o.sensorTopic;
                SensorChunk c = sensor(e.sourceId(), now, 10, 100, 4, 0.1f);
                c.setNumSamples(11);
                value = ser.serialize(topic, c);
            }
            case 6 -> {
                topic = o.sensorTopic;
                value = ser.serialize(topic, sensor(e.sourceId(), Instant.ofEpochMilli(5), 10, 100, 4, 0.1f));
            }
            case 7 -> {
                topic = o.textTopic;
                // inside the absolute range, but decades away from the record's own timestamp
                value = ser.serialize(
                        topic, text(e.sourceId(), Instant.parse("2090-01-01T00:00:00Z"), "pick the bolt"));
            }
            case 8 -> {
                topic = o.visionTopic;
                value = ser.serialize(
                        topic, frame(e.sourceId(), now, 512, 512, FrameEncoding.RAW_U8, new byte[512 * 512 * 3]));
            }
            case 9 -> {
                topic = o.visionTopic;
                byte[] junk = new byte[300];
                rng.nextBytes(junk);
                junk[0] = (byte) 0x89; // looks like PNG at first glance
                value = ser.serialize(topic, frame(e.sourceId(), now, 32, 32, FrameEncoding.PNG, junk));
            }
            case 10 -> {
                topic = o.textTopic;
                value = ser.serialize(topic, text(e.sourceId(), now, "bolt ".repeat(2000)));
            }
            case 11 -> {
                topic = o.textTopic;
                value = ser.serialize(topic, text("", now, "pick the bolt"));
            }
            case 12 -> {
                topic = o.sensorTopic;
                value = ser.serialize(topic, sensor(e.sourceId(), now, 10, -100, 4, 0.1f));
            }
            case 13 -> {
                topic = o.sensorTopic;
                value = ser.serialize(topic, sensor(e.sourceId(), now, 10, 100, 4, 3e30f));
            }
            default -> {
                topic = o.visionTopic;
                value = ser.serialize(topic, frame(e.sourceId(), now, 32, 32, FrameEncoding.RAW_U8, new byte[100]));
            }
        }
        p.send(new ProducerRecord<>(topic, null, ts, key, value));
        sent++;
    }

    static SensorChunk sensor(String src, Instant t, int n, double rate, int channels, float fill) {
        List<Float> v = new ArrayList<>();
        for (int i = 0; i < n * channels; i++) v.add(fill);
        List<String> names = new ArrayList<>();
        for (int c = 0; c < channels; c++) names.add("ch" + c);
        return new SensorChunk(src, 1_000_000L, t, rate, names, n, v);
    }

    static TextEvent text(String src, Instant t, String s) {
        return new TextEvent(src, 1_000_000L, t, TextKind.LOG, s);
    }

    static CameraFrame frame(String src, Instant t, int w, int h, FrameEncoding enc, byte[] data) {
        return new CameraFrame(src, 1_000_000L, t, w, h, 3, enc, ByteBuffer.wrap(data), null);
    }
}
