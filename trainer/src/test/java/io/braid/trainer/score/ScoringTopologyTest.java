package io.braid.trainer.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.DeadLetter;
import io.braid.avro.Embedding;
import io.braid.avro.Modality;
import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.Prediction;
import io.braid.avro.Presence;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.trainer.model.InferenceModel;
import io.braid.trainer.model.ModelStore;
import io.braid.trainer.model.WindowEmbedding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring topology on TopologyTestDriver with real tiny DJL checkpoints: outputs, partial windows, waiting for the
 * first model, the staleness guard, dead letters, hot swap, micro-batching and bad artifacts.
 */
class ScoringTopologyTest {
    @TempDir
    static Path dir;

    static ModelStore.Artifact comm1, comm2, dimml;
    static SimulatedDataset data;

    @BeforeAll
    static void checkpoints() throws Exception {
        comm1 = ScoringFixtures.checkpoint(dir.resolve("comm1"), "comm", 11);
        comm2 = ScoringFixtures.checkpoint(dir.resolve("comm2"), "comm", 12);
        dimml = ScoringFixtures.checkpoint(dir.resolve("dimml"), "dimml", 11);
        data = ScoringFixtures.dataset(40);
    }

    static final long START = ScoringFixtures.START;

    static ModelVersion v1() {
        return ScoringFixtures.version(comm1, "v1", "comm", 0, START);
    }

    static ModelVersion v2() {
        return ScoringFixtures.version(comm2, "v2", "comm", 1000, START + 30_000);
    }

    static InferenceModel direct(ModelStore.Artifact a, String version) throws Exception {
        return InferenceModel.fromCheckpoint(Files.readAllBytes(Path.of(java.net.URI.create(a.uri()))), version);
    }

    static float[] floats(List<Float> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }

    @Test
    void scoresACompleteWindowStampedWithItsModel() throws Exception {
        try (ScoringHarness h = new ScoringHarness(ScoringHarness.options());
                InferenceModel m = direct(comm1, "v1")) {
            h.pipeModel(v1());
            MultimodalWindow w = ScoringFixtures.window(data, 3, "robot-7");
            h.pipe(w);
            assertTrue(h.embeddings().isEmpty(), "a batch of 1 < 32 waits for the punctuator");
            h.tick();
            var out = h.embeddingRecords();
            assertEquals(1, out.size());
            assertEquals("robot-7", out.get(0).key);
            Embedding e = out.get(0).value;
            WindowEmbedding want = m.embed(w);
            assertEquals(w.getWindowId(), e.getWindowId());
            assertEquals(w.getWindowEnd(), e.getWindowEnd());
            assertEquals("v1", e.getModelVersion());
            assertEquals(START, e.getModelTrainedThrough().toEpochMilli());
            assertArrayEquals(want.fused(), floats(e.getFused()));
            assertEquals(List.of(Modality.SENSOR, Modality.VISION, Modality.TEXT), e.getModalitiesUsed());
            for (Modality mo : Modality.values())
                assertArrayEquals(
                        want.perModality().get(mo), floats(e.getPerModality().get(mo.name())));
            // CoMM's certainty: agreement of each modality's Z_m with the fused Z, (1 + cos) / 2
            assertEquals(
                    java.util.Set.of("SENSOR", "VISION", "TEXT"),
                    e.getCertainty().keySet());
            for (Modality mo : Modality.values()) {
                float[] a = want.perModality().get(mo), b = want.fused();
                double dot = 0, na = 0, nb = 0;
                for (int i = 0; i < a.length; i++) {
                    dot += a[i] * b[i];
                    na += a[i] * a[i];
                    nb += b[i] * b[i];
                }
                assertEquals(
                        (1 + dot / Math.sqrt(na * nb)) / 2, e.getCertainty().get(mo.name()), 1e-5);
            }
            assertTrue(e.getLatencyMs() >= 0);
            assertFalse(e.getStale());
            assertTrue(h.predictions().isEmpty(), "a version without heads predicts nothing");
            assertEquals(0, h.buffered(), "nothing left behind in the buffer");
        }
    }

