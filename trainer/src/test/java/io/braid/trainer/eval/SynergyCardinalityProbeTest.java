package io.braid.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.producers.sim.Rendering;
import io.braid.producers.sim.SegmentFactors;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The probe suite with other cardinalities of the synergy factors (K1 rhythms / colours, K2 drifts / zones): S2 has K2
 * classes and its synergy bar is still chance under the linear probe; K1 = K2 = 4 gives the codes and draws of before.
 */
class SynergyCardinalityProbeTest {
    static final int[] PI = Rendering.defaultColorMap();

    /** S2 = (drift + zone) mod 6: the additive code's linear probe stays near chance 1/6, the joint code far above. */
    @Test
    void s2WithSixClassesIsAtChanceOnTheAdditiveCodeAndFarAboveOnTheJointOne() {
        ProbeSuite.Probe p = ProbeSuite.probes(PI, 6).get(5);
        assertEquals("S2", p.name());
        assertEquals(6, p.classes());
        int seeds = 3;
        double[] add = new double[seeds], joint = new double[seeds];
        for (int i = 0; i < seeds; i++) {
            SeedPlan plan = SeedPlan.of(11, i);
            OracleProbeTest.Data tr = OracleProbeTest.segments(PI, 6, 600, plan.data()),
                    te = OracleProbeTest.segments(PI, 6, 600, plan.data() + 1);
            for (SegmentFactors f : tr.f()) assertEquals((f.drift() + f.zone()) % 6, f.s2Label());
            int[] ytr = ProbeSuite.labels(tr.f(), p.label()), yte = ProbeSuite.labels(te.f(), p.label());
            float[][] atr = OracleProbeTest.noisy(ProbeSuite.oracle(tr.f()), plan.init()),
                    ate = OracleProbeTest.noisy(ProbeSuite.oracle(te.f()), plan.init() + 1);
            float[][] jtr = OracleProbeTest.noisy(ProbeSuite.jointOracle(tr.f()), plan.init()),
                    jte = OracleProbeTest.noisy(ProbeSuite.jointOracle(te.f()), plan.init() + 1);
            assertEquals(24 + 2 * 4 + 2 * 6, atr[0].length);
            assertEquals(atr[0].length + 16 + 36, jtr[0].length);
            add[i] = ProbeSuite.linear(atr, ytr, tr.group(), ate, yte, 6, 3, plan.augmentation());
            joint[i] = ProbeSuite.linear(jtr, ytr, tr.group(), jte, yte, 6, 3, plan.augmentation());
        }
        Ci a = Ci.of(add), j = Ci.of(joint);
        // as with mod 4 (0.278 vs 0.25), a finite-sample additive fit keeps a small bias above chance
        assertTrue(Math.abs(a.mean() - 1.0 / 6) < 0.05, "S2 mod 6 additive " + a.format() + " vs chance 0.167");
        assertTrue(j.mean() - j.halfWidth() > 0.9, "S2 mod 6 joint " + j.format());
    }

    /** With K1 = 6 (π of 6 colours) S1 stays binary, at chance on the additive code and decoded from the joint one. */
    @Test
    void s1WithSixColoursIsAtChanceOnTheAdditiveCodeAndDecodedFromTheJointOne() {
        int[] pi6 = Rendering.defaultColorMap(6);
        ProbeSuite.Probe p = ProbeSuite.probes(pi6, 4).get(4);
        assertEquals("S1", p.name());
        assertEquals(2, p.classes());
        SeedPlan plan = SeedPlan.of(13, 0);
        OracleProbeTest.Data tr = OracleProbeTest.segments(pi6, 4, 600, plan.data()),
                te = OracleProbeTest.segments(pi6, 4, 600, plan.data() + 1);
        int[] ytr = ProbeSuite.labels(tr.f(), p.label()), yte = ProbeSuite.labels(te.f(), p.label());
        int positives = 0;
        for (int y : ytr) positives += y;
        assertEquals(0.5, positives / (double) ytr.length, 0.05); // MATCH / MISMATCH halves
        float[][] atr = OracleProbeTest.noisy(ProbeSuite.oracle(tr.f()), plan.init()),
                ate = OracleProbeTest.noisy(ProbeSuite.oracle(te.f()), plan.init() + 1);
        float[][] jtr = OracleProbeTest.noisy(ProbeSuite.jointOracle(tr.f()), plan.init()),
                jte = OracleProbeTest.noisy(ProbeSuite.jointOracle(te.f()), plan.init() + 1);
        double add = ProbeSuite.linear(atr, ytr, tr.group(), ate, yte, 2, 3, plan.augmentation());
        double joint = ProbeSuite.linear(jtr, ytr, tr.group(), jte, yte, 2, 3, plan.augmentation());
        assertTrue(Math.abs(add - 0.5) < 0.06, "S1 K1 = 6 additive " + add);
        assertTrue(joint > 0.9, "S1 K1 = 6 joint " + joint);
    }

