package io.braid.trainer.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Golden values of methods.md §8 (float32, 1e-5) and the listed invariants. */
class LossGoldenTest {
    static final double TOL = 1e-5;
    static NDManager m;

    @BeforeAll
    static void up() {
        m = NDManager.newBaseManager();
    }

    @AfterAll
    static void down() {
        m.close();
    }

    /** E_v,k[n][d] = sin(1.0 + 0.5v + 0.9k + 0.7n + 1.3d), N=4, D=3. */
    static NDArray comm(int v, int k) {
        float[] x = new float[12];
        for (int n = 0; n < 4; n++)
            for (int d = 0; d < 3; d++) x[n * 3 + d] = (float) Math.sin(1.0 + 0.5 * v + 0.9 * k + 0.7 * n + 1.3 * d);
        return m.create(x, new Shape(4, 3));
    }

    static NDArray views(int v) {
        return NDArrays.stack(new NDList(comm(v, 0), comm(v, 1), comm(v, 2)));
    }

    @Test
    void ntXentGoldenAndSymmetric() {
        assertEquals(
                1.1952920190392657, Losses.ntXent(comm(1, 2), comm(2, 2), 0.1).getFloat(), TOL);
        assertEquals(
                1.1952920190392657, Losses.ntXent(comm(2, 2), comm(1, 2), 0.1).getFloat(), TOL);
    }

    @Test
    void ntXentOrthogonalRows() {
        NDArray a = m.eye(4).mul(3f); // orthogonal rows, A = B
        double expected = Math.log(1 + (2 * 4 - 2) * Math.exp(-1 / 0.1));
        assertEquals(expected, Losses.ntXent(a, a, 0.1).getFloat(), TOL);
    }

    @Test
    void commGolden() {
        float[] t = Losses.comm(views(1), views(2), null, null, 0.1).toFloatArray();
        assertArrayEquals(
                new float[] {11.35096074269087f, 4.2361879426925455f, 1.1952920190392657f, 5.594146901474226f},
                t,
                (float) TOL);
    }

    @Test
    void commFullTermOnlyIsSimClr() {
        NDArray z1 = comm(1, 2).expandDims(0), z2 = comm(2, 2).expandDims(0);
        float[] t = Losses.comm(z1, z2, null, null, 0.1).toFloatArray();
        assertEquals(Losses.ntXent(comm(1, 2), comm(2, 2), 0.1).getFloat(), t[1], TOL);
    }

    @Test
    void commAnchorWeightsOfOneAreNoOp() {
        NDArray ones = m.ones(new Shape(3, 4));
        float[] t = Losses.comm(views(1), views(2), ones, ones, 0.1).toFloatArray();
        assertEquals(5.594146901474226, t[3], TOL);
    }

    /** z(m, view)[n][d] = sin(0.3 + 0.8m + 0.45view + 0.6n + 1.1d) + 0.3cos(0.5nd + m), N=6, K=4. */
    static NDArray decurZ(int mod, int view) {
        float[] x = new float[24];
        for (int n = 0; n < 6; n++)
            for (int d = 0; d < 4; d++)
                x[n * 4 + d] = (float) (Math.sin(0.3 + 0.8 * mod + 0.45 * view + 0.6 * n + 1.1 * d)
                        + 0.3 * Math.cos(0.5 * n * d + mod));
        return m.create(x, new Shape(6, 4));
    }

    @Test
    void decurGolden() {
        NDArray z = NDArrays.stack(new NDList(
                NDArrays.stack(new NDList(decurZ(1, 1), decurZ(1, 2))),
                NDArrays.stack(new NDList(decurZ(2, 1), decurZ(2, 2)))));
        float[] r = Losses.decur(z, null, 3, 0.0051).toFloatArray();
        assertEquals(0.27637824869954336, r[0], TOL);
        assertEquals(0.047033319886950836, r[1], TOL);
        assertEquals(0.06364926754508465, r[2], TOL);
        assertEquals(0.8243964133655483, r[3], TOL);
        assertEquals(0.6125079039676411, r[4], TOL);
    }