    /** A version's published linear heads give one prediction per head; a malformed head is left out. */
    @Test
    void theVersionsHeadsPredictOnTheFusedVector() throws Exception {
        int dim;
        MultimodalWindow w = ScoringFixtures.window(data, 2, "robot-2");
        try (InferenceModel m = direct(comm1, "v1")) {
            dim = m.embed(w).fused().length;
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        java.util.List<Float> mean = new java.util.ArrayList<>(),
                scale = new java.util.ArrayList<>(),
                weights = new java.util.ArrayList<>();
        for (int j = 0; j < dim; j++) {
            mean.add((float) r.nextGaussian());
            scale.add(1f + (float) r.nextDouble());
        }
        for (int i = 0; i < 3 * (dim + 1); i++) weights.add((float) r.nextGaussian());
        io.braid.avro.LinearHead good =
                new io.braid.avro.LinearHead("object", List.of("cube", "ball", "cone"), mean, scale, weights, 0.9);
        io.braid.avro.LinearHead bad =
                new io.braid.avro.LinearHead("broken", List.of("a", "b"), mean, scale, weights.subList(0, 5), 0.5);
        ModelVersion v = v1();
        v.setHeads(List.of(good, bad));
        try (ScoringHarness h = new ScoringHarness(ScoringHarness.options())) {
            h.pipeModel(v);
            h.pipe(w);
            h.tick();
            Embedding e = h.embeddings().get(0);
            var preds = h.predictions();
            assertEquals(1, preds.size(), "one good head, the malformed one left out");
            io.braid.avro.Prediction p = preds.get(0);
            assertEquals("object", p.getTask());
            assertEquals(w.getWindowId(), p.getWindowId());
            assertEquals("v1", p.getModelVersion());
            assertEquals(List.of("cube", "ball", "cone"), p.getClassLabels());
            double[] want = io.braid.trainer.eval.LogisticProbe.fromHead(good).probabilities(floats(e.getFused()));
            int best = 0;
            for (int k = 0; k < 3; k++) {
                assertEquals(want[k], p.getProbabilities().get(k), 1e-6);
                if (want[k] > want[best]) best = k;
            }
            assertEquals(best, p.getPredicted());
        }
    }

    /**
     * A batch is cut when its oldest window has waited the max wait (or it is full), not at every punctuator tick: two
     * windows 60 % of a wait apart go out together, once the first one's wait is over.
     */
    @Test
    void aBatchIsCutWhenItsOldestWindowHasWaitedTheMaxWait() {
        try (ScoringHarness h = new ScoringHarness(ScoringHarness.options())) {
            h.pipeModel(v1());
            long wait = h.options.maxBatchWait().toMillis();
            // off the punctuator's schedule: a cut at every max-wait tick would send the first window alone
            h.advance(java.time.Duration.ofMillis(wait / 2));
            h.pipe(ScoringFixtures.window(data, 1, "robot-1"));
            h.advance(java.time.Duration.ofMillis(wait * 6 / 10));
            h.pipe(ScoringFixtures.window(data, 2, "robot-2"));
            assertTrue(
                    h.embeddings().isEmpty(), "punctuator ticks before the oldest window's wait is over cut nothing");
            h.advance(java.time.Duration.ofMillis(wait * 2 / 10));
            assertTrue(h.embeddings().isEmpty());
            h.advance(java.time.Duration.ofMillis(wait * 3 / 10));
            List<Embedding> out = h.embeddings();
            assertEquals(2, out.size(), "both windows in the batch cut at the first one's max wait");
            assertEquals(0, h.buffered());
        }
    }

    @Test
    void aPartialWindowNamesOnlyTheModalitiesItUsed() {
        try (ScoringHarness h = new ScoringHarness(ScoringHarness.options())) {
            h.pipeModel(v1());
            h.pipe(ScoringFixtures.window(data, 1, "robot-1", new Presence(true, false, true)));
            h.tick();
            Embedding e = h.embeddings().get(0);
            assertEquals(List.of(Modality.SENSOR, Modality.TEXT), e.getModalitiesUsed());
            assertEquals(java.util.Set.of("SENSOR", "TEXT"), e.getPerModality().keySet());
        }
    }

    @Test
    void windowsWaitForTheFirstModelAndAreAllScoredWhenItArrives() {
        try (ScoringHarness h = new ScoringHarness(ScoringHarness.options())) {
            for (int i = 0; i < 5; i++) h.pipe(ScoringFixtures.window(data, i, "robot-" + (i % 2)));
            h.tick();
            h.tick();
            assertTrue(h.embeddings().isEmpty());
            assertEquals(5, h.buffered());
            assertEquals(5.0, h.metrics.snapshot().waiting());
            h.pipeModel(v1());
            h.tick();
            List<Embedding> out = h.embeddings();
            assertEquals(5, out.size());
            for (int i = 0; i < 5; i++) {
                assertEquals(
                        ScoringFixtures.window(data, i, "robot-" + (i % 2)).getWindowId(),
                        out.get(i).getWindowId());
                assertEquals("v1", out.get(i).getModelVersion());
            }
            assertEquals(0, h.buffered());
            assertEquals(0.0, h.metrics.snapshot().waiting());
            assertTrue(h.deadLetters().isEmpty());
        }
    }

    @Test
    void aFullWaitingBufferDeadLettersItsOldestWindowsNeverDropsThem() {
        ScoringOptions.Builder b = ScoringHarness.options();
        b.maxBatchSize = 2;
        b.maxWaitingWindows = 4;
        try (ScoringHarness h = new ScoringHarness(b)) {
            List<MultimodalWindow> ws = new ArrayList<>();
            for (int i = 0; i < 6; i++) ws.add(ScoringFixtures.window(data, i, "robot-0"));
            ws.forEach(h::pipe);
            List<DeadLetter> dead = h.deadLetters();
            assertEquals(2, dead.size());
            for (int i = 0; i < 2; i++) {
                assertEquals(ScoringProcessor.WAIT_OVERFLOW, dead.get(i).getReason());
                assertEquals(i, dead.get(i).getSourceOffset(), "oldest first");
                assertArrayEquals(h.bytes(ws.get(i)), dead.get(i).getValue().array());
            }
            h.pipeModel(v1());
            h.tick();
            List<String> ids =
                    h.embeddings().stream().map(Embedding::getWindowId).toList();
            assertEquals(
                    ws.subList(2, 6).stream().map(MultimodalWindow::getWindowId).toList(), ids);
        }
    }

    @Test
    void staleModelsAreFlaggedUnderFlag() {
        ScoringOptions.Builder b = ScoringHarness.options();
        b.maxModelAge = Duration.ofSeconds(10);
        b.stalenessPolicy = StalenessPolicy.FLAG;
        try (ScoringHarness h = new ScoringHarness(b)) {
            h.pipeModel(v1()); // trained through START
            h.pipe(ScoringFixtures.window(data, 4, "robot-0")); // ends START + 5 s
            h.pipe(ScoringFixtures.window(data, 29, "robot-0")); // ends START + 30 s
            h.tick();
            List<Embedding> out = h.embeddings();
            assertEquals(2, out.size());
            assertFalse(out.get(0).getStale());
            assertTrue(out.get(1).getStale());
            assertEquals(1.0, h.metrics.snapshot().staleWindows());
        }
    }

    @Test
    void staleModelsHoldWindowsUntilAFreshEnoughModelUnderHold() {
        ScoringOptions.Builder b = ScoringHarness.options();
        b.maxModelAge = Duration.ofSeconds(10);
        b.stalenessPolicy = StalenessPolicy.HOLD;
        try (ScoringHarness h = new ScoringHarness(b)) {
            h.pipeModel(v1()); // trained through START
            h.pipe(ScoringFixtures.window(data, 4, "robot-0")); // fresh enough for v1
            h.pipe(ScoringFixtures.window(data, 35, "robot-1")); // ends START + 36 s: too new for v1
            h.tick();
            h.tick();
            List<Embedding> first = h.embeddings();
            assertEquals(1, first.size());
            assertEquals("v1", first.get(0).getModelVersion());
            assertEquals(1, h.buffered(), "the window too new for v1 is held");
            h.pipeModel(v2()); // trained through START + 30 s
            h.tick();
            List<Embedding> second = h.embeddings();
            assertEquals(1, second.size());
            assertEquals("v2", second.get(0).getModelVersion());
            assertFalse(second.get(0).getStale());
            assertEquals(0, h.buffered());
        }
    }

    /** A 3 MiB undecodable record is dead-lettered within mm.dlq's limit: its head, its size and its hash. */
    @Test
    void anOversizedBadRecordIsDeadLetteredBounded() {
        try (ScoringHarness h = new ScoringHarness(ScoringHarness.options())) {
            h.pipeModel(v1());
            byte[] huge = new byte[3 * 1024 * 1024];
            new java.util.SplittableRandom(9).nextBytes(huge);
            huge[0] = 7; // not the Confluent magic byte
            h.pipeRaw("robot-9", huge);
            h.tick();
            DeadLetter d = h.deadLetters().get(0);
            assertEquals("BAD_MAGIC_BYTE", d.getReason());
            assertTrue(d.getTruncated());
            assertEquals(huge.length, d.getOriginalValueBytes());
            assertTrue(d.getValue().remaining() <= io.braid.topics.TopicCatalog.maxDeadLetterPayloadBytes());
            assertEquals(io.braid.topics.DeadLetterBound.sha256(java.nio.ByteBuffer.wrap(huge)), d.getValueSha256());
        }
    }

    @Test
    void undecodableAndInvalidWindowsGoToTheDeadLetterTopicAndScoringGoesOn() {
        try (ScoringHarness h = new ScoringHarness(ScoringHarness.options())) {
            h.pipeModel(v1());
            byte[] badMagic = {1, 2, 3, 4, 5, 6};
            byte[] unknownId = {0, 0, 0, 0x7f, (byte) 0xff, 2, 4, 6};
            byte[] truncated = {0, 0, 1};
            MultimodalWindow good = ScoringFixtures.window(data, 2, "robot-3");
            MultimodalWindow wrongShape = MultimodalWindow.newBuilder(good)
                    .setWindowId("bad-shape")
                    .setSensorChannels(7)
                    .build();
            MultimodalWindow otherVocab = MultimodalWindow.newBuilder(good)
                    .setWindowId("bad-vocab")
                    .setVocabVersion("v0")
                    .build();
            MultimodalWindow nan = MultimodalWindow.newBuilder(good)
                    .setWindowId("bad-nan")
                    .setSensor(withNaN(good.getSensor()))
                    .build();
            h.pipeRaw("robot-3", badMagic);
            h.pipeRaw("robot-3", unknownId);
            h.pipeRaw("robot-3", truncated);
            h.pipe(wrongShape);
            h.pipe(otherVocab);
            h.pipe(nan);
            h.pipe(good);
            h.tick();
            List<DeadLetter> dead = h.deadLetters();
            assertEquals(
                    List.of(
                            "BAD_MAGIC_BYTE",
                            "UNKNOWN_SCHEMA_ID",
                            "TRUNCATED_PAYLOAD",
                            "WRONG_SHAPE",
                            "VOCAB_MISMATCH",
                            "NON_FINITE"),
                    dead.stream().map(DeadLetter::getReason).toList());
            assertEquals(
                    List.of("deserialize", "deserialize", "deserialize", "validate", "validate", "validate"),
                    dead.stream().map(DeadLetter::getStage).toList());
            for (int i = 0; i < dead.size(); i++) {
                assertEquals(h.options.windowsTopic(), dead.get(i).getSourceTopic());
                assertEquals(0, dead.get(i).getSourcePartition());
                assertEquals(i, dead.get(i).getSourceOffset());
                assertArrayEquals("robot-3".getBytes(), dead.get(i).getKey().array());
            }
            assertArrayEquals(badMagic, dead.get(0).getValue().array());
            assertArrayEquals(h.bytes(wrongShape), dead.get(3).getValue().array());
            List<Embedding> out = h.embeddings();
            assertEquals(1, out.size(), "the good window after them is scored");
            assertEquals(good.getWindowId(), out.get(0).getWindowId());
            assertEquals(1.0, h.metrics.deadLetters("UNKNOWN_SCHEMA_ID"));
            assertEquals(1.0, h.metrics.deadLetters("WRONG_SHAPE"));
            assertEquals(0, h.buffered());
        }
    }

    private static List<Float> withNaN(List<Float> s) {
        List<Float> l = new ArrayList<>(s);
        l.set(5, Float.NaN);
        return l;
    }

    @Test
    void aSwapBetweenTwoRecordsChangesTheVersionStampAtThatBoundary() throws Exception {
        ScoringOptions.Builder b = ScoringHarness.options();
        b.maxBatchSize = 1; // every window is its own batch: the boundary is exactly between records
        try (ScoringHarness h = new ScoringHarness(b);
                InferenceModel m1 = direct(comm1, "v1");
                InferenceModel m2 = direct(comm2, "v2")) {
            h.pipeModel(v1());
            MultimodalWindow a = ScoringFixtures.window(data, 0, "robot-0"),
                    c = ScoringFixtures.window(data, 1, "robot-0");
            h.pipe(a);
            h.pipeModel(v2());
            h.pipe(c);
            List<Embedding> out = h.embeddings();
            assertEquals(
                    List.of("v1", "v2"),
                    out.stream().map(Embedding::getModelVersion).toList());
            assertArrayEquals(m1.embed(a).fused(), floats(out.get(0).getFused()));
            assertArrayEquals(m2.embed(c).fused(), floats(out.get(1).getFused()));
            assertNotEquals(m1.embed(c).fused()[0], floats(out.get(1).getFused())[0], "v2 is another model than v1");
            assertEquals(30, out.get(1).getModelTrainedThrough().toEpochMilli() / 1000 - START / 1000);
            assertEquals(2.0, h.metrics.snapshot().swaps());
            assertEquals(1, h.models.closedModels(), "v1 closed once no batch held it");
            // an older version arriving late is ignored
            h.pipeModel(v1());
            assertEquals("v2", h.models.current().getVersion());
        }
    }

    @Test
    void microBatchedScoringGivesTheVectorsOfOneAtATimeScoring() {
        List<MultimodalWindow> ws = new ArrayList<>();
        for (int i = 0; i < 20; i++)
            ws.add(ScoringFixtures.window(
                    data,
                    i,
                    "robot-" + (i % 3),
                    i % 5 == 4 ? new Presence(true, true, false) : new Presence(true, true, true)));
        ScoringOptions.Builder batched = ScoringHarness.options();
        batched.maxBatchSize = 8;
        ScoringOptions.Builder single = ScoringHarness.options();
        single.maxBatchSize = 1;
        List<Embedding> a, c;
        try (ScoringHarness h = new ScoringHarness(batched)) {
            h.pipeModel(v1());
            ws.forEach(h::pipe);
            h.tick(); // the last 4 (20 = 8 + 8 + 4)
            a = h.embeddings();
        }
        try (ScoringHarness h = new ScoringHarness(single)) {
            h.pipeModel(v1());
            ws.forEach(h::pipe);
            c = h.embeddings();
        }
        assertEquals(20, a.size());
        assertEquals(20, c.size());
        double max = 0;
        for (int i = 0; i < 20; i++) {
            assertEquals(ws.get(i).getWindowId(), a.get(i).getWindowId());
            assertEquals(ws.get(i).getWindowId(), c.get(i).getWindowId());
            max = Math.max(max, maxAbsDiff(a.get(i).getFused(), c.get(i).getFused()));
            assertEquals(
                    a.get(i).getPerModality().keySet(),
                    c.get(i).getPerModality().keySet());
            for (Map.Entry<String, List<Float>> e : a.get(i).getPerModality().entrySet())
                max = Math.max(
                        max, maxAbsDiff(e.getValue(), c.get(i).getPerModality().get(e.getKey())));
        }
        System.out.printf("micro-batched (8) vs one at a time: max abs difference %.3g over 20 windows%n", max);
        assertTrue(max <= 1e-5, "max abs difference " + max);
    }

    private static double maxAbsDiff(List<Float> x, List<Float> y) {
        assertEquals(x.size(), y.size());
        double m = 0;
        for (int i = 0; i < x.size(); i++) m = Math.max(m, Math.abs(x.get(i) - y.get(i)));
        return m;
    }

    @Test
    void aBadArtifactIsSkippedAndCountedWhileThePreviousModelKeepsScoring() throws Exception {
        try (ScoringHarness h = new ScoringHarness(ScoringHarness.options())) {
            h.pipeModel(v1());
            ModelVersion badSum = ModelVersion.newBuilder(v2())
                    .setVersion("v2-bad-sum")
                    .setSha256("00".repeat(32))
                    .build();
            h.pipeModel(badSum);
            Path missing = dir.resolve("nowhere.ckpt");
            ModelVersion gone = ModelVersion.newBuilder(v2())
                    .setVersion("v3-missing")
                    .setCreatedAt(v2().getCreatedAt().plusSeconds(1))
                    .setArtifactUri(missing.toUri().toString())
                    .build();
            h.pipeModel(gone);
            Path corrupt = dir.resolve("corrupt.ckpt");
            byte[] junk = "not a checkpoint".getBytes();
            Files.write(corrupt, junk);
            ModelVersion broken = ModelVersion.newBuilder(v2())
                    .setVersion("v4-corrupt")
                    .setCreatedAt(v2().getCreatedAt().plusSeconds(2))
                    .setArtifactUri(corrupt.toUri().toString())
                    .setSha256(ModelSource.sha256(junk))
                    .build();
            h.pipeModel(broken);
            assertEquals("v1", h.models.current().getVersion());
            assertEquals(1.0, h.metrics.loadFailures("CHECKSUM_MISMATCH"));
            assertEquals(1.0, h.metrics.loadFailures("MISSING_ARTIFACT"));
            assertEquals(1.0, h.metrics.loadFailures("CORRUPT_ARTIFACT"));
            h.pipe(ScoringFixtures.window(data, 0, "robot-0"));
            h.tick();
            assertEquals("v1", h.embeddings().get(0).getModelVersion());
            // the bad one again (the compacted topic re-read) is not retried or counted twice
            h.pipeModel(badSum);
            assertEquals(1.0, h.metrics.loadFailures("CHECKSUM_MISMATCH"));
        }
    }

    @Test
    void aDiMmlModelPredictsCertaintyWeightedClassProbabilities() {
        try (ScoringHarness h = new ScoringHarness(ScoringHarness.options())) {
            h.pipeModel(ScoringFixtures.version(dimml, "d1", "dimml", 0, START));
            h.pipe(ScoringFixtures.window(data, 0, "robot-0"));
            h.pipe(ScoringFixtures.window(data, 1, "robot-0", new Presence(true, true, false)));
            h.tick();
            List<Prediction> p = h.predictions();
            List<Embedding> e = h.embeddings();
            assertEquals(2, p.size());
            assertEquals(2, e.size());
            for (Prediction x : p) {
                assertEquals("dimml", x.getTask());
                assertEquals("d1", x.getModelVersion());
                assertEquals(16, x.getProbabilities().size());
                assertEquals(16, x.getClassLabels().size());
                double sum = 0;
                int arg = 0;
                for (int k = 0; k < 16; k++) {
                    sum += x.getProbabilities().get(k);
                    if (x.getProbabilities().get(k) > x.getProbabilities().get(arg)) arg = k;
                }
                assertEquals(1.0, sum, 1e-5);
                assertEquals(arg, x.getPredicted());
                assertEquals(
                        1.0,
                        x.getCertaintyWeights().values().stream()
                                .mapToDouble(Float::doubleValue)
                                .sum(),
                        1e-5);
            }
            assertEquals(
                    java.util.Set.of("SENSOR", "VISION", "TEXT", "FUSION"),
                    p.get(0).getCertaintyWeights().keySet());
            assertEquals(
                    java.util.Set.of("SENSOR", "VISION", "FUSION"),
                    p.get(1).getCertaintyWeights().keySet());
            assertEquals(
                    java.util.Set.of("SENSOR", "VISION"),
                    e.get(1).getCertainty().keySet());
            assertEquals(
                    p.get(1).getCertaintyWeights().get("SENSOR"),
                    e.get(1).getCertainty().get("SENSOR"));
            assertNull(e.get(0).getCertainty().get("FUSION"));
        }
    }
}