    /** K1 = K2 = 4: the oracle draws, the code layout and the probes of before the cardinalities were options. */
    @Test
    void fourValuesGiveTheCodesAndDrawsOfBefore() {
        SegmentFactors[] now = ProbeSuite.oracleFactors(PI, 500, 11);
        assertArrayEquals(fixedFourOracleFactors(PI, 500, 11), now);
        assertArrayEquals(now, ProbeSuite.oracleFactors(PI, 4, 500, 11));
        float[][] add = ProbeSuite.oracle(now), joint = ProbeSuite.jointOracle(now);
        for (int i = 0; i < now.length; i++) {
            SegmentFactors f = now[i];
            float[] want = new float[72];
            int[] codes = {
                f.obj(), f.prof(), f.rhythm(), f.drift(), f.obj(), f.tex(), f.color(), f.obj(), f.verb(), f.zone()
            };
            for (int k = 0; k < codes.length; k++) want[k * 4 + codes[k]] = 1f;
            assertArrayEquals(java.util.Arrays.copyOf(want, 40), add[i]);
            want[40 + 4 * f.rhythm() + f.color()] = 1f;
            want[56 + 4 * f.drift() + f.zone()] = 1f;
            assertArrayEquals(want, joint[i]);
        }
        List<ProbeSuite.Probe> probes = ProbeSuite.probes(PI);
        assertEquals(
                List.of(4, 4, 4, 4, 2, 4),
                probes.stream().map(ProbeSuite.Probe::classes).toList());
        assertEquals(
                "p_bias=1.0 sensor_noise=0.25 pixel_noise=0.03 segment_ticks=8-24 probe_segment_ticks=1-2"
                        + " s1_values=4 s2_values=4",
                ProbeSuite.Bench.DEFAULTS.toString());
        assertEquals(0.625, ProbeSuite.s2AdditiveBound(4));
        assertTrue(Double.isNaN(ProbeSuite.s2AdditiveBound(6)));
    }

    /** ProbeSuite.oracleFactors as it was with every factor fixed at 4 values. */
    static SegmentFactors[] fixedFourOracleFactors(int[] pi, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        SegmentFactors[] out = new SegmentFactors[n];
        for (int i = 0; i < n; i++) {
            int rhythm = r.nextInt(4);
            int color = i % 2 == 0 ? pi[rhythm] : (pi[rhythm] + 1 + r.nextInt(3)) % 4;
            out[i] = new SegmentFactors(
                    r.nextInt(4),
                    r.nextInt(4),
                    r.nextInt(4),
                    r.nextInt(4),
                    rhythm,
                    color,
                    r.nextInt(4),
                    r.nextInt(4),
                    false);
        }
        return out;
    }

    /**
     * The S1 threshold bound: the closed form agrees with the exact search at K1 = 4 and with a brute force over every
     * additive threshold classifier (scores in 0..K1) at K1 = 2 and 3, and is 0.75 for every K1.
     */
    @Test
    void s1AdditiveBoundForEveryK1() {
        assertEquals(0.75, ProbeSuite.s1AdditiveBound(PI), 1e-12);
        assertEquals(ProbeSuite.s1AdditiveBound(PI), ProbeSuite.s1AdditiveBoundClosedForm(4), 1e-12);
        for (int k = 2; k <= 3; k++)
            assertEquals(bruteForce(k), ProbeSuite.s1AdditiveBoundClosedForm(k), 1e-12, "K1 = " + k);
        for (int k = 2; k <= 8; k++)
            assertEquals(0.75, ProbeSuite.s1AdditiveBound(Rendering.defaultColorMap(k)), 1e-12, "K1 = " + k);
    }

    /** Best balanced accuracy of 1[a(r) + b(c) >= t] with π = identity, a and b in {0..K}^K (exhaustive). */
    static double bruteForce(int k) {
        int levels = k + 1, combos = (int) Math.pow(levels, k);
        int[] a = new int[k], b = new int[k];
        double best = 0.5;
        for (int ai = 0; ai < combos; ai++) {
            for (int j = 0, v = ai; j < k; j++, v /= levels) a[j] = v % levels;
            for (int bi = 0; bi < combos; bi++) {
                for (int j = 0, v = bi; j < k; j++, v /= levels) b[j] = v % levels;
                for (int t = 0; t <= 2 * k + 1; t++) {
                    double tpr = 0, tnr = 0;
                    for (int r = 0; r < k; r++)
                        for (int c = 0; c < k; c++) {
                            boolean pos = a[r] + b[c] >= t;
                            if (c == r) tpr += pos ? 1.0 / k : 0;
                            else tnr += pos ? 0 : 1.0 / (k * (k - 1));
                        }
                    best = Math.max(best, (tpr + tnr) / 2);
                }
            }
        }
        return best;
    }

    /** The probe sets of a K1 = 6, K2 = 3 bench: half MATCH, half MISMATCH, S2 with 3 classes. */
    @Test
    void theBenchGeneratesSetsWithItsCardinalities() {
        ProbeSuite.Bench b = new ProbeSuite.Bench(1.0, 0.25, 0.03, 8, 24, 1, 2, 6, 3);
        assertTrue(b.toString().endsWith(" s1_values=6 s2_values=3"), b.toString());
        ProbeSuite.Sets sets = ProbeSuite.generate(3, 200, 200, 100, b);
        assertArrayEquals(Rendering.defaultColorMap(6), sets.colorMap());
        assertEquals(6, sets.s1Values());
        assertEquals(3, sets.s2Values());
        assertEquals(
                3, ProbeSuite.probes(sets.colorMap(), sets.s2Values()).get(5).classes());
        for (var w : List.of(sets.pretrain(), sets.probeTrain(), sets.probeTest()))
            for (SegmentFactors f : w.factors) {
                assertEquals(6, f.s1Values());
                assertEquals(3, f.s2Values());
            }
        int matched = 0;
        for (SegmentFactors f : sets.probeTrain().factors) matched += f.s1Label(sets.colorMap());
        assertEquals(100, matched);
        for (SegmentFactors f : sets.pretrain().factors) assertEquals(1, f.s1Label(sets.colorMap()));
    }
}
