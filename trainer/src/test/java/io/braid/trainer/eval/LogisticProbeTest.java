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
}
