package io.braid.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.MultimodalWindow;
import io.braid.avro.TrainingPair;
import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.text.Tokenizer;
import io.braid.trainer.model.Batch;
import io.braid.trainer.model.ModelConfig;
import io.braid.trainer.online.TrainingPairBatches;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WindowsTest {
    static final Windows W = Windows.of(SimulatedDataset.generate(DatasetSpec.defaults(5, 1200)));

    static final TrainingPairBatches ADAPTER = Windows.adapter(
            ModelConfig.defaults("comm", Tokenizer.defaultTokenizer().vocabularySize(), 1));

    @Test
    void augmentationIsDeterministicPerEpochAndDiffersAcrossViewsAndEpochs() {
        int[] idx = {0, 10, 20, 30};
        Batch a = W.augmented(ADAPTER, idx, 2, 3, null), b = W.augmented(ADAPTER, idx, 2, 3, null);
        assertArrayEquals(a.image, b.image);
        assertArrayEquals(a.sensor, b.sensor);
        assertArrayEquals(a.tokens, b.tokens);
        Batch c = W.augmented(ADAPTER, idx, 2, 4, null);
        assertFalse(Arrays.equals(a.image, c.image));
        int half = a.image.length / 2;
        assertFalse(Arrays.equals(Arrays.copyOf(a.image, half), Arrays.copyOfRange(a.image, half, 2 * half)));
    }

    @Test
    void aTickIsTheCompleteWindowOfItsSourceAndEpoch() {
        MultimodalWindow w = W.window(7, 2);
        assertEquals("sim-5@" + (2L * 1200 + 7) * 1000, w.getWindowId());
        assertEquals(W.pipelineVersion(), w.getPipelineVersion());
        assertTrue(w.getPresence().getSensor()
                && w.getPresence().getVision()
                && w.getPresence().getText());
        float[] tc = SimulatedDataset.generate(DatasetSpec.defaults(5, 8)).sensor(7);
        for (int i = 0; i < tc.length; i++) assertEquals(tc[i], w.getSensor().get(i), "T x C on the wire");
        TrainingPair p = W.pairs(new int[] {7}, 2).get(0);
        assertEquals(w.getWindowId(), p.getWindowId());
    }

    @Test
    void oneViewBatchesCarryTheLabelsAndViewOne() {
        int[] idx = {1, 2, 3};
        Batch two = W.augmented(ADAPTER, idx, 2, 0, new int[] {4, 5, 6});
        Batch one = W.augmented(ADAPTER, idx, 1, 0, new int[] {4, 5, 6});
        assertEquals(6, two.rows);
        assertEquals(3, one.rows);
        assertArrayEquals(new int[] {4, 5, 6, 4, 5, 6}, two.labels);
        assertArrayEquals(new int[] {4, 5, 6}, one.labels);
        assertArrayEquals(one.image, Arrays.copyOf(two.image, one.image.length));
    }

    @Test
    void batchesTakeAtMostOneTickPerSegment() {
        List<int[]> batches = W.epochBatches(32, new SplittableRandom(1));
        assertTrue(batches.size() * 32 > W.size / 2);
        for (int[] b : batches) {
            Set<Long> segs = new HashSet<>();
            for (int i : b) assertTrue(segs.add(W.segment[i]), "segment repeated in a batch");
        }
    }

    @Test
    void plainImageIsNormalisedHwcToChw() {
        Batch b = W.plain(new int[] {0}, null);
        byte[] img = SimulatedDataset.generate(DatasetSpec.defaults(5, 1)).image(0);
        float r = (img[0] & 0xff) / 255f, g = (img[1] & 0xff) / 255f;
        assertEquals((r - 0.485f) / 0.229f, b.image[0], 1e-5);
        assertEquals((g - 0.456f) / 0.224f, b.image[32 * 32], 1e-5);
    }
}
