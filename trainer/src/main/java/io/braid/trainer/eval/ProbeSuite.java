package io.braid.trainer.eval;

import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.DatasetSpec.ColorRule;
import io.braid.producers.sim.SegmentFactors;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.trainer.data.Windows;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToIntFunction;

/**
 * The R / U_sensor / U_image / U_text / S1 / S2 probe suite of methods.md §6.6. Pre-training data is BIASED (colour =
 * π(rhythm)); the probe sets are half MATCH and half MISMATCH (so S1 is balanced 50/50 and every other factor stays
 * uniform and independent), disjoint segments and seeds. Ceilings are the same probe on oracle features: the
 * concatenated one-hot factor codes of each modality (an additive code).
 */
public final class ProbeSuite {
    public record Probe(String name, int classes, ToIntFunction<SegmentFactors> label) {}

    /**
     * One probe result. {@code oracleProbe}: the same probe on the one-hot oracle code; {@code additiveBound}: the best
     * balanced accuracy any additive code can reach (only accuracy above it is evidence of synergy, §6.6).
     */
    public record Row(
            String name,
            int classes,
            double chance,
            double oracleProbe,
            double additiveBound,
            double score,
            double c) {}

    /** S2's additive bound from methods.md §6.6 (numerical search over additive scorers, a lower bound of the max). */
    public static final double S2_ADDITIVE_BOUND = 0.625;

    /**
     * Exact search of the S1 additive bound on the balanced probe distribution: scores a(rhythm) + b(colour) with
     * a, b ∈ {0..3}^4 and the best threshold; cells weighted 1/8 (match) and 1/24 (mismatch) as in the probe sets.
     */
    public static double s1AdditiveBound(int[] pi) {
        double best = 0.5;
        int[] a = new int[4], b = new int[4];
        for (int ai = 0; ai < 256; ai++) {
            for (int k = 0, v = ai; k < 4; k++, v /= 4) a[k] = v % 4;
            for (int bi = 0; bi < 256; bi++) {
                for (int k = 0, v = bi; k < 4; k++, v /= 4) b[k] = v % 4;
                for (int t = 0; t <= 7; t++) {
                    double tpr = 0, tnr = 0;
                    for (int r = 0; r < 4; r++)
                        for (int c = 0; c < 4; c++) {
                            boolean pos = a[r] + b[c] >= t;
                            if (c == pi[r]) tpr += pos ? 0.25 : 0;
                            else tnr += pos ? 0 : 1.0 / 12;
                        }
                    best = Math.max(best, (tpr + tnr) / 2);
                }
            }
        }
        return best;
    }

    public record Sets(Windows pretrain, Windows probeTrain, Windows probeTest, int[] colorMap) {}

    public static Sets generate(long seed, int pretrain, int probeTrain, int probeTest) {
        DatasetSpec pre = DatasetSpec.defaults(seed, pretrain);
        int[] pi = pre.colorMap();
        return new Sets(
                Windows.of(SimulatedDataset.generate(pre)),
                balanced(seed + 101, probeTrain, pi),
                balanced(seed + 201, probeTest, pi),
                pi);
    }

    static Windows balanced(long seed, int ticks, int[] pi) {
        return new Windows(List.of(
                SimulatedDataset.generate(new DatasetSpec(seed, ticks / 2, 1.0, pi, ColorRule.MATCH)),
                SimulatedDataset.generate(new DatasetSpec(seed + 1, ticks - ticks / 2, 1.0, pi, ColorRule.MISMATCH))));
    }

    public static List<Probe> probes(int[] pi) {
        return List.of(
                new Probe("R", 4, SegmentFactors::obj),
                new Probe("U_sensor", 4, SegmentFactors::prof),
                new Probe("U_image", 4, SegmentFactors::tex),
                new Probe("U_text", 4, SegmentFactors::verb),
                new Probe("S1", 2, f -> f.s1Label(pi)),
                new Probe("S2", 4, SegmentFactors::s2Label));
    }

    /** Additive oracle code: one-hot of sensor (obj, prof, rhythm, drift), image (obj, tex, color), text (obj, verb, zone). */
    public static float[][] oracle(SegmentFactors[] fs) {
        float[][] x = new float[fs.length][40];
        for (int i = 0; i < fs.length; i++) {
            SegmentFactors f = fs[i];
            int[] codes = {
                f.obj(), f.prof(), f.rhythm(), f.drift(), f.obj(), f.tex(), f.color(), f.obj(), f.verb(), f.zone()
            };
            for (int k = 0; k < codes.length; k++) x[i][k * 4 + codes[k]] = 1f;
        }
        return x;
    }

    public static int[] labels(Windows w, ToIntFunction<SegmentFactors> label) {
        return labels(w.factors, label);
    }

    public static int[] labels(SegmentFactors[] fs, ToIntFunction<SegmentFactors> label) {
        int[] y = new int[fs.length];
        for (int i = 0; i < fs.length; i++) y[i] = label.applyAsInt(fs[i]);
        return y;
    }

    /**
     * I.i.d. factor tuples of the probe distribution (uniform factors, half colour = π(rhythm), half colour uniform
     * among the three others). The ceiling is a property of the distribution, so it is estimated on many more samples
     * than the probe sets hold segments (a few hundred segments let a one-hot probe latch onto chance correlations).
     */
    public static SegmentFactors[] oracleFactors(int[] pi, int n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
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

    public static final int ORACLE_SAMPLES = 4000;

    /** Runs every probe on the given features and on the oracle code (for the ceilings), on {@code threads} threads. */
    public static List<Row> run(Sets sets, float[][] train, float[][] test, int folds, int threads) throws Exception {
        List<Probe> probes = probes(sets.colorMap());
        SegmentFactors[] ftr = oracleFactors(sets.colorMap(), ORACLE_SAMPLES, 11),
                fte = oracleFactors(sets.colorMap(), ORACLE_SAMPLES, 12);
        float[][] otr = oracle(ftr), ote = oracle(fte);
        ExecutorService ex = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<double[]>> fs = new ArrayList<>(), cs = new ArrayList<>();
            for (Probe p : probes) {
                int[] ytr = labels(sets.probeTrain(), p.label()), yte = labels(sets.probeTest(), p.label());
                int[] otry = labels(ftr, p.label()), otey = labels(fte, p.label());
                fs.add(ex.submit(() -> score(train, ytr, test, yte, p.classes(), folds)));
                cs.add(ex.submit(() -> score(otr, otry, ote, otey, p.classes(), folds)));
            }
            List<Row> rows = new ArrayList<>();
            for (int k = 0; k < probes.size(); k++) {
                Probe p = probes.get(k);
                double[] s = fs.get(k).get(), c = cs.get(k).get();
                double bound =
                        switch (p.name()) {
                            case "S1" -> s1AdditiveBound(sets.colorMap());
                            case "S2" -> S2_ADDITIVE_BOUND;
                            default -> 1.0;
                        };
                rows.add(new Row(p.name(), p.classes(), 1.0 / p.classes(), c[0], bound, s[0], s[1]));
            }
            return rows;
        } finally {
            ex.shutdownNow();
        }
    }

    /** [balanced accuracy on test, chosen C]. */
    static double[] score(float[][] xtr, int[] ytr, float[][] xte, int[] yte, int classes, int folds) {
        LogisticProbe p = LogisticProbe.fitCv(xtr, ytr, classes, folds, 48);
        return new double[] {LogisticProbe.balancedAccuracy(yte, p.predict(xte), classes), p.c};
    }
}