    @Test
    void barlowIdenticalViewsIsLambdaOffDiagonal() {
        NDArray a = decurZ(1, 1).expandDims(0);
        NDArray c = Losses.crossCorrelation(a, a, null);
        float lambda = 0.0051f;
        float[] cv = c.toFloatArray();
        double off = 0;
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) if (i != j) off += cv[i * 4 + j] * cv[i * 4 + j];
        assertEquals(lambda * off, Losses.barlow(c, lambda, false).getFloat(0), 1e-4);
    }

    @Test
    void ducGolden() {
        float[] a = new float[15], v = new float[15];
        for (int b = 0; b < 3; b++)
            for (int d = 0; d < 5; d++) {
                a[b * 5 + d] = (float) (2 * Math.abs(Math.sin(0.4 + 0.9 * b + 0.7 * d)));
                v[b * 5 + d] = (float) (2 * Math.abs(Math.cos(0.2 + 0.6 * b + 1.1 * d)));
            }
        NDArray av = m.create(a, new Shape(3, 5)), vv = m.create(v, new Shape(3, 5));
        NDArray aOnly = m.create(new float[] {1, 0, 1, 0, 0});
        NDArray vOnly = m.create(new float[] {0, 1, 0, 0, 1});
        float lv = Losses.duc(vv, av, aOnly, null, 2.0, false).getFloat();
        float la = Losses.duc(av, vv, vOnly, null, 2.0, false).getFloat();
        assertEquals(1.2767396702775162, lv, TOL);
        assertEquals(1.2873524162312506, la, TOL);
        assertEquals(2.564092086508767, lv + la, TOL);
    }

    static final double[][][] LOGITS = {
        {{2, 0.5, -1}, {0.1, 0.2, 0.3}}, {{0, 1.5, 0.2}, {3, -1, 0}}, {{1, 1, 0}, {0.5, 0.5, 2.5}}
    };

    @Test
    void certaintyGolden() {
        double[][] w = DiMml.certaintyWeights(LOGITS, null, 1.0);
        double[][] expected = {{0.38685004, 0.23319159}, {0.34413718, 0.41196342}, {0.26901278, 0.35484499}};
        for (int k = 0; k < 3; k++) assertArrayEquals(expected[k], w[k], 1e-7);
        double[][] fused = DiMml.fuse(LOGITS, w);
        assertArrayEquals(new double[] {1.04271286, 0.97864357, -0.3180226}, fused[0], 1e-7);
        assertArrayEquals(new double[] {1.43663191, -0.1879026, 0.95706995}, fused[1], 1e-7);
        assertEquals(0, DiMml.argmax(fused[0]));
        assertEquals(0, DiMml.argmax(fused[1]));
    }

    @Test
    void certaintyWeightsSumToOneAndFlattenWithTemperature() {
        for (double t : new double[] {0.5, 1, 3}) {
            double[][] w = DiMml.certaintyWeights(LOGITS, null, t);
            for (int b = 0; b < 2; b++) assertEquals(1.0, w[0][b] + w[1][b] + w[2][b], 1e-12);
        }
        double[][] w = DiMml.certaintyWeights(LOGITS, null, 1e9);
        for (int k = 0; k < 3; k++) for (int b = 0; b < 2; b++) assertEquals(1.0 / 3, w[k][b], 1e-8);
    }

    @Test
    void certaintyIgnoresAbsentBranches() {
        boolean[][] present = {{true, false}, {true, true}, {true, true}};
        double[][] w = DiMml.certaintyWeights(LOGITS, present, 1.0);
        assertEquals(0.0, w[0][1]);
        assertEquals(1.0, w[1][1] + w[2][1], 1e-12);
    }

    @Test
    void effectiveDimsGolden() {
        float[][] f = {{0.1f, 2.0f, 1.0f}, {0.2f, 2.1f, 0.0f}, {1.0f, 0.1f, 1.1f}, {1.1f, 0.0f, 0.1f}};
        int[] y = {0, 0, 1, 1};
        assertArrayEquals(new double[] {1, 1, 0.5}, DiMml.perDimAccuracy(f, y, 2), 1e-12);
        boolean[] e = DiMml.effectiveDims(f, y, 2);
        assertTrue(e[0] && e[1] && !e[2]);
    }
}
