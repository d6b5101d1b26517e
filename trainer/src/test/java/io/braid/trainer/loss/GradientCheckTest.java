package io.braid.trainer.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Central finite differences (float64) against autograd for every loss. */
class GradientCheckTest {
    static NDManager m;

    @BeforeAll
    static void up() {
        m = NDManager.newBaseManager();
    }

    @AfterAll
    static void down() {
        m.close();
    }

    static NDArray random(long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[(int) new Shape(shape).size()];
        for (int i = 0; i < d.length; i++) d[i] = r.nextGaussian();
        return m.create(d, new Shape(shape));
    }

    /** Checks d loss / d x for every entry of x. */
    static void check(NDArray x, Function<NDArray, NDArray> loss) {
        x.setRequiresGradient(true);
        double[] analytic;
        try (NDManager step = m.newSubManager();
                var gc = io.braid.trainer.model.ThreadGradients.open()) {
            NDArray l = loss.apply(x);
            gc.backward(l);
            analytic = x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        }
        double[] v = x.toDoubleArray();
        double h = 1e-6;
        NDArray base = x.stopGradient().duplicate();
        for (int i = 0; i < v.length; i++) {
            double[] p = v.clone(), q = v.clone();
            p[i] += h;
            q[i] -= h;
            double fp = loss.apply(m.create(p, base.getShape()))
                    .toType(DataType.FLOAT64, false)
                    .getDouble();
            double fq = loss.apply(m.create(q, base.getShape()))
                    .toType(DataType.FLOAT64, false)
                    .getDouble();
            double numeric = (fp - fq) / (2 * h);
            assertEquals(numeric, analytic[i], 1e-6 + 1e-5 * Math.abs(numeric), "entry " + i);
        }
    }

    @Test
    void ntXent() {
        NDArray b = random(2, 5, 3);
        check(random(1, 5, 3), a -> Losses.ntXent(a, b, 0.1));
    }

    @Test
    void ntXentWeighted() {
        NDArray b = random(2, 2, 5, 3);
        NDArray w = m.create(new double[] {1, 0, 1, 1, 0, 1, 1, 1, 0, 1}, new Shape(2, 5));
        check(random(1, 2, 5, 3), a -> Losses.ntXent(a, b, w, 0.2).sum());
    }

    @Test
    void comm() {
        NDArray z2 = random(4, 3, 4, 3);
        check(random(3, 3, 4, 3), z1 -> Losses.comm(z1, z2, null, null, 0.1).get(3));
    }

    @Test
    void decur() {
        check(random(5, 3, 2, 7, 4), z -> Losses.decur(z, null, 3, 0.0051).get(0));
    }

    @Test
    void decurWeighted() {
        double[] p = new double[3 * 7];
        for (int i = 0; i < p.length; i++) p[i] = i % 5 == 0 ? 0 : 1;
        NDArray pres = m.create(p, new Shape(3, 7));
        check(random(6, 3, 2, 7, 4), z -> Losses.decur(z, pres, 3, 0.0051).get(0));
    }

    @Test
    void ducStudent() {
        NDArray teacher = random(8, 4, 5).abs();
        NDArray mask = m.create(new double[] {1, 0, 1, 1, 0});
        check(random(7, 4, 5).abs(), s -> Losses.duc(s, teacher, mask, null, 2.0, false));
        check(random(9, 4, 5), s -> Losses.duc(s, teacher, mask, null, 0.1, true));
    }

    @Test
    void crossEntropy() {
        NDArray y = m.create(new double[] {1, 0, 0, 0, 0, 1, 0, 1, 0}, new Shape(3, 3));
        NDArray w = m.create(new double[] {1, 0.5, 2});
        check(random(10, 3, 3), x -> Losses.crossEntropy(x, y, w));
    }
}
