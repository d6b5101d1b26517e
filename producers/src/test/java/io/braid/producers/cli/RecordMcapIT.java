package io.braid.producers.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.CameraFrame;
import io.braid.avro.FrameEncoding;
import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import io.braid.avro.TextKind;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.producers.KafkaClients;
import io.braid.producers.ProduceRunner;
import io.braid.producers.StreamTopics;
import io.braid.producers.bag.TestBags;
import io.braid.producers.record.McapRecorder;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.serde.ConfluentAvroDeserializer;
import io.braid.serde.ConfluentAvroSerializer;
import io.braid.serde.SerdeConfig;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * simulator → broker → {@code record --format mcap} → {@code import --bag --map} into other topics: the same sensor
 * chunks (boundaries, start times, rates, channel names, values, seq), frames (raw RGB from the simulator; raw grey,
 * PNG and JPEG written by hand) and lines (log from the simulator, instructions by hand) come back.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecordMcapIT {
    static final String REGISTRY = "mock://rec-mcap";

    @Test
    void recordedMcapImportsBackToTheSameRecords(KafkaBroker broker, @TempDir Path dir) throws Exception {
        String bs = broker.bootstrapServers();
        List<String> source = StreamTopics.INPUTS.stream().map(t -> "rm." + t).toList();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bs))) {
            List<TopicSpec> specs = new ArrayList<>();
            for (TopicSpec t : StreamTopics.inputSpecs(2, (short) 1)) {
                specs.add(new TopicSpec("rm." + t.name(), 2, (short) 1, t.configs()));
            }
            TopicCatalog.ensure(admin, specs);
        }
        Map<String, Object> props = KafkaClients.producer(bs, null);
        Map<String, Object> serde = new HashMap<>(props);
        serde.put(SerdeConfig.SCHEMA_REGISTRY_URL, REGISTRY);
        long start = System.currentTimeMillis() / 1000 * 1000;
        SimulatorOptions o =
                new SimulatorOptions().robots(2).durationMs(3_000).seed(5).startTimeMs(start);
        try (var producer = new KafkaProducer<byte[], byte[]>(props);
                var ser = new ConfluentAvroSerializer<Object>(null, serde, false)) {
            ProduceRunner.Result r = new ProduceRunner(o, producer, ser, false, 0, null)
                    .topics(s -> "rm." + StreamTopics.of(s))
                    .run();
            assertEquals(0, r.errors(), r.firstError());
            // frames and lines the simulator does not make: grey raw, PNG, JPEG, instructions
            BufferedImage img = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) img.setRGB(x, y, (x * 53 + y * 97) * 7919);
            byte[] grey = new byte[5 * 4];
            for (int i = 0; i < grey.length; i++) grey[i] = (byte) (i * 13);
            for (int i = 0; i < 3; i++) {
                Instant t = Instant.ofEpochMilli(start + 100 * i);
                send(
                        producer,
                        ser,
                        "rm." + TopicCatalog.VISION,
                        "cam-9",
                        new CameraFrame(
                                "cam-9", 3L * i, t, 5, 4, 1, FrameEncoding.RAW_U8, ByteBuffer.wrap(grey), null));
                send(
                        producer,
                        ser,
                        "rm." + TopicCatalog.VISION,
                        "cam-9",
                        new CameraFrame(
                                "cam-9",
                                3L * i + 1,
                                t.plusMillis(1),
                                5,
                                4,
                                3,
                                FrameEncoding.PNG,
                                ByteBuffer.wrap(TestBags.encodeImage(img, "png")),
                                null));
                send(
                        producer,
                        ser,
                        "rm." + TopicCatalog.VISION,
                        "cam-9",
                        new CameraFrame(
                                "cam-9",
                                3L * i + 2,
                                t.plusMillis(2),
                                5,
                                4,
                                3,
                                FrameEncoding.JPEG,
                                ByteBuffer.wrap(TestBags.encodeImage(img, "jpeg")),
                                null));
                send(
                        producer,
                        ser,
                        "rm." + TopicCatalog.TEXT,
                        "cam-9",
                        new TextEvent("cam-9", (long) i, t, TextKind.INSTRUCTION, "pick the red block " + i));
            }
            producer.flush();
        }

        Path bag = dir.resolve("run.mcap");
        StringWriter rec = new StringWriter();
        CommandLine record = new CommandLine(new RecordCommand()).setCaseInsensitiveEnumValuesAllowed(true);
        record.setOut(new PrintWriter(rec));
        int code = record.execute(
                "--bootstrap-servers",
                bs,
                "--schema-registry-url",
                REGISTRY,
                "--topics",
                String.join(",", source),
                "--format",
                "mcap",
                "--output",
                bag.toString());
        assertEquals(0, code, rec.toString());
        Path map = McapRecorder.mappingFile(bag);
        assertTrue(Files.exists(map), rec.toString());
        assertTrue(rec.toString().contains("/braid/cam_9/image_mono"), rec.toString());

        StringWriter imp = new StringWriter();
        CommandLine importer = new CommandLine(new ImportCommand());
        importer.setOut(new PrintWriter(imp));
        code = importer.execute(
                "--bag",
                bag.toString(),
                "--map",
                map.toString(),
                "--bootstrap-servers",
                bs,
                "--schema-registry-url",
                REGISTRY,
                "--topic-prefix",
                "rm-back.",
                "--partitions",
                "1",
                "--progress-every",
                "0");
        assertEquals(0, code, imp.toString());
        assertTrue(imp.toString().contains("0 dead letters"), imp.toString());

        Map<String, Object> cfg = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, REGISTRY);
        Map<String, List<SensorChunk>> s0 = read(bs, "rm." + TopicCatalog.SENSOR, SensorChunk.class, cfg),
                s1 = read(bs, "rm-back." + TopicCatalog.SENSOR, SensorChunk.class, cfg);
        assertEquals(s0.keySet(), s1.keySet());
        int chunks = 0;
        for (String k : s0.keySet()) {
            List<SensorChunk> a = s0.get(k), b = s1.get(k);
            assertEquals(a.size(), b.size(), k);
            for (int i = 0; i < a.size(); i++, chunks++) {
                SensorChunk x = a.get(i), y = b.get(i);
                assertEquals(x.getSampleRateHz(), y.getSampleRateHz(), 1e-9 * x.getSampleRateHz(), k);
                y.setSampleRateHz(x.getSampleRateHz());
                assertEquals(x, y, k + " chunk " + i);
            }
        }
        assertTrue(chunks >= 2 * 30, "chunks: " + chunks);

        Map<String, List<CameraFrame>> v0 = read(bs, "rm." + TopicCatalog.VISION, CameraFrame.class, cfg),
                v1 = read(bs, "rm-back." + TopicCatalog.VISION, CameraFrame.class, cfg);
        assertEquals(v0.keySet(), v1.keySet());
        for (String k : v0.keySet()) {
            List<CameraFrame> a = sortedFrames(v0.get(k)), b = sortedFrames(v1.get(k));
            assertEquals(a.size(), b.size(), k);
            for (int i = 0; i < a.size(); i++) {
                CameraFrame x = a.get(i), y = b.get(i);
                assertEquals(x.getEventTime(), y.getEventTime(), k);
                assertEquals(x.getEncoding(), y.getEncoding(), k);
                assertEquals(x.getWidth(), y.getWidth(), k);
                assertEquals(x.getHeight(), y.getHeight(), k);
                assertEquals(x.getChannels(), y.getChannels(), k);
                assertArrayEquals(bytes(x.getData()), bytes(y.getData()), k + " frame " + i);
            }
        }
        assertEquals(9, v1.get("cam-9").size());

        Map<String, List<TextEvent>> t0 = read(bs, "rm." + TopicCatalog.TEXT, TextEvent.class, cfg),
                t1 = read(bs, "rm-back." + TopicCatalog.TEXT, TextEvent.class, cfg);
        assertEquals(t0, t1);
        assertEquals(3, t1.get("cam-9").size());
    }

    /** The importer numbers frames per source in time order: compare in time order, seq aside. */
    static List<CameraFrame> sortedFrames(List<CameraFrame> fs) {
        List<CameraFrame> s = new ArrayList<>(fs);
        s.sort(java.util.Comparator.comparing(CameraFrame::getEventTime));
        return s;
    }

    static void send(
            KafkaProducer<byte[], byte[]> p, ConfluentAvroSerializer<Object> ser, String topic, String key, Object v) {
        p.send(new ProducerRecord<>(
                topic, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), ser.serialize(topic, v)));
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    /** A topic's records by key, in offset order (one source lives in one partition). */
    static <T> Map<String, List<T>> read(String bs, String topic, Class<T> type, Map<String, Object> cfg) {
        Map<String, List<T>> m = new TreeMap<>();
        try (var d = new ConfluentAvroDeserializer<>(type, cfg)) {
            for (var r : ProduceCommandIT.readAll(bs, topic)) {
                m.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(d.deserialize(r.topic(), r.value()));
            }
        }
        return m;
    }
}
