package io.braid.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.DeadLetter;
import io.braid.avro.MultimodalWindow;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.flink.decode.DlqReason;
import io.braid.flink.kafka.KafkaIO;
import io.braid.producers.sim.FleetSimulator;
import io.braid.producers.sim.SimStream;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.topics.DeadLetterBound;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hardened watermarks and dead letters on a MiniCluster against the in-JVM broker: a partition fed only garbage goes
 * idle instead of stalling every window, a robot whose clock runs an hour ahead is refused (CLOCK_AHEAD) instead of
 * pushing the robots it shares a partition with into mm.late, and a 3 MB malformed record ends in mm.dlq truncated
 * (head, size, hash) without failing the job, while everything not emitted is counted with its reason.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatermarksAndDeadLettersIT {
    static final int ROBOTS = 3;
    static final long SECONDS = 12;
    static final long AHEAD_MS = 3_600_000;

    KafkaBroker broker;
    EmbeddedRegistryServer registry;
    KafkaConnection conn;

    @BeforeAll
    void start(KafkaBroker broker) {
        this.broker = broker;
        registry = new EmbeddedRegistryServer(0).start();
        conn = new KafkaConnection(broker.bootstrapServers(), registry.url());
    }

    @AfterAll
    void stop() {
        if (registry != null) registry.close();
    }

    /** The test's topics, with the catalog's size limits (inputs admit 4 MiB, mm.dlq 1 MiB). */
    void createTopics(WindowJobOptions o) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            List<TopicSpec> specs = new ArrayList<>();
            for (String t : List.of(o.sensorTopic, o.visionTopic, o.textTopic)) {
                specs.add(new TopicSpec(
                        t,
                        2,
                        (short) 1,
                        Map.of(
                                "retention.ms",
                                "-1",
                                "max.message.bytes",
                                Integer.toString(TopicCatalog.maxMessageBytes(TopicCatalog.SENSOR)))));
            }
            specs.add(new TopicSpec(TopicCatalog.LABELS, 2, (short) 1, Map.of("retention.ms", "-1")));
            for (String t : List.of(o.windowsTopic, o.trainTopic, o.lateTopic)) {
                specs.add(new TopicSpec(t, 2, (short) 1, Map.of()));
            }
            specs.add(new TopicSpec(
                    o.dlqTopic,
                    1,
                    (short) 1,
                    Map.of("max.message.bytes", Integer.toString(TopicCatalog.maxMessageBytes(TopicCatalog.DLQ)))));
            TopicCatalog.ensure(admin, specs);
        }
    }

    String topicOf(WindowJobOptions o, SimStream s) {
        return switch (s) {
            case SENSOR -> o.sensorTopic;
            case VISION -> o.visionTopic;
            case TEXT -> o.textTopic;
            case LABELS -> TopicCatalog.LABELS;
        };
    }

    /** A bounded run on a MiniCluster that may not restart: any failure fails the test. */
    JobCounters runOnce(WindowJobOptions o) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(o.parallelism, conf);
        MultimodalWindowJob.configure(env, o);
        MultimodalWindowJob.build(env, KafkaIO.inputs(conn, o), o).sinkTo(KafkaIO.sinks(conn, o));
        return JobCounters.from(env.execute("it-harden").getAllAccumulatorResults());
    }

    static int partitionOf(String sourceId) {
        return Utils.toPositive(Utils.murmur2(sourceId.getBytes(StandardCharsets.UTF_8))) % 2;
    }

    @Test
    @Timeout(180)
    void aRobotWhoseClockRunsAnHourAheadPushesNoOtherRobotOfItsPartitionIntoLate() throws Exception {
        WindowJobOptions o = KafkaTestSupport.options("it-ahead");
        createTopics(o);
        // the partition most robots share, and one robot on it whose records the fast clock copies
        int[] count = new int[2];
        for (int r = 0; r < ROBOTS; r++) count[partitionOf(FleetSimulator.sourceId(r))]++;
        int shared = count[0] >= count[1] ? 0 : 1;
        assertTrue(count[shared] >= 2, "a partition with two robots");
        String twin = null;
        for (int r = 0; r < ROBOTS && twin == null; r++)
            if (partitionOf(FleetSimulator.sourceId(r)) == shared) twin = FleetSimulator.sourceId(r);
        String copied = twin;
        byte[] aheadKey = "robot-ahead".getBytes(StandardCharsets.UTF_8);
        AtomicLong aheadSent = new AtomicLong();
        SimulatorOptions sim = new SimulatorOptions()
                .robots(ROBOTS)
                .seed(21)
                .durationMs(SECONDS * 1000)
                .jitterMs(5);
        KafkaTestSupport.feed(conn, sim, o, (e, p, ser) -> {
            if (e.stream() == SimStream.LABELS || !e.sourceId().equals(copied)) return;
            SpecificRecordBase r =
                    (SpecificRecordBase) SpecificData.get().deepCopy(e.record().getSchema(), e.record());
            r.put("source_id", "robot-ahead");
            String timeField = e.stream() == SimStream.SENSOR ? "start_time" : "event_time";
            r.put(timeField, ((Instant) r.get(timeField)).plusMillis(AHEAD_MS));
            String topic = topicOf(o, e.stream());
            p.send(new ProducerRecord<>(
                    topic, shared, e.kafkaTimestamp() + AHEAD_MS, aheadKey, ser.serialize(topic, r)));
            aheadSent.incrementAndGet();
        });
        assertTrue(aheadSent.get() > 100);

        JobCounters c = runOnce(o);
        assertEquals(0, c.lateEvents(), "no event of another robot went to mm.late: " + c.notEmitted());
        assertEquals(aheadSent.get(), c.clockAheadEvents(), "every record of the fast clock is flagged");
        assertEquals(aheadSent.get(), c.dlqRecords());
        List<DeadLetter> dlq = KafkaTestSupport.decode(
                KafkaTestSupport.readCommitted(broker.bootstrapServers(), o.dlqTopic),
                DeadLetter.class,
                registry.url());
        assertEquals(aheadSent.get(), dlq.size());
        for (DeadLetter d : dlq) {
            assertEquals(DlqReason.CLOCK_AHEAD, d.getReason());
            assertEquals(shared, d.getSourcePartition());
            assertTrue(d.getError().contains("ahead of partition " + shared), d.getError());
        }
        Set<String> ids = new TreeSet<>();
        for (MultimodalWindow w : KafkaTestSupport.decode(
                KafkaTestSupport.readCommitted(broker.bootstrapServers(), o.windowsTopic),
                MultimodalWindow.class,
                registry.url())) ids.add(w.getWindowId());
        for (int r = 0; r < ROBOTS; r++) {
            for (long s = 0; s < SECONDS; s++) {
                String id = FleetSimulator.sourceId(r) + "@" + (SimulatorOptions.DEFAULT_START_MS + s * 1000);
                assertTrue(ids.contains(id), "window " + id + " was emitted");
            }
        }
        assertFalse(ids.stream().anyMatch(id -> id.startsWith("robot-ahead@")), "the fast clock made no window");
    }

    @Test
    @Timeout(180)
    void aThreeMegabyteMalformedRecordEndsInTheDlqTruncatedWithoutRestartingTheJob() throws Exception {
        WindowJobOptions o = KafkaTestSupport.options("it-oversized");
        o.minModalities = 3;
        createTopics(o);
        SimulatorOptions sim = new SimulatorOptions()
                .robots(ROBOTS)
                .seed(22)
                .durationMs(SECONDS * 1000)
                .jitterMs(5)
                .duplicateFraction(0.05)
                .dropVision(0.9);
        var fed = KafkaTestSupport.feed(conn, sim, o);
        byte[] garbage = new byte[3 * 1024 * 1024];
        new SplittableRandom(3).nextBytes(garbage);
        garbage[0] = 0x42; // not the Confluent magic byte
        String hash = DeadLetterBound.sha256(ByteBuffer.wrap(garbage));
        Map<String, Object> pp = new HashMap<>();
        pp.put("bootstrap.servers", broker.bootstrapServers());
        pp.put("max.request.size", TopicCatalog.maxMessageBytes(TopicCatalog.SENSOR));
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(
                            o.sensorTopic,
                            0,
                            SimulatorOptions.DEFAULT_START_MS + 5000,
                            "robot-0".getBytes(StandardCharsets.UTF_8),
                            garbage))
                    .get();
        }

        JobCounters c = runOnce(o); // restart strategy "none": a failing DLQ sink would fail this call
        assertEquals(1, c.dlqRecords());
        assertEquals(1, c.dlqTruncated());
        List<DeadLetter> dlq = KafkaTestSupport.decode(
                KafkaTestSupport.readCommitted(broker.bootstrapServers(), o.dlqTopic),
                DeadLetter.class,
                registry.url());
        assertEquals(1, dlq.size());
        DeadLetter d = dlq.get(0);
        assertEquals("BAD_MAGIC_BYTE", d.getReason());
        assertTrue(d.getValue().remaining() + d.getKey().remaining() <= o.maxDeadLetterBytes);
        byte[] head = new byte[d.getValue().remaining()];
        d.getValue().duplicate().get(head);
        assertEquals(ByteBuffer.wrap(garbage, 0, head.length), ByteBuffer.wrap(head), "the head of the original");
        assertTrue(d.getError().contains("original_bytes=" + garbage.length), d.getError());
        assertTrue(d.getError().contains("sha256=" + hash), d.getError());
        assertTrue(d.getTruncated(), "the contract says it is truncated");
        assertEquals((long) garbage.length, d.getOriginalValueBytes());
        assertEquals(hash, d.getValueSha256());

        // what was not emitted is counted with its reason
        assertTrue(fed.duplicates() > 0);
        assertTrue(c.duplicates() > 0, c.notEmitted());
        assertTrue(c.windowsDroppedBelowMin() > 0, c.notEmitted());
        assertEquals(c.windowsDropped(), c.windowsDroppedBelowMin() + c.windowsDroppedIncomplete());
        assertTrue(c.unusedInDroppedWindow() > 0, c.notEmitted());
        assertEquals(c.unusedEvents(), c.unusedNoWindow() + c.unusedNotChosen() + c.unusedInDroppedWindow());
        assertTrue(c.notEmitted().contains("below --min-modalities " + c.windowsDroppedBelowMin()), c.notEmitted());
    }

    @Test
    @Timeout(180)
    void aPartitionThatReceivesOnlyDeadLettersDoesNotStallTheWindows() throws Exception {
        WindowJobOptions o = KafkaTestSupport.options("it-garbage");
        o.bounded = false; // a bounded run ends with a final watermark anyway: only a live run can stall
        // Note: on Flink 2.1.1 this end-to-end run also passed with dead letters fed to the idleness timer, so it
        // guards the behaviour; the generator-level proof is InputWatermarksTest's dead-letter-only partition test.
        o.parallelism = 1;
        o.idlenessMs = 500;
        createTopics(o);
        KafkaTestSupport.feed(
                conn,
                new SimulatorOptions().robots(2).seed(23).durationMs(20_000).dropText(1.0),
                o);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong garbageSent = new AtomicLong();
        Map<String, Object> pp = new HashMap<>();
        pp.put("bootstrap.servers", broker.bootstrapServers());
        Thread garbage = new Thread(() -> {
            // both partitions of the text topic get nothing but malformed records, all the time
            try (KafkaProducer<byte[], byte[]> p =
                    new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; !stop.get(); i++) {
                    p.send(new ProducerRecord<>(o.textTopic, i % 2, null, new byte[] {7, 7, 7}));
                    garbageSent.incrementAndGet();
                    p.flush();
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        garbage.start();
        try {
            while (garbageSent.get() < 20) Thread.sleep(50);
            try (LocalWindowJob job = LocalWindowJob.start(conn, o)) {
                JobCounters c = JobCounters.ZERO;
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (c.windowsEmitted() < 20 && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                    assertEquals(JobStatus.RUNNING, job.status());
                    c = job.counters();
                }
                assertTrue(c.windowsEmitted() >= 20, "windows are emitted while garbage keeps arriving: " + c);
                assertTrue(c.dlqRecords() > 0, "the garbage reached the dlq: " + c);
                assertEquals(c.windowsEmitted(), c.missingText());
            }
        } finally {
            stop.set(true);
            garbage.join(10_000);
        }
    }
}
