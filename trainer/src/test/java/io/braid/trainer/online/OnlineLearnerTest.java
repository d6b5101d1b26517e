package io.braid.trainer.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.TrainingPair;
import io.braid.text.Tokenizer;
import io.braid.trainer.model.Batch;
import io.braid.trainer.model.LocalModelStore;
import io.braid.trainer.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learner on a tiny CoMM model: guard, rollback, checkpoint and resume (DJL, a few steps of 16 pairs). */
class OnlineLearnerTest {
    static final ModelConfig CFG = Fixtures.tiny(ModelConfig.COMM);

    @TempDir
    Path dir;

    static OnlineLearner learner(LocalModelStore s, StepGuard g) throws Exception {
        return new OnlineLearner(s, CFG, Tokenizer.VERSION, "mm.train", 1e-3, 1e-2, 3, g, m -> {});
    }

    static PairBatcher.Drawn drawn(OnlineLearner l, int from) throws Exception {
        List<PairBatcher.Item> items = new ArrayList<>();
        List<TrainingPair> ps = Fixtures.stream(4, 8, 2);
        for (int i = 0; i < 16; i++)
            items.add(new PairBatcher.Item(l.adapter().decode(ps.get(from + i)), 0, from + i, 0));
        return new PairBatcher.Drawn(items, PairBatcher.falseNegatives(items, 2000), PairBatcher.hash(items));
    }

    static Batch poisoned(OnlineLearner l, PairBatcher.Drawn d) {
        Batch b = l.adapter().batch(d.samples(), null);
        b.sensor[3] = Float.NaN; // what the adapter would refuse: stands in for a diverged step
        return b;
    }

    static float[] param(OnlineLearner l) {
        return l.model().params().params().get("fusion.cls").toFloatArray();
    }

    @Test
    void nonFiniteStepsAreSkippedThenRolledBackAndACorruptLatestFallsBackToThePrevious() throws Exception {
        LocalModelStore s = new LocalModelStore(dir);
        String first;
        try (OnlineLearner l = learner(s, new StepGuard(2, 2))) {
            PairBatcher.Drawn d = drawn(l, 0);
            assertTrue(l.train(d).applied());
            first = l.checkpoint(1).meta().version();
            float[] atCheckpoint = param(l);
            assertTrue(l.train(drawn(l, 16)).applied());
            assertFalse(java.util.Arrays.equals(atCheckpoint, param(l)));

            OnlineLearner.StepReport r1 = l.train(poisoned(l, d), d);
            assertEquals(StepGuard.Action.SKIP, r1.action());
            assertFalse(r1.applied());
            OnlineLearner.StepReport r2 = l.train(poisoned(l, d), d);
            assertEquals(StepGuard.Action.ROLLBACK, r2.action());
            assertArrayEquals(atCheckpoint, param(l));
            assertEquals(1, l.step());
            assertEquals(2, l.guard().skipped());

            assertTrue(l.train(d).applied());
            l.checkpoint(2);
        }
        // corrupt the newest: the next start resumes from the one before
        Path newest = s.path(s.list().get(1).name());
        byte[] b = Files.readAllBytes(newest);
        b[b.length / 2] ^= 1;
        Files.write(newest, b);
        try (OnlineLearner l = learner(s, new StepGuard(1, 1))) {
            assertNotNull(l.resumedFrom());
            assertEquals(first, l.resumedFrom().version());
            assertEquals(1, l.step());
            assertEquals(16, l.pairsTrained());
            // a sustained failure: one rollback did not help, the next refused step stops training
            PairBatcher.Drawn d = drawn(l, 0);
            assertEquals(StepGuard.Action.ROLLBACK, l.train(poisoned(l, d), d).action());
            OnlineLearner.TrainingFailedException e =
                    assertThrows(OnlineLearner.TrainingFailedException.class, () -> l.train(poisoned(l, d), d));
            assertTrue(e.getMessage().contains("rollbacks"), e.getMessage());
        }
    }

    @Test
    void aResumedLearnerHasTheCheckpointsStepRngAndOffsets() throws Exception {
        LocalModelStore s = new LocalModelStore(dir);
        long rng;
        try (OnlineLearner l = learner(s, new StepGuard(3, 3))) {
            PairBatcher.Drawn d = drawn(l, 0);
            for (PairBatcher.Item i : d.items()) l.ledger().buffered(i.partition(), i.offset());
            l.ledger().buffered(0, 16); // still in the shuffle buffer at checkpoint time
            l.train(d);
            l.rng().nextLong();
            rng = l.rng().state();
            l.checkpoint(5);
        }
        try (OnlineLearner l = learner(s, new StepGuard(3, 3))) {
            assertEquals(1, l.step());
            assertEquals(rng, l.rng().state());
            assertEquals(16, l.ledger().seekPosition(0));
            assertEquals(List.of(16L), l.ledger().snapshot().get(0).pending());
            assertEquals(Fixtures.START + 4000, l.trainedThrough());
        }
    }
}
