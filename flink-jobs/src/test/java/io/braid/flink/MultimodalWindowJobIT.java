package io.braid.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.DeadLetter;
import io.braid.avro.Modality;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.SegmentLabels;
import io.braid.avro.TrainingPair;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.flink.decode.InputEvent;
import io.braid.flink.kafka.KafkaIO;
import io.braid.producers.SimulatorFeeder;
import io.braid.producers.sim.FleetSimulator;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.registry.EmbeddedRegistryServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The job on a MiniCluster against the in-JVM broker, fed by the robot simulator: windows once each and aligned with
 * the simulator's segments, exactly-once across an injected failure, byte-identical replays, hostile input.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultimodalWindowJobIT {
    static final int ROBOTS = 3;
    static final long SECONDS = 30;

    KafkaBroker broker;
    EmbeddedRegistryServer registry;
    KafkaConnection conn;
    WindowJobOptions input;
    SimulatorFeeder.Result fed;
    List<ConsumerRecord<byte[], byte[]>> cleanTrain;
    List<MultimodalWindow> cleanWindows;

    static SimulatorOptions sim() {
        return new SimulatorOptions()
                .robots(ROBOTS)
                .seed(11)
                .durationMs(SECONDS * 1000)
                .jitterMs(5)
                .outOfOrderFraction(0.05)
                .maxOutOfOrderMs(300)
                .duplicateFraction(0.02);
    }

    @BeforeAll
    void feed(KafkaBroker broker) {
        this.broker = broker;
        registry = new EmbeddedRegistryServer(0).start();
        conn = new KafkaConnection(broker.bootstrapServers(), registry.url());
        input = KafkaTestSupport.options("it-clean");
        KafkaTestSupport.createTopics(broker.bootstrapServers(), input);
        fed = KafkaTestSupport.feed(conn, sim(), input);
        assertTrue(fed.inputEvents() > 1000);
    }

    @AfterAll
    void stop() {
        if (registry != null) registry.close();
    }

    JobExecutionResult run(WindowJobOptions o, MultimodalWindowJob.Inputs inputs) throws Exception {
        KafkaTestSupport.createTopics(broker.bootstrapServers(), o);
        StreamExecutionEnvironment env = LocalWindowJob.localEnvironment(o.parallelism);
        MultimodalWindowJob.configure(env, o);
        MultimodalWindowJob.build(env, inputs, o).sinkTo(KafkaIO.sinks(conn, o));
        return env.execute("it");
    }

    /** window id of every second of every robot the simulator ran. */
    static Set<String> expectedWindowIds() {
        Set<String> ids = new TreeSet<>();
        for (int r = 0; r < ROBOTS; r++) {
            for (long s = 0; s < SECONDS; s++) {
                ids.add(FleetSimulator.sourceId(r) + "@" + (SimulatorOptions.DEFAULT_START_MS + s * 1000));
            }
        }
        return ids;
    }

    /**
     * Every simulated second gives exactly one window; the only others allowed are edge windows just before the
     * first tick, made by events whose clock jitter put them there (never complete).
     */
    void assertWindowSet(List<String> ids) {
        Set<String> expected = expectedWindowIds();
        Set<String> got = new TreeSet<>(ids);
        assertTrue(got.containsAll(expected), "missing windows");
        for (String id : got) {
            if (expected.contains(id)) continue;
            long ws = Long.parseLong(id.substring(id.indexOf('@') + 1));
            assertEquals(SimulatorOptions.DEFAULT_START_MS - 1000, ws, "unexpected window " + id);
        }
    }

    static List<String> ids(List<MultimodalWindow> ws) {
        return ws.stream().map(MultimodalWindow::getWindowId).toList();
    }

    /** Record bytes by the window id of the training pair they hold. */
    Map<String, byte[]> byWindowId(List<ConsumerRecord<byte[], byte[]>> records) {
        List<TrainingPair> pairs = KafkaTestSupport.decode(records, TrainingPair.class, registry.url());
        Map<String, byte[]> m = new TreeMap<>();
        for (int i = 0; i < records.size(); i++)
            m.put(pairs.get(i).getWindowId(), records.get(i).value());
        return m;
    }

    @Test
    @Order(1)
    @Timeout(180)
    void everyWindowIsEmittedOnceAndLinesUpWithTheSegments() throws Exception {
        WindowJobOptions o = KafkaTestSupport.withOutputs(KafkaTestSupport.options("it-clean"), "it-clean-out");
        JobCounters c = JobCounters.from(run(o, KafkaIO.inputs(conn, o)).getAllAccumulatorResults());

        cleanWindows = KafkaTestSupport.decode(
                KafkaTestSupport.readCommitted(broker.bootstrapServers(), o.windowsTopic),
                MultimodalWindow.class,
                registry.url());
        List<String> ids = ids(cleanWindows);
        assertEquals(new HashSet<>(ids).size(), ids.size(), "a window id was emitted twice");
        assertWindowSet(ids);
        assertEquals(ids.size(), c.windowsEmitted());
        assertEquals(0, c.lateEvents());
        assertEquals(0, c.dlqRecords());
        assertTrue(c.duplicates() > 0, "the simulator's duplicate sends are recognised");

        Map<String, List<SegmentLabels>> segments = new HashMap<>();
        for (SegmentLabels l : fed.labels())
            segments.computeIfAbsent(l.getSourceId(), k -> new ArrayList<>()).add(l);
        for (MultimodalWindow w : cleanWindows) {
            if (!expectedWindowIds().contains(w.getWindowId())) continue; // jitter edge before the first tick
            assertTrue(
                    w.getPresence().getSensor()
                            && w.getPresence().getVision()
                            && w.getPresence().getText(),
                    w.getWindowId());
            long ws = w.getWindowStart().toEpochMilli();
            long we = w.getWindowEnd().toEpochMilli();
            List<SegmentLabels> inside = segments.get(w.getSourceId()).stream()
                    .filter(l -> l.getStartTime().toEpochMilli() <= ws
                            && we <= l.getEndTime().toEpochMilli())
                    .toList();
            assertEquals(1, inside.size(), "window " + w.getWindowId() + " must lie inside one segment");
            SegmentLabels seg = inside.get(0);
            // the text noun renders the object type and the verb the action (methods.md §6.4, Tokenizer ids)
            Set<Integer> tokens = new HashSet<>(w.getTokens());
            assertTrue(
                    tokens.contains(3 + 2 * seg.getObj()) || tokens.contains(4 + 2 * seg.getObj()),
                    w.getWindowId() + " noun");
            assertTrue(
                    tokens.contains(11 + 2 * seg.getVerb()) || tokens.contains(12 + 2 * seg.getVerb()),
                    w.getWindowId() + " verb");
            assertFalse(w.getSensorGaps().contains(true), w.getWindowId() + " has sensor gaps");
            assertEquals(32 * 32 * 3, w.getImage().remaining());
            assertTrue(w.getVisionSkewMs() >= 0 && w.getVisionSkewMs() <= 250);
        }
        cleanTrain = KafkaTestSupport.readCommitted(broker.bootstrapServers(), o.trainTopic);
        assertEquals(ids.size(), cleanTrain.size());
        assertEquals(new TreeSet<>(ids), byWindowId(cleanTrain).keySet(), "one committed training pair per window");
    }

    /** Fails the task once, after a checkpoint has completed and a number of records have passed. */
    static final class FailOnceAfterCheckpoint extends RichMapFunction<InputEvent, InputEvent>
            implements CheckpointListener {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        private transient boolean checkpointed;
        private transient long seen;

        @Override
        public InputEvent map(InputEvent e) throws InterruptedException {
            if (FAILED.get()) return e;
            if (++seen > 200 && checkpointed && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure");
            }
            Thread.sleep(2); // slow enough until the failure that checkpoints complete before the input ends
            return e;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }

    @Test
    @Order(2)
    @Timeout(180)
    void afterAnInjectedFailureTheCommittedOutputHasNoDuplicateAndNoMissingWindow() throws Exception {
        WindowJobOptions o = KafkaTestSupport.withOutputs(KafkaTestSupport.options("it-clean"), "it-fail-out");
        o.checkpointIntervalMs = 300;
        MultimodalWindowJob.Inputs kafka = KafkaIO.inputs(conn, o);
        MultimodalWindowJob.Inputs failing = (env, m, wm) -> {
            var s = kafka.create(env, m, wm);
            return m == Modality.SENSOR ? s.map(new FailOnceAfterCheckpoint()).name("fail-once") : s;
        };
        FailOnceAfterCheckpoint.FAILED.set(false);
        run(o, failing);
        assertTrue(FailOnceAfterCheckpoint.FAILED.get(), "the failure was injected");

        List<ConsumerRecord<byte[], byte[]>> windows =
                KafkaTestSupport.readCommitted(broker.bootstrapServers(), o.windowsTopic);
        List<String> ids = ids(KafkaTestSupport.decode(windows, MultimodalWindow.class, registry.url()));
        assertEquals(new HashSet<>(ids).size(), ids.size(), "duplicate window after restore");
        assertWindowSet(ids);
        assertEquals(new TreeSet<>(ids(cleanWindows)), new TreeSet<>(ids), "restored run differs from the clean run");
        List<ConsumerRecord<byte[], byte[]>> train =
                KafkaTestSupport.readCommitted(broker.bootstrapServers(), o.trainTopic);
        assertEquals(ids.size(), train.size());
        assertEquals(new TreeSet<>(ids), byWindowId(train).keySet(), "restored mm.train differs from mm.windows");
    }

    @Test
    @Order(3)
    @Timeout(180)
    void theSameInputTwiceGivesByteIdenticalTrainingPairs() throws Exception {
        WindowJobOptions o = KafkaTestSupport.withOutputs(KafkaTestSupport.options("it-clean"), "it-replay-out");
        run(o, KafkaIO.inputs(conn, o));
        List<ConsumerRecord<byte[], byte[]>> train =
                KafkaTestSupport.readCommitted(broker.bootstrapServers(), o.trainTopic);
        assertNotNull(cleanTrain, "runs after the first test");
        Map<String, byte[]> a = byWindowId(cleanTrain);
        Map<String, byte[]> b = byWindowId(train);
        assertEquals(train.size(), b.size(), "a training pair was committed twice");
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertTrue(Arrays.equals(a.get(k), b.get(k)), "mm.train record " + k + " differs");
    }

    @Test
    @Order(4)
    @Timeout(180)
    void thousandsOfHostileRecordsReachTheDlqWithAReasonAndLeaveValidWindowsUnchanged() throws Exception {
        WindowJobOptions o = KafkaTestSupport.options("it-hostile");
        KafkaTestSupport.createTopics(broker.bootstrapServers(), o);
        HostileRecords hostile = new HostileRecords(o);
        KafkaTestSupport.feed(conn, sim(), o, (e, p, ser) -> {
            hostile.after(e, p, ser);
            hostile.after(e, p, ser);
        });
        assertTrue(hostile.sent > 2000, "thousands of hostile records: " + hostile.sent);

        JobCounters c = JobCounters.from(run(o, KafkaIO.inputs(conn, o)).getAllAccumulatorResults());
        assertEquals(hostile.sent, c.dlqRecords());
        assertEquals(0, c.lateEvents());

        List<DeadLetter> dlq = KafkaTestSupport.decode(
                KafkaTestSupport.readCommitted(broker.bootstrapServers(), o.dlqTopic),
                DeadLetter.class,
                registry.url());
        assertEquals(hostile.sent, dlq.size());
        Map<String, Long> reasons = new TreeMap<>();
        for (DeadLetter d : dlq) {
            assertFalse(d.getReason().isBlank());
            assertFalse(d.getError().isBlank());
            assertTrue(d.getSourceOffset() >= 0);
            reasons.merge(d.getReason(), 1L, Long::sum);
        }
        assertTrue(reasons.keySet().containsAll(HostileRecords.EXPECTED_REASONS), "reasons seen: " + reasons);

        List<MultimodalWindow> windows = KafkaTestSupport.decode(
                KafkaTestSupport.readCommitted(broker.bootstrapServers(), o.windowsTopic),
                MultimodalWindow.class,
                registry.url());
        assertNotNull(cleanWindows, "runs after the first test");
        // The operator produced exactly the clean run's windows, and the committed (read_committed) output holds each
        // of them exactly once, byte-identical to the clean run's: same window ids, same records.
        Map<String, MultimodalWindow> want = withoutOffsets(cleanWindows);
        Map<String, MultimodalWindow> got = withoutOffsets(windows);
        assertEquals(want.size(), c.windowsEmitted(), "windows emitted by the operator; counters " + c);
        assertEquals(want.size(), c.trainPairs());
        assertEquals(windows.size(), got.size(), "a window id was committed twice");
        assertEquals(want.keySet(), got.keySet(), "committed mm.windows ids differ from the clean run's");
        for (String id : want.keySet()) assertEquals(want.get(id), got.get(id), "window " + id);
        List<ConsumerRecord<byte[], byte[]>> train =
                KafkaTestSupport.readCommitted(broker.bootstrapServers(), o.trainTopic);
        Map<String, byte[]> a = byWindowId(cleanTrain);
        Map<String, byte[]> b = byWindowId(train);
        assertEquals(train.size(), b.size(), "a training pair was committed twice");
        assertEquals(a.keySet(), b.keySet(), "committed mm.train keys differ from the clean run's");
        for (String k : a.keySet()) assertTrue(Arrays.equals(a.get(k), b.get(k)), "mm.train record " + k + " differs");
    }

    /** Windows by id with the source offsets blanked (the hostile records shift the offsets of valid ones). */
    static Map<String, MultimodalWindow> withoutOffsets(List<MultimodalWindow> ws) {
        Map<String, MultimodalWindow> m = new TreeMap<>();
        for (MultimodalWindow w : ws) {
            MultimodalWindow copy =
                    MultimodalWindow.newBuilder(w).setOffsets(List.of()).build();
            m.put(w.getWindowId(), copy);
        }
        return m;
    }
}
