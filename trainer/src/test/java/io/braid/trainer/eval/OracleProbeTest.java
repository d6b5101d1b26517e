package io.braid.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.producers.sim.Rendering;
import io.braid.producers.sim.SegmentFactors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The synergy bar of the probe protocol (methods.md §6.6 correction): on balanced probe sets a class-balanced log-loss
 * linear probe scores chance on additive codes and far above chance on a joint code, with CV folds grouped by segment.
 */
class OracleProbeTest {
    static final int[] PI = Rendering.defaultColorMap();

    /** Rows of short segments (1..4 ticks) of i.i.d. probe-distribution factors, with their segment ids. */
    record Data(SegmentFactors[] f, long[] group) {}

    static Data segments(int segments, long seed) {
        return segments(PI, 4, segments, seed);
    }

    /** The same with π of any K1 and K2 drifts / zones. */
    static Data segments(int[] pi, int s2Values, int segments, long seed) {
        SegmentFactors[] per = ProbeSuite.oracleFactors(pi, s2Values, segments, seed);
        SplittableRandom r = new SplittableRandom(seed ^ 0x5EED);
        List<SegmentFactors> f = new ArrayList<>();
        List<Long> g = new ArrayList<>();
        for (int s = 0; s < segments; s++)
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                f.add(per[s]);
                g.add((long) s);
            }
        return new Data(
                f.toArray(SegmentFactors[]::new),
                g.stream().mapToLong(Long::longValue).toArray());
    }

    /** Noisy copies of the code (fresh noise per tick, as rendering noise would give). */
    static float[][] noisy(float[][] x, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i].clone();
            for (int j = 0; j < out[i].length; j++) out[i][j] += (float) (0.05 * r.nextGaussian());
        }
        return out;
    }

    @Test
    void additiveCodesScoreChanceAndAJointCodeFarAbove() {
        int seeds = 3;
        double[][] add = new double[2][seeds], joint = new double[2][seeds];
        for (int i = 0; i < seeds; i++) {
            SeedPlan plan = SeedPlan.of(7, i);
            Data tr = segments(300, plan.data()), te = segments(300, plan.data() + 1);
            float[][] atr = noisy(ProbeSuite.oracle(tr.f()), plan.init()),
                    ate = noisy(ProbeSuite.oracle(te.f()), plan.init() + 1);
            float[][] jtr = noisy(ProbeSuite.jointOracle(tr.f()), plan.init()),
                    jte = noisy(ProbeSuite.jointOracle(te.f()), plan.init() + 1);
            for (int s = 0; s < 2; s++) {
                ProbeSuite.Probe p = ProbeSuite.probes(PI).get(4 + s); // S1, S2
                assertEquals(s == 0 ? "S1" : "S2", p.name());
                int[] ytr = ProbeSuite.labels(tr.f(), p.label()), yte = ProbeSuite.labels(te.f(), p.label());
                add[s][i] = ProbeSuite.linear(atr, ytr, tr.group(), ate, yte, p.classes(), 3, plan.augmentation());
                joint[s][i] = ProbeSuite.linear(jtr, ytr, tr.group(), jte, yte, p.classes(), 3, plan.augmentation());
            }
        }
        double[] chance = {0.5, 0.25};
        for (int s = 0; s < 2; s++) {
            Ci a = Ci.of(add[s]), j = Ci.of(joint[s]);
            // S1: chance within the seeds' 95% interval. S2 (4 classes): the arg-max of a finite-sample additive fit
            // keeps a small bias above chance that does not shrink with n (measured 0.278 +- 0.004 here, 0.275 on
            // 4000 i.i.d. samples; derivation in trainer/README), so the bar is the measured additive oracle.
            if (s == 0) assertTrue(a.contains(chance[s]), "S1 additive " + a.format() + " vs chance 0.5");
            else assertTrue(a.mean() - chance[s] < 0.04, "S2 additive " + a.format() + " vs chance 0.25");
            assertTrue(j.mean() - j.halfWidth() > 0.9, "S" + (s + 1) + " joint " + j.format());
        }
    }

    @Test
    void groupedFoldsKeepEverySegmentInOneFoldAndStratify() {
        Data d = segments(200, 3);
        int[] y = ProbeSuite.labels(d.f(), f -> f.s1Label(PI));
        int[] fold = LogisticProbe.groupedFolds(y, d.group(), 2, 5, 9);
        java.util.Map<Long, Integer> seen = new java.util.HashMap<>();
        int[][] perFold = new int[5][2];
        for (int i = 0; i < y.length; i++) {
            Integer prev = seen.putIfAbsent(d.group()[i], fold[i]);
            assertTrue(prev == null || prev == fold[i], "segment " + d.group()[i] + " in two folds");
            perFold[fold[i]][y[i]]++;
        }
        Set<Integer> used = new HashSet<>();
        for (int f : fold) used.add(f);
        assertEquals(5, used.size());
        for (int[] c : perFold) {
            // each fold holds about a fifth of each label's rows (segments of 1..4 ticks: within 8 rows of it)
            for (int k = 0; k < 2; k++) {
                int total = 0;
                for (int[] cc : perFold) total += cc[k];
                assertTrue(Math.abs(c[k] - total / 5.0) <= 8, java.util.Arrays.deepToString(perFold));
            }
        }
    }

    /** The MLP probe multiplies features: it decodes S1 from the additive one-hot code the linear probe cannot use. */
    @Test
    void mlpDecodesS1FromAnAdditiveCode() {
        SegmentFactors[] tr = ProbeSuite.oracleFactors(PI, 800, 21), te = ProbeSuite.oracleFactors(PI, 800, 22);
        int[] ytr = ProbeSuite.labels(tr, f -> f.s1Label(PI)), yte = ProbeSuite.labels(te, f -> f.s1Label(PI));
        MlpProbe m = MlpProbe.fit(ProbeSuite.oracle(tr), ytr, 2, ProbeSuite.MLP_ALPHA, 1);
        double acc = LogisticProbe.balancedAccuracy(yte, m.predict(ProbeSuite.oracle(te)), 2);
        assertTrue(acc > 0.9, "MLP on the additive code: " + acc);
    }

    @Test
    void tIntervalAndSeedPlan() {
        Ci c = Ci.of(new double[] {0.5, 0.6, 0.7});
        assertEquals(0.6, c.mean(), 1e-12);
        assertEquals(4.303 * 0.1 / Math.sqrt(3), c.halfWidth(), 1e-9);
        SeedPlan a = SeedPlan.of(7, 0), b = SeedPlan.of(7, 1);
        Set<Long> all = Set.of(a.data(), a.init(), a.augmentation(), b.data(), b.init(), b.augmentation());
        assertEquals(6, all.size());
        assertEquals(a, SeedPlan.of(7, 0));
    }
}
