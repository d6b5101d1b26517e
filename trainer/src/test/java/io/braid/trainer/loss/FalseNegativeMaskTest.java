package io.braid.trainer.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The false-negative mask of the online batches removes exactly the masked similarities from NT-Xent. */
class FalseNegativeMaskTest {
    @Test
    void aMaskedDuplicateNoLongerCountsAsANegative() {
        try (NDManager m = NDManager.newBaseManager()) {
            // rows 0 and 1 are the same window (a false negative of each other); 2 and 3 orthogonal to them
            float[] x = {3, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0, 3};
            NDArray a = m.create(x, new Shape(4, 3)).expandDims(0);
            NDArray fn = m.create(new float[] {0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, new Shape(4, 4));
            double tau = 0.1, e = Math.exp(-1 / tau);
            // anchors 0, 1 (both views): 4 orthogonal negatives left; anchors 2, 3: 6 orthogonal negatives
            double want = (4 * Math.log(1 + 4 * e) + 4 * Math.log(1 + 6 * e)) / 8;
            assertEquals(want, Losses.ntXent(a, a, null, fn, tau).getFloat(0), 1e-5);
            double unmasked = Losses.ntXent(a, a, null, tau).getFloat(0);
            assertEquals(
                    unmasked,
                    Losses.ntXent(a, a, null, m.zeros(new Shape(4, 4)), tau).getFloat(0),
                    1e-6);
            // unmasked, the duplicate is a negative as similar as the positive: a much larger loss
            assertEquals(true, unmasked > want + 0.5, "unmasked " + unmasked + " vs masked " + want);
        }
    }
}
