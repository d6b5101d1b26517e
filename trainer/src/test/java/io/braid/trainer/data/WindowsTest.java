package io.braid.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.trainer.model.Batch;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WindowsTest {
    static final Windows W = Windows.of(SimulatedDataset.generate(DatasetSpec.defaults(5, 1200)));

    @Test
    void augmentationIsDeterministicPerSeedAndDiffersAcrossViews() {
        int[] idx = {0, 10, 20, 30};
        Batch a = W.augmented(idx, 2, 42, 3, null), b = W.augmented(idx, 2, 42, 3, null);
        assertArrayEquals(a.image, b.image);
        assertArrayEquals(a.sensor, b.sensor);
        assertArrayEquals(a.tokens, b.tokens);
        Batch c = W.augmented(idx, 2, 43, 3, null);
        assertFalse(Arrays.equals(a.image, c.image));
        int half = a.image.length / 2;
        assertFalse(Arrays.equals(Arrays.copyOf(a.image, half), Arrays.copyOfRange(a.image, half, 2 * half)));
    }

    @Test
    void textMaskingNeverTouchesPadAndMasksAboutFifteenPercent() {
        int masked = 0, words = 0;
        for (int i = 0; i < 400; i++) {
            int[] src = W.tokens[i];
            int[] dst = new int[src.length];
            Augmenter.text(src, new SplittableRandom(i), dst, 0);
            for (int k = 0; k < src.length; k++) {
                if (src[k] == Augmenter.PAD) assertEquals(Augmenter.PAD, dst[k]);
                else {
                    words++;
                    if (dst[k] == Augmenter.MASK) masked++;
                }
            }
        }
        double frac = (double) masked / words;
        assertTrue(frac > 0.11 && frac < 0.19, "masked fraction " + frac);
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
