package io.braid.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.MultimodalWindow;
import io.braid.avro.TrainingPair;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.flink.cli.FlinkJobCommand;
import io.braid.flink.kafka.KafkaIO;
import io.braid.producers.sim.FleetSimulator;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.registry.EmbeddedRegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flink-job} through its CLI in a child JVM under a live producer, SIGKILLed at three seeded-random moments
 * (each after a checkpoint of that run completed) and restarted with the same arguments: the committed mm.windows and
 * mm.train hold every window exactly once, byte-identical to an uninterrupted run over the same input, and no
 * transaction of a killed run holds read_committed readers back.
 */
@ExtendWith(KafkaBrokerExtension.class)
class FlinkJobCrashIT {
    static final int ROBOTS = 2;
    static final long SECONDS = 24;
    /** Simulated seconds per wall second while feeding: the input keeps arriving across the kills. */
    static final double SPEED = 0.4;
    /** A second of input this far after the main input: its watermark closes every main window, its own stay open. */
    static final long TAIL_START_MS = SimulatorOptions.DEFAULT_START_MS + (SECONDS + 10) * 1000;

    static SimulatorOptions sim() {
        return new SimulatorOptions()
                .robots(ROBOTS)
                .seed(23)
                .durationMs(SECONDS * 1000)
                .jitterMs(5)
                .outOfOrderFraction(0.05)
                .maxOutOfOrderMs(300)
                .duplicateFraction(0.02);
    }

