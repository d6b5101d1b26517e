package io.braid.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogisticProbeTest {
    /** One-hot code of the label among distractor one-hot codes: the probe must be perfect. */
    @Test
    void oneHotLabelIsPerfectlyDecodable() {
        SplittableRandom r = new SplittableRandom(1);
        int n = 600;
        float[][] x = new float[n][16];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(4);
            x[i][y[i]] = 1;
            for (int k = 1; k < 4; k++) x[i][4 * k + r.nextInt(4)] = 1;
        }
        LogisticProbe p = LogisticProbe.fitCv(x, y, 4, 5, 3);
        double acc = LogisticProbe.balancedAccuracy(y, p.predict(x), 4);
        assertEquals(1.0, acc, 1e-9, "C=" + p.c);
    }

    @Test
    void classBalancedOnImbalancedData() {
        SplittableRandom r = new SplittableRandom(2);
        int n = 1000;
        float[][] x = new float[n][2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextDouble() < 0.1 ? 1 : 0;
            x[i][0] = (float) (r.nextGaussian() + (y[i] == 1 ? 1.5 : 0));
            x[i][1] = (float) r.nextGaussian();
        }
        LogisticProbe p = LogisticProbe.fitCv(x, y, 2, 5, 3);
        // an unweighted log-loss probe would predict mostly the majority class
        assertTrue(LogisticProbe.balancedAccuracy(y, p.predict(x), 2) > 0.7);
    }

    /** A probe published as a head and read back predicts the same classes, with probabilities that sum to one. */
    @Test
    void headRoundTripPredictsTheSame() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 400;
        float[][] x = new float[n][6];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
            for (int j = 0; j < 6; j++) x[i][j] = (float) (r.nextGaussian() + (j == y[i] ? 2 : 0) + 10);
        }
        LogisticProbe p = LogisticProbe.fitCv(x, y, 3, 3, 3);
        io.braid.avro.LinearHead h = p.toHead("t", java.util.List.of("a", "b", "c"), 0.9);
        assertEquals(3 * 7, h.getWeights().size());
        LogisticProbe back = LogisticProbe.fromHead(h);
        int[] before = p.predict(x), after = back.predict(x);
        int same = 0;
        for (int i = 0; i < n; i++) {
            if (before[i] == after[i]) same++;
            double[] pr = back.probabilities(x[i]);
            assertEquals(1.0, pr[0] + pr[1] + pr[2], 1e-9);
            int arg = pr[1] > pr[0] ? (pr[2] > pr[1] ? 2 : 1) : (pr[2] > pr[0] ? 2 : 0);
            assertEquals(after[i], arg);
        }
        assertTrue(same >= n - 2, "float rounding may flip a tie at most: " + same); // weights travel as floats
        assertTrue(LogisticProbe.balancedAccuracy(y, after, 3) > 0.8);
        h.getWeights().remove(0);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> LogisticProbe.fromHead(h));
    }
}
