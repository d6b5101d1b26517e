package io.braid.trainer.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.DeadLetter;
import io.braid.avro.Embedding;
import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.topics.Topics;
import io.braid.trainer.model.InferenceModel;
import io.braid.trainer.model.ModelStore;
import io.braid.trainer.score.ScoringBroker.Read;
import io.braid.trainer.score.ScoringBroker.Reader;
import io.braid.trainer.score.ScoringBroker.TopicSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer as it runs (ScoringApp: Kafka Streams with exactly_once_v2, the background model loader) on the in-JVM
 * broker and the embedded registry, with real tiny DJL checkpoints. Verifiers read read_committed from the beginning.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ScoringIT {
    static final int SOURCES = 3, ROUNDS = 100, N = SOURCES * ROUNDS;
    static final long START = ScoringFixtures.START;

    @TempDir
    static Path dir;

    static ModelStore.Artifact comm1, comm2;
    static SimulatedDataset data;
    static EmbeddedRegistryServer registry;

    @BeforeAll
    static void setUp() throws Exception {
        comm1 = ScoringFixtures.checkpoint(dir.resolve("comm1"), "comm", 11);
        comm2 = ScoringFixtures.checkpoint(dir.resolve("comm2"), "comm", 12);
        data = ScoringFixtures.dataset(ROUNDS);
        registry = new EmbeddedRegistryServer(0).start();
    }

    @AfterAll
    static void tearDown() {
        if (registry != null) registry.close();
    }

    static ModelVersion v1() {
        return ScoringFixtures.version(comm1, "v1", "comm", 0, START + 5_000);
    }

    static ModelVersion v2() {
        return ScoringFixtures.version(comm2, "v2", "comm", 1_000, START + 60_000);
    }

    /** Round {@code r}: one window per source, window ends at START + (r + 1) s. */
    static List<MultimodalWindow> round(List<String> sources, int r) {
        List<MultimodalWindow> out = new ArrayList<>();
        for (String s : sources) out.add(ScoringFixtures.window(data, r, s));
        return out;
    }

    static ScoringApp start(ScoringOptions o) throws Exception {
        return ScoringApp.start(o, new Properties(), Duration.ofSeconds(60), m -> System.err.println("score: " + m));
    }

    static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(20);
        }
        return true;
    }

    static boolean inUse(ScoringApp app, String version) {
        ModelVersion v = app.models().current();
        return v != null && v.getVersion().equals(version);
    }

    /**
     * Every produced window has exactly one embedding and nothing else is there; each is keyed by its source, on the
     * partition its window was on (key = source id on both topics), and each source's embeddings are in window order.
     */
    static void assertEveryWindowOnce(List<MultimodalWindow> produced, List<Read<Embedding>> got) {
        Map<String, MultimodalWindow> byId = new HashMap<>();
        for (MultimodalWindow w : produced) byId.put(w.getWindowId(), w);
        Map<String, Integer> seen = new TreeMap<>();
        Map<String, Long> lastEnd = new HashMap<>();
        for (Read<Embedding> r : got) {
            Embedding e = r.value();
            String id = e.getWindowId();
            seen.merge(id, 1, Integer::sum);
            MultimodalWindow w = byId.get(id);
            assertTrue(w != null, "an embedding of a window nobody produced: " + id);
            assertEquals(w.getSourceId(), r.key(), id);
            assertEquals(w.getSourceId(), e.getSourceId(), id);
            assertEquals(w.getWindowEnd(), e.getWindowEnd(), id);
            assertEquals(ScoringBroker.partitionOf(w.getSourceId()), r.partition(), id);
            long end = e.getWindowEnd().toEpochMilli();
            Long before = lastEnd.put(e.getSourceId(), end);
            assertTrue(before == null || before < end, "out of order for " + e.getSourceId() + " at " + id);
        }
        Map<String, Integer> duplicates = new TreeMap<>();
        seen.forEach((id, c) -> {
            if (c != 1) duplicates.put(id, c);
        });
        assertEquals(Map.of(), duplicates, "windows embedded more than once");
        List<String> missing = new ArrayList<>();
        for (String id : byId.keySet()) if (!seen.containsKey(id)) missing.add(id);
        assertEquals(List.of(), missing, "windows without an embedding");
        assertEquals(produced.size(), got.size());
    }

    static void assertNoDeadLetters(KafkaBroker broker, TopicSet t) {
        try (Reader<DeadLetter> dlq = ScoringBroker.committed(broker, registry.url(), Topics.DLQ, t.dlq())) {
            assertEquals(List.of(), dlq.readToEnd(Duration.ofSeconds(20)));
        }
    }

    @Test
    @Timeout(120)
    void everyWindowGivesExactlyOneEmbedding(KafkaBroker broker, @TempDir Path state) throws Exception {
        TopicSet t = TopicSet.create(broker, "it-score-once");
        List<String> sources = ScoringBroker.sources("robot", SOURCES);
        List<MultimodalWindow> produced = new ArrayList<>();
        ModelVersion v1 = v1();
        try (ScoringBroker.Producer p = new ScoringBroker.Producer(broker, registry.url(), t)) {
            for (int r = 0; r < ROUNDS; r++)
                for (MultimodalWindow w : round(sources, r)) {
                    p.window(w);
                    produced.add(w);
                }
            p.flush();
            p.publish(v1);
        }
        long t0 = System.nanoTime();
        ScoringOptions o = ScoringBroker.options(broker.bootstrapServers(), registry.url(), t, "it-score-once", state);
        try (ScoringApp app = start(o);
                Reader<Embedding> live =
                        ScoringBroker.committed(broker, registry.url(), Topics.EMBEDDINGS, t.embeddings())) {
            assertTrue(
                    live.pollUntil(l -> l.size() >= N, Duration.ofSeconds(60)),
                    "committed embeddings after 60 s: " + live.records.size() + " of " + N);
            assertEquals(N, (long) app.metrics().scored.get(), "windows scored by the app");
        }
        System.err.printf("ScoringIT: %d windows scored and committed in %.1f s%n", N, (System.nanoTime() - t0) / 1e9);
        // the app is closed: this is the topic's final content
        try (Reader<Embedding> all =
                ScoringBroker.committed(broker, registry.url(), Topics.EMBEDDINGS, t.embeddings())) {
            List<Read<Embedding>> got = all.readToEnd(Duration.ofSeconds(30));
            assertEveryWindowOnce(produced, got);
            for (Read<Embedding> r : got) {
                assertEquals("v1", r.value().getModelVersion(), r.value().getWindowId());
                assertEquals(
                        v1.getTrainedThrough(),
                        r.value().getModelTrainedThrough(),
                        r.value().getWindowId());
                assertFalse(r.value().getStale());
            }
        }
        assertNoDeadLetters(broker, t);
    }

    @Test
    @Timeout(120)
    void aSwapMidStreamChangesTheStampAtACleanBoundary(KafkaBroker broker, @TempDir Path state) throws Exception {
        TopicSet t = TopicSet.create(broker, "it-score-swap");
        List<String> sources = ScoringBroker.sources("rig", SOURCES);
        List<MultimodalWindow> produced = new ArrayList<>();
        ModelVersion v1 = v1(), v2 = v2();
        int round = 0, publishedAt, swappedAt;
        ScoringOptions o = ScoringBroker.options(broker.bootstrapServers(), registry.url(), t, "it-score-swap", state);
        try (ScoringBroker.Producer p = new ScoringBroker.Producer(broker, registry.url(), t);
                ScoringApp app = start(o);
                Reader<Embedding> live =
                        ScoringBroker.committed(broker, registry.url(), Topics.EMBEDDINGS, t.embeddings())) {
            p.publish(v1);
            assertTrue(await(() -> inUse(app, "v1"), Duration.ofSeconds(60)), "v1 never loaded");
            // v1 scores on every partition while the stream flows
            while (round < 30 || !scoredOnEveryPartition(live.records, "v1")) {
                assertTrue(round < ROUNDS / 2, "no committed v1 embedding on every partition by round " + round);
                round = produceRound(p, sources, round, produced, live);
            }
            p.publish(v2);
            publishedAt = round;
            // v2 loads in the background and swaps in while windows keep arriving
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!inUse(app, "v2")) {
                assertTrue(System.nanoTime() < deadline, "v2 never loaded");
                if (round < ROUNDS - 20) round = produceRound(p, sources, round, produced, live);
                else live.poll(Duration.ofMillis(30));
            }
            swappedAt = round;
            // the rest arrives after the swap: v2 must score on every partition
            while (round < ROUNDS) round = produceRound(p, sources, round, produced, live);
            assertTrue(
                    live.pollUntil(l -> l.size() >= N, Duration.ofSeconds(60)),
                    "committed embeddings after 60 s: " + live.records.size() + " of " + N);
        }
        System.err.printf(
                "ScoringIT: v2 published after round %d, in use from round %d (of %d)%n",
                publishedAt, swappedAt, ROUNDS);

        Map<String, MultimodalWindow> byId = new HashMap<>();
        for (MultimodalWindow w : produced) byId.put(w.getWindowId(), w);
        try (Reader<Embedding> all =
                        ScoringBroker.committed(broker, registry.url(), Topics.EMBEDDINGS, t.embeddings());
                InferenceModel m1 = model(comm1, "v1");
                InferenceModel m2 = model(comm2, "v2")) {
            List<Read<Embedding>> got = all.readToEnd(Duration.ofSeconds(30));
            assertEveryWindowOnce(produced, got);
            Map<Integer, List<String>> stamps = new TreeMap<>();
            for (Read<Embedding> r : got) {
                Embedding e = r.value();
                stamps.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(e.getModelVersion());
                ModelVersion v = e.getModelVersion().equals("v1") ? v1 : v2;
                assertEquals(v.getVersion(), e.getModelVersion());
                assertEquals(v.getTrainedThrough(), e.getModelTrainedThrough(), e.getWindowId());
                // the stamp names the model that computed the vector, also right at the switch
                float[] want =
                        (v == v1 ? m1 : m2).embed(byId.get(e.getWindowId())).fused();
                assertEquals(want.length, e.getFused().size());
                for (int i = 0; i < want.length; i++)
                    assertEquals(want[i], e.getFused().get(i), 1e-4, e.getWindowId() + " [" + i + "]");
            }
            assertEquals(ScoringBroker.PARTITIONS, stamps.size());
            Map<Integer, String> runs = new TreeMap<>();
            stamps.forEach((partition, versions) -> runs.put(partition, runs(versions)));
            for (var e : runs.entrySet())
                assertTrue(
                        e.getValue().matches("v1×\\d+ v2×\\d+"),
                        "partition " + e.getKey() + ": one switch from v1 to v2, not " + e.getValue());
            System.err.println("ScoringIT: stamps per partition in offset order " + runs);
        }
        assertNoDeadLetters(broker, t);
    }

    static int produceRound(
            ScoringBroker.Producer p,
            List<String> sources,
            int round,
            List<MultimodalWindow> produced,
            Reader<Embedding> live) {
        for (MultimodalWindow w : round(sources, round)) {
            p.window(w);
            produced.add(w);
        }
        p.flush();
        live.poll(Duration.ofMillis(30)); // paces the stream and follows the output
        return round + 1;
    }

    static boolean scoredOnEveryPartition(List<Read<Embedding>> got, String version) {
        return got.stream()
                        .filter(r -> r.value().getModelVersion().equals(version))
                        .map(Read::partition)
                        .distinct()
                        .count()
                == ScoringBroker.PARTITIONS;
    }

    /** Run-length form of a sequence of stamps: "v1×57 v2×93". */
    static String runs(List<String> versions) {
        List<String> out = new ArrayList<>();
        String cur = null;
        int n = 0;
        for (String v : versions) {
            if (v.equals(cur)) n++;
            else {
                if (cur != null) out.add(cur + "×" + n);
                cur = v;
                n = 1;
            }
        }
        if (cur != null) out.add(cur + "×" + n);
        return String.join(" ", out);
    }

    static InferenceModel model(ModelStore.Artifact a, String version) throws Exception {
        return InferenceModel.fromCheckpoint(Files.readAllBytes(Path.of(java.net.URI.create(a.uri()))), version);
    }
}