    @Test
    @Timeout(300)
    void killedThreeTimesTheCommittedOutputIsExactlyOnceAndIdenticalToAnUninterruptedRun(
            KafkaBroker broker, @TempDir Path tmp) throws Exception {
        String bs = broker.bootstrapServers();
        try (EmbeddedRegistryServer registry = new EmbeddedRegistryServer(0).start()) {
            KafkaConnection conn = new KafkaConnection(bs, registry.url());
            WindowJobOptions in = KafkaTestSupport.options("it-crash");
            KafkaTestSupport.createTopics(bs, in);
            WindowJobOptions out = KafkaTestSupport.withOutputs(KafkaTestSupport.options("it-crash"), "it-crash-out");
            KafkaTestSupport.createTopics(bs, out);
            List<String> windowsTopics = List.of(out.windowsTopic, out.trainTopic);

            AtomicReference<Throwable> feedFailure = new AtomicReference<>();
            Thread feeder = new Thread(() -> {
                try {
                    long t0 = System.currentTimeMillis();
                    KafkaTestSupport.feed(conn, sim(), in, (e, p, ser) -> pace(t0, e.kafkaTimestamp()));
                    KafkaTestSupport.feed(
                            conn, sim().seed(24).startTimeMs(TAIL_START_MS).durationMs(1000), in);
                } catch (Throwable e) {
                    feedFailure.set(e);
                }
            });
            long started = System.nanoTime();
            feeder.start();

            Path state = tmp.resolve("state");
            List<String> args = List.of(
                    "--bootstrap-servers", bs,
                    "--schema-registry-url", registry.url(),
                    "--job-name", "it-crash",
                    "--state-dir", state.toString(),
                    "--sensor-topic", in.sensorTopic,
                    "--vision-topic", in.visionTopic,
                    "--text-topic", in.textTopic,
                    "--windows-topic", out.windowsTopic,
                    "--train-topic", out.trainTopic,
                    "--late-topic", out.lateTopic,
                    "--dlq-topic", out.dlqTopic,
                    "--group-id", out.groupId,
                    "--checkpoint-interval-ms", "1000",
                    "--parallelism", "2",
                    "--report-every", "PT2S");
            Random random = new Random(42);
            Map<TopicPartition, Long> endAtKill = null;
            List<Path> logs = new ArrayList<>();
            for (int run = 0; run < 3; run++) {
                Path log = tmp.resolve("run-" + run + ".log");
                logs.add(log);
                Set<Path> before = new HashSet<>(checkpoints(state));
                Process job = startChild(args, log);
                // a checkpoint of this run completed: it has committed output and is what the next run restores
                await(() -> !difference(checkpoints(state), before).isEmpty() || !job.isAlive(), 120, log);
                assertTrue(job.isAlive(), "run " + run + " died by itself:\n" + Files.readString(log));
                if (endAtKill != null) {
                    // the killed run's open transactions were aborted by this run, not by their 10 min timeout
                    Map<TopicPartition, Long> deadEnd = endAtKill;
                    await(() -> atLeast(lastStableOffsets(bs, windowsTopics), deadEnd), 60, log);
                }
                Thread.sleep(random.nextInt(2500)); // a seeded-random moment after the checkpoint
                assertTrue(feeder.isAlive(), "input still arrives at kill " + run + " (feed too fast?)");
                job.destroyForcibly();
                job.waitFor();
                assertEquals(137, job.exitValue(), "SIGKILL, not a graceful end");
                endAtKill = logEndOffsets(bs, windowsTopics);
            }

            // the last run: restores, reads the rest of the input, then stops gracefully (SIGTERM)
            Path log = tmp.resolve("run-3.log");
            logs.add(log);
            Process job = startChild(args, log);
            feeder.join(180_000);
            assertTrue(feedFailure.get() == null, () -> "feed failed: " + feedFailure.get());
            Set<String> expected = expectedWindowIds();
            await(
                    () -> committedIds(bs, out.windowsTopic, MultimodalWindow.class, registry.url())
                                    .containsAll(expected)
                            && committedIds(bs, out.trainTopic, TrainingPair.class, registry.url())
                                    .containsAll(expected),
                    120,
                    log);
            job.destroy(); // SIGTERM: stop with a savepoint
            job.waitFor();
            String last = Files.readString(log);
            assertEquals(0, job.exitValue(), last);
            assertTrue(last.contains("stopped with savepoint"), last);
            for (int run = 1; run < logs.size(); run++) {
                String l = Files.readString(logs.get(run));
                assertTrue(l.contains("flink-job: resuming from checkpoint " + state), "run " + run + ":\n" + l);
                System.out.println("run " + run + ": " + line(l, "flink-job: resuming"));
            }
            System.out.println("final run: " + line(last, "flink-job: stopped with savepoint"));
            assertEquals(
                    logEndOffsets(bs, windowsTopics),
                    lastStableOffsets(bs, windowsTopics),
                    "an open transaction holds read_committed readers back");

            // the uninterrupted reference: the same job over the same input, in this JVM, to the end of the input
            WindowJobOptions ref = KafkaTestSupport.withOutputs(KafkaTestSupport.options("it-crash"), "it-crash-ref");
            KafkaTestSupport.createTopics(bs, ref);
            StreamExecutionEnvironment env = LocalWindowJob.localEnvironment(ref.parallelism);
            MultimodalWindowJob.configure(env, ref);
            MultimodalWindowJob.build(env, KafkaIO.inputs(conn, ref), ref).sinkTo(KafkaIO.sinks(conn, ref));
            env.execute("it-crash-reference");

            assertSameOutput(bs, registry.url(), out.windowsTopic, ref.windowsTopic, MultimodalWindow.class, expected);
            assertSameOutput(bs, registry.url(), out.trainTopic, ref.trainTopic, TrainingPair.class, expected);
            System.out.printf("FlinkJobCrashIT wall time %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
    }

    /** Every committed record once, byte for byte the reference's (whose tail windows the live run never closes). */
    static <T extends org.apache.avro.specific.SpecificRecord> void assertSameOutput(
            String bs, String registryUrl, String topic, String refTopic, Class<T> type, Set<String> expected) {
        Map<String, byte[]> got = byId(bs, topic, type, registryUrl, true);
        Map<String, byte[]> want = byId(bs, refTopic, type, registryUrl, false);
        // the tail's windows, including the one its clock jitter opens just before its first tick
        want.keySet().removeIf(id -> windowStart(id) >= TAIL_START_MS - 1000);
        assertTrue(got.keySet().containsAll(expected), topic + ": missing windows");
        assertEquals(want.keySet(), got.keySet(), topic + ": window ids differ from the uninterrupted run's");
        for (String id : want.keySet())
            assertTrue(Arrays.equals(want.get(id), got.get(id)), topic + " record " + id + " differs");
    }

    static <T extends org.apache.avro.specific.SpecificRecord> Map<String, byte[]> byId(
            String bs, String topic, Class<T> type, String registryUrl, boolean once) {
        List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readCommitted(bs, topic);
        List<T> decoded = KafkaTestSupport.decode(records, type, registryUrl);
        Map<String, byte[]> m = new TreeMap<>();
        List<String> twice = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (m.put(windowId(decoded.get(i)), records.get(i).value()) != null) twice.add(windowId(decoded.get(i)));
        }
        if (once) assertEquals(List.of(), twice, topic + ": windows committed more than once");
        return m;
    }

    static Set<String> committedIds(
            String bs, String topic, Class<? extends org.apache.avro.specific.SpecificRecord> t, String url) {
        Set<String> ids = new TreeSet<>();
        for (var r : KafkaTestSupport.decode(KafkaTestSupport.readCommitted(bs, topic), t, url)) ids.add(windowId(r));
        return ids;
    }

    static String windowId(Object r) {
        return r instanceof MultimodalWindow w ? w.getWindowId() : ((TrainingPair) r).getWindowId();
    }

    static long windowStart(String id) {
        return Long.parseLong(id.substring(id.indexOf('@') + 1));
    }

    static Set<String> expectedWindowIds() {
        Set<String> ids = new TreeSet<>();
        for (int r = 0; r < ROBOTS; r++)
            for (long s = 0; s < SECONDS; s++)
                ids.add(FleetSimulator.sourceId(r) + "@" + (SimulatorOptions.DEFAULT_START_MS + s * 1000));
        return ids;
    }

    /** Holds the feed back to {@link #SPEED} times real time. */
    static void pace(long t0, long eventTimeMs) {
        long due = t0 + (long) ((eventTimeMs - SimulatorOptions.DEFAULT_START_MS) / SPEED);
        long wait = due - System.currentTimeMillis();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code flink-job} in a child JVM: this test's classpath and Flink's JDK 17 module flags (as ./braid sets). */
    static Process startChild(List<String> args, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m",
                "-XX:+UseParallelGC",
                "-XX:TieredStopAtLevel=1",
                "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.net=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens=java.base/java.text=ALL-UNNAMED",
                "--add-opens=java.base/java.time=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                FlinkJobCommand.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** Completed checkpoints in the state directory (chk-N holding _metadata). */
    static List<Path> checkpoints(Path state) {
        return LocalState.snapshots(state).stream()
                .filter(s -> !s.savepoint())
                .map(LocalState.Snapshot::dir)
                .toList();
    }

    static Set<Path> difference(List<Path> a, Set<Path> b) {
        Set<Path> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }

    static void await(BooleanSupplier condition, int seconds, Path log) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline)
                throw new AssertionError("condition not met in " + seconds + " s; job log:\n" + Files.readString(log));
            Thread.sleep(200);
        }
    }

    static boolean atLeast(Map<TopicPartition, Long> a, Map<TopicPartition, Long> b) {
        for (var e : b.entrySet()) if (a.getOrDefault(e.getKey(), -1L) < e.getValue()) return false;
        return true;
    }

    static Map<TopicPartition, Long> logEndOffsets(String bs, List<String> topics) {
        return endOffsets(bs, topics, "read_uncommitted");
    }

    /** read_committed end offsets: the last stable offset, which an open transaction holds back. */
    static Map<TopicPartition, Long> lastStableOffsets(String bs, List<String> topics) {
        return endOffsets(bs, topics, "read_committed");
    }

    static Map<TopicPartition, Long> endOffsets(String bs, List<String> topics, String isolation) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bs);
        p.put("isolation.level", isolation);
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) c.partitionsFor(t).forEach(pi -> parts.add(new TopicPartition(t, pi.partition())));
            return new HashMap<>(c.endOffsets(parts));
        }
    }

    static String line(String log, String prefix) {
        return log.lines().filter(l -> l.contains(prefix)).findFirst().orElse("(none)");
    }
}
