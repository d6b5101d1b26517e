package io.braid.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.MultimodalWindow;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.cli.BraidCli;
import io.braid.flink.JobCounters;
import io.braid.flink.KafkaConnection;
import io.braid.flink.LocalWindowJob;
import io.braid.flink.MultimodalWindowJob;
import io.braid.flink.WindowJobOptions;
import io.braid.flink.kafka.KafkaIO;
import io.braid.producers.bag.Mcap;
import io.braid.producers.bag.TestBags;
import io.braid.producers.ros.CdrEncoding;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.serde.ConfluentAvroDeserializer;
import io.braid.serde.SerdeConfig;
import io.braid.text.Tokenizer;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * ROS 2 bags written by the test MCAP writer (Image rgb8 and mono8, CompressedImage png and jpeg, Imu, String; chunks
 * none, zstd and lz4, each in another CDR representation) imported with {@code braid import} into the in-JVM broker
 * and run through the window job (bounded, on a MiniCluster in this JVM): the windows carry the original pixels, samples
 * and lines.
 *
 * <p>The job runs with 100 ms tumbling windows of 10 sensor steps: the resampling grid (window start + k x 10 ms) lies
 * exactly on the 100 Hz Imu stamps, so a grid point with a sample copies it (the resampler's {@code dr == 0} case) and
 * the values are compared exactly; the steps inside the bag's 200 ms gap and after its end must be flagged as gaps.
 * Imu maps to its default 6 channels and the job runs with {@code --sensor-channels 6} and identity standardisation.
 * The frames (8x6) are decoded by the job; the window k of a camera carries frame k (the latest before the window end),
 * compared with the original pixels: rgb8 as written, mono8 replicated into R, G and B (the mapping's default 3
 * channels), PNG and JPEG as ImageIO decodes the original bytes.
 */
@ExtendWith(KafkaBrokerExtension.class)
class BagThroughFlinkIT {
    static final int FRAMES = 4, SAMPLES = 60;
    static final long T0_MS = TestBags.T0 / 1_000_000;
    static final String PREFIX = "it-bagflink.";

    @Test
    @Timeout(60)
    void bagsThroughTheJobGiveWindowsWithTheOriginalFramesSamplesAndLines(KafkaBroker broker, @TempDir Path dir)
            throws Exception {
        String bs = broker.bootstrapServers();
        Map<Mcap.Compression, CdrEncoding> encodings = Map.of(
                Mcap.Compression.NONE, CdrEncoding.CDR_LE,
                Mcap.Compression.ZSTD, CdrEncoding.CDR_BE,
                Mcap.Compression.LZ4, CdrEncoding.CDR2_LE);
        String sensor = PREFIX + TopicCatalog.SENSOR,
                vision = PREFIX + TopicCatalog.VISION,
                text = PREFIX + TopicCatalog.TEXT;
        String windows = PREFIX + "mm.windows";
        createTopics(
                bs,
                List.of(sensor, vision, text),
                List.of(windows, PREFIX + "mm.train", PREFIX + "mm.late", PREFIX + "mm.dlq"));

        Map<String, TestBags.Written> originals = new TreeMap<>();
        try (EmbeddedRegistryServer registry = new EmbeddedRegistryServer(0).start()) {
            for (Mcap.Compression c : Mcap.Compression.values()) {
                String source = "bag-" + c.name().toLowerCase();
                Path bag = dir.resolve(source + ".mcap");
                originals.put(source, TestBags.write(bag, c, encodings.get(c), FRAMES, SAMPLES));
                Path map = dir.resolve(source + ".yaml");
                Files.writeString(
                        map,
                        String.join(
                                        "\n",
                                        "time: header",
                                        "topics:",
                                        "  /cam/mono: {modality: vision, source_id: SRC-mono}",
                                        "  /cam/png: {modality: vision, source_id: SRC-png}",
                                        "  /cam/jpeg: {modality: vision, source_id: SRC-jpeg}",
                                        "  /chatter: {modality: text, field: data, kind: instruction}",
                                        "")
                                .replace("SRC", source));
                String out = run(
                        "import",
                        "--bag",
                        bag.toString(),
                        "--map",
                        map.toString(),
                        "--source-id",
                        source,
                        "--bootstrap-servers",
                        bs,
                        "--schema-registry-url",
                        registry.url(),
                        "--topic-prefix",
                        PREFIX,
                        "--progress-every",
                        "0");
                assertTrue(out.contains("0 dead letters"), out);
            }

            // the job as MultimodalWindowJobIT runs it: bounded, on a MiniCluster in this JVM
            WindowJobOptions o = new WindowJobOptions();
            o.bounded = true;
            o.parallelism = 1;
            o.checkpointIntervalMs = 500;
            o.checkpointDir = LocalWindowJob.tempCheckpointDir();
            o.transactionalIdPrefix = "tx-it-bagflink";
            o.groupId = "g-it-bagflink";
            o.sensorTopic = sensor;
            o.visionTopic = vision;
            o.textTopic = text;
            o.windowsTopic = windows;
            o.trainTopic = PREFIX + "mm.train";
            o.lateTopic = PREFIX + "mm.late";
            o.dlqTopic = PREFIX + "mm.dlq";
            o.windowSizeMs = 100;
            o.hopMs = 100;
            o.sensorSteps = 10;
            o.sensorChannels = 6; // Imu's default mapping: accel_x..z, gyro_x..z
            o.sensorStats = "identity";
            o.imageWidth = 8;
            o.imageHeight = 6;
            o.imageChannels = 3;
            o.maxRecordTimeSkewMs = 0;
            o.validate();
            KafkaConnection conn = new KafkaConnection(bs, registry.url());
            StreamExecutionEnvironment env = LocalWindowJob.localEnvironment(o.parallelism);
            MultimodalWindowJob.configure(env, o);
            MultimodalWindowJob.build(env, KafkaIO.inputs(conn, o), o).sinkTo(KafkaIO.sinks(conn, o));
            JobCounters counters =
                    JobCounters.from(env.execute("bag-through-flink").getAllAccumulatorResults());
            assertEquals(0, counters.dlqRecords(), counters.toString());
            assertEquals(0, counters.lateEvents(), counters.toString());

            Map<String, Object> serde =
                    Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url(), SerdeConfig.SPECIFIC_AVRO_READER, "true");
            Map<String, List<MultimodalWindow>> bySource = new TreeMap<>();
            try (var d = new ConfluentAvroDeserializer<>(MultimodalWindow.class, serde)) {
                for (ConsumerRecord<byte[], byte[]> r : readCommitted(bs, windows)) {
                    MultimodalWindow w = d.deserialize(r.topic(), r.value());
                    bySource.computeIfAbsent(w.getSourceId(), k -> new ArrayList<>())
                            .add(w);
                }
            }
            assertEquals(originals.size() * 4, bySource.size(), "windows of every source: " + bySource.keySet());
            for (Map.Entry<String, TestBags.Written> e : originals.entrySet()) {
                checkSource(e.getKey(), e.getValue(), bySource);
            }
        }
    }

    static void checkSource(String source, TestBags.Written w, Map<String, List<MultimodalWindow>> bySource)
            throws Exception {
        int px = w.width() * w.height();
        List<byte[]> rgb = w.rgb(), mono = new ArrayList<>(), png = new ArrayList<>(), jpeg = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            byte[] m = new byte[px * 3];
            for (int p = 0; p < px; p++)
                m[3 * p] = m[3 * p + 1] = m[3 * p + 2] = w.mono().get(i)[p];
            mono.add(m);
            png.add(decode(w.png().get(i)));
            jpeg.add(decode(w.jpeg().get(i)));
        }
        checkFrames(bySource.get(source), rgb, w);
        checkFrames(bySource.get(source + "-mono"), mono, w);
        checkFrames(bySource.get(source + "-png"), png, w);
        checkFrames(bySource.get(source + "-jpeg"), jpeg, w);

        // sensor: every grid point on an original stamp holds that sample; every other grid point is a gap
        Map<Long, Integer> sampleAt = new HashMap<>();
        for (int i = 0; i < SAMPLES; i++) sampleAt.put(w.imuStamps().get(i) / 1_000_000, i);
        TreeSet<Integer> seen = new TreeSet<>();
        Tokenizer tok = Tokenizer.defaultTokenizer();
        for (MultimodalWindow win : bySource.get(source)) {
            long ws = win.getWindowStart().toEpochMilli();
            assertEquals(0, (ws - T0_MS) % 100, win.getWindowId());
            long k = (ws - T0_MS) / 100;
            if (k < FRAMES) {
                List<Integer> want = new ArrayList<>(tok.tokenize(w.text().get((int) k)));
                while (want.size() < 8) want.add(Tokenizer.PAD);
                assertEquals(want.subList(0, 8), win.getTokens(), win.getWindowId() + " tokens");
            }
            if (!win.getPresence().getSensor()) continue;
            assertEquals(6, win.getSensorChannels());
            assertEquals(10, win.getSensorSteps());
            for (int s = 0; s < 10; s++) {
                Integer i = sampleAt.get(ws + s * 10L);
                assertEquals(i == null, win.getSensorGaps().get(s), win.getWindowId() + " step " + s);
                if (i == null) continue;
                seen.add(i);
                for (int ch = 0; ch < 6; ch++) {
                    assertEquals(
                            (float) w.imu().get(i)[ch],
                            win.getSensor().get(s * 6 + ch),
                            0f,
                            win.getWindowId() + " step " + s + " channel " + ch);
                }
            }
        }
        assertEquals(SAMPLES, seen.size(), source + ": every sample reached a window");
    }

    /** Window k of a camera carries frame k; every frame a window carries equals the original's pixels. */
    static void checkFrames(List<MultimodalWindow> ws, List<byte[]> want, TestBags.Written w) {
        assertTrue(ws != null && !ws.isEmpty());
        TreeSet<Long> frames = new TreeSet<>();
        for (MultimodalWindow win : ws) {
            if (!win.getPresence().getVision()) continue;
            long t = win.getImageTime().toEpochMilli() - T0_MS;
            assertEquals(0, t % 100, win.getWindowId());
            int idx = (int) (t / 100);
            long k = (win.getWindowStart().toEpochMilli() - T0_MS) / 100;
            if (k < FRAMES) assertEquals(k, idx, win.getWindowId() + " carries the frame of its own range");
            assertEquals(w.width(), win.getImageWidth());
            assertEquals(w.height(), win.getImageHeight());
            assertEquals(3, win.getImageChannels());
            assertArrayEquals(want.get(idx), bytes(win.getImage()), win.getWindowId() + " pixels");
            frames.add((long) idx);
        }
        assertEquals(FRAMES, frames.size(), "every frame reached a window");
        assertFalse(ws.get(0).getSourceId().isEmpty());
    }

    static byte[] decode(byte[] encoded) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(encoded));
        byte[] out = new byte[img.getWidth() * img.getHeight() * 3];
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y), o = (y * img.getWidth() + x) * 3;
                out[o] = (byte) (p >> 16);
                out[o + 1] = (byte) (p >> 8);
                out[o + 2] = (byte) p;
            }
        }
        return out;
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    static String run(String... args) {
        CommandLine cli = BraidCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        int code = cli.execute(args);
        assertEquals(0, code, args[0] + ": " + out);
        return out.toString();
    }

    /** Inputs keep their 2023 timestamps forever (the broker's 7-day retention would delete them). */
    static void createTopics(String bs, List<String> inputs, List<String> outputs) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bs);
        try (Admin admin = Admin.create(p)) {
            List<TopicSpec> specs = new ArrayList<>();
            for (String t : inputs) specs.add(new TopicSpec(t, 1, (short) 1, Map.of("retention.ms", "-1")));
            for (String t : outputs) specs.add(new TopicSpec(t, 1, (short) 1, Map.of()));
            TopicCatalog.ensure(admin, specs);
        }
    }

    static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bs, String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bs);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                if (parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) break;
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
