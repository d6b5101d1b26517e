package io.braid.trainer.eval;

import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.DatasetSpec.ColorRule;
import io.braid.producers.sim.Rendering;
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
 * concatenated one-hot factor codes of each modality (an additive code). R and U have 4 classes; S1 is binary whatever
 * K1 (the number of rhythms and colours); S2 has K2 classes (the number of drift patterns and zones, S2 = (drift +
 * zone) mod K2), see {@link Bench}.
 */
public final class ProbeSuite {
    public record Probe(String name, int classes, ToIntFunction<SegmentFactors> label) {}

    /**
     * One probe result of one seed. {@code chance}: 1/K, which under this class-balanced log-loss linear probe is also
     * the best any additive code scores on the balanced probe sets (methods.md §6.6 correction, trainer/README);
     * {@code oracleProbe}: the linear probe on the one-hot additive oracle code (≈ chance for S); {@code thresholdBound}:
     * the best balanced accuracy of a threshold classifier on an additive scalar code (S1 0.75 for every K1; S2 0.625
     * for K2 = 4, NaN for other K2; relevant only to Trifeature-style protocols); {@code score} / {@code mlpScore}:
     * balanced accuracy on probe-test of the linear / MLP probe; {@code c}: the linear probe's chosen C.
     */
    public record Row(
            String name,
            int classes,
            double chance,
            double oracleProbe,
            double thresholdBound,
            double score,
            double c,
            double mlpScore) {}

    /**
     * Probes of the oracle codes (seed-independent: they depend on π and K2 only), one entry per probe of {@link
     * #probes}.
     */
    public record OracleRow(String name, double linear, double mlp, double linearJoint) {}

    /**
     * S2's additive bound from methods.md §6.6 (numerical search over additive scorers, a lower bound of the max), for
     * (drift + zone) mod 4 only.
     */
    public static final double S2_ADDITIVE_BOUND = 0.625;

    /**
     * S2's threshold bound for K2 values: methods.md's {@link #S2_ADDITIVE_BOUND} for K2 = 4, NaN (not known: no search
     * was run for mod 2, 3, 5..8) otherwise.
     */
    public static double s2AdditiveBound(int s2Values) {
        return s2Values == Rendering.FACTOR_VALUES ? S2_ADDITIVE_BOUND : Double.NaN;
    }

    /**
     * The S1 additive bound on the balanced probe distribution: the best balanced accuracy of a threshold on a score
     * a(rhythm) + b(colour). For K1 = 4 ({@code pi.length}) by the exact search of before (a, b ∈ {0..3}^4 and the best
     * threshold; cells weighted 1/8 (match) and 1/24 (mismatch) as in the probe sets): 0.75. For other K1 in closed
     * form, without a search: sorted by a and by b, the positive cells of any such classifier form a staircase (a
     * Ferrers diagram), and any staircase is one (a = row length, b = −column); a staircase holding m of the K1 match
     * cells (distinct rows and columns) holds at least 1 + 2 + … + m cells, so at least m(m−1)/2 mismatch cells, and
     * that many is reached (the m matches on an anti-diagonal, the others below and to the right). The bound is
     * max over m of (m/K1 + 1 − m(m−1)/(2·K1(K1−1)))/2, which is 0.75 (m = K1 − 1 or K1) for every K1 and π.
     */
    public static double s1AdditiveBound(int[] pi) {
        if (pi.length != Rendering.FACTOR_VALUES) return s1AdditiveBoundClosedForm(pi.length);
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

    /** {@link #s1AdditiveBound}'s closed form for K1 = {@code values} rhythms and colours. */
    static double s1AdditiveBoundClosedForm(int values) {
        double k = values, best = 0.5;
        for (int m = 0; m <= values; m++) best = Math.max(best, (m / k + 1 - m * (m - 1) / (2 * k * (k - 1))) / 2);
        return best;
    }

    /** The three sets of one seed, π (K1 = its length) and K2. */
    public record Sets(Windows pretrain, Windows probeTrain, Windows probeTest, int[] colorMap, int s2Values) {
        /** K2 = 4. */
        public Sets(Windows pretrain, Windows probeTrain, Windows probeTest, int[] colorMap) {
            this(pretrain, probeTrain, probeTest, colorMap, Rendering.FACTOR_VALUES);
        }

        /** K1, the number of rhythms and colours. */
        public int s1Values() {
            return colorMap.length;
        }
    }

    /**
     * The benchmark's knobs (methods.md §6.2–§6.4): p_bias of the S1 rule in pre-training, sensor and pixel noise,
     * segment length ranges of the pre-training set and of the probe sets, and the cardinalities of the synergy
     * factors: {@code s1Values} K1 = number of rhythms and of colours (π a permutation of 0..K1−1, the default one of
     * {@link Rendering#defaultColorMap(int)}; S1 stays binary) and {@code s2Values} K2 = number of drift patterns and
     * of zones (S2 = (drift + zone) mod K2, K2 classes, chance 1/K2), each 2..8, default 4 (methods.md §6.9 suggests
     * mod 6 / mod 8 for S2). obj, prof, tex and verb keep 4 values. K2 is also limited to the zone words the tokenizer
     * holds ({@link Rendering#checkCardinalities}: tokenizer v1 has four, so K2 <= 4 for now).
     */
    public record Bench(
            double pBias,
            double sensorNoise,
            double pixelNoise,
            int segMin,
            int segMax,
            int probeSegMin,
            int probeSegMax,
            int s1Values,
            int s2Values) {
        public Bench {
            Rendering.checkCardinalities(s1Values, s2Values);
        }

        /** K1 = K2 = 4. */
        public Bench(
                double pBias,
                double sensorNoise,
                double pixelNoise,
                int segMin,
                int segMax,
                int probeSegMin,
                int probeSegMax) {
            this(
                    pBias,
                    sensorNoise,
                    pixelNoise,
                    segMin,
                    segMax,
                    probeSegMin,
                    probeSegMax,
                    Rendering.FACTOR_VALUES,
                    Rendering.FACTOR_VALUES);
        }

        /** §6 defaults for pre-training; probe segments of 1..2 ticks (≈ 10× the segments of 8..24 per tick budget). */
        public static final Bench DEFAULTS = new Bench(1.0, 0.25, 0.03, 8, 24, 1, 2);

        DatasetSpec apply(DatasetSpec d, boolean probe) {
            return d.withNoise(sensorNoise, pixelNoise)
                    .withSegmentTicks(probe ? probeSegMin : segMin, probe ? probeSegMax : segMax);
        }

        @Override
        public String toString() {
            return String.format(
                    java.util.Locale.ROOT,
                    "p_bias=%s sensor_noise=%s pixel_noise=%s segment_ticks=%d-%d probe_segment_ticks=%d-%d"
                            + " s1_values=%d s2_values=%d",
                    pBias,
                    sensorNoise,
                    pixelNoise,
                    segMin,
                    segMax,
                    probeSegMin,
                    probeSegMax,
                    s1Values,
                    s2Values);
        }
    }

    /** The §6 defaults with probe segments of 8..24 ticks (the protocol before grouped CV). */
    public static Sets generate(long seed, int pretrain, int probeTrain, int probeTest) {
        return generate(seed, pretrain, probeTrain, probeTest, new Bench(1.0, 0.25, 0.03, 8, 24, 8, 24));
    }

    public static Sets generate(long seed, int pretrain, int probeTrain, int probeTest, Bench b) {
        DatasetSpec pre = b.apply(DatasetSpec.defaults(seed, pretrain, b.s1Values(), b.s2Values()), false)
                .withPBias(b.pBias());
        int[] pi = pre.colorMap();
        return new Sets(
                Windows.of(SimulatedDataset.generate(pre)),
                balanced(seed + 101, probeTrain, pi, b),
                balanced(seed + 201, probeTest, pi, b),
                pi,
                b.s2Values());
    }

    /** Half MATCH, half MISMATCH (colour uniform among the K1 − 1 others), pBias 1, π = {@code pi}. */
    static Windows balanced(long seed, int ticks, int[] pi, Bench b) {
        DatasetSpec match = DatasetSpec.defaults(seed, ticks / 2, b.s1Values(), b.s2Values())
                .withColorMap(pi)
                .withColorRule(ColorRule.MATCH);
        DatasetSpec mismatch = DatasetSpec.defaults(seed + 1, ticks - ticks / 2, b.s1Values(), b.s2Values())
                .withColorMap(pi)
                .withColorRule(ColorRule.MISMATCH);
        return new Windows(List.of(
                SimulatedDataset.generate(b.apply(match, true)), SimulatedDataset.generate(b.apply(mismatch, true))));
    }

    /** The probes with K2 = 4 (the stream's labels: its simulator has the default cardinalities). */
    public static List<Probe> probes(int[] pi) {
        return probes(pi, Rendering.FACTOR_VALUES);
    }

    /** The probes for π ({@code pi}, K1 = its length) and K2 = {@code s2Values}: S2 has K2 classes. */
    public static List<Probe> probes(int[] pi, int s2Values) {
        int[] map = pi.clone();
        return List.of(
                new Probe("R", 4, SegmentFactors::obj),
                new Probe("U_sensor", 4, SegmentFactors::prof),
                new Probe("U_image", 4, SegmentFactors::tex),
                new Probe("U_text", 4, SegmentFactors::verb),
                new Probe("S1", 2, f -> f.s1Label(map)),
                new Probe("S2", s2Values, SegmentFactors::s2Label));
    }

    /** [K1, K2] of the factors, which must all have the same (4, 4 for none). */
    static int[] cardinalities(SegmentFactors[] fs) {
        if (fs.length == 0) return new int[] {Rendering.FACTOR_VALUES, Rendering.FACTOR_VALUES};
        int k1 = fs[0].s1Values(), k2 = fs[0].s2Values();
        for (SegmentFactors f : fs)
            if (f.s1Values() != k1 || f.s2Values() != k2)
                throw new IllegalArgumentException("factors of different cardinalities: K1 " + k1 + " / " + f.s1Values()
                        + ", K2 " + k2 + " / " + f.s2Values());
        return new int[] {k1, k2};
    }

    /**
     * Additive oracle code: one-hot of sensor (obj, prof, rhythm, drift), image (obj, tex, color), text (obj, verb,
     * zone), in that order: 24 + 2·K1 + 2·K2 dims (40 with K1 = K2 = 4).
     */
    public static float[][] oracle(SegmentFactors[] fs) {
        int[] k = cardinalities(fs);
        int n = Rendering.FACTOR_VALUES, k1 = k[0], k2 = k[1];
        int[] sizes = {n, n, k1, k2, n, n, k1, n, n, k2};
        int dims = 0;
        for (int v : sizes) dims += v;
        float[][] x = new float[fs.length][dims];
        for (int i = 0; i < fs.length; i++) {
            SegmentFactors f = fs[i];
            int[] codes = {
                f.obj(), f.prof(), f.rhythm(), f.drift(), f.obj(), f.tex(), f.color(), f.obj(), f.verb(), f.zone()
            };
            for (int j = 0, offset = 0; j < codes.length; offset += sizes[j], j++) x[i][offset + codes[j]] = 1f;
        }
        return x;
    }

    /**
     * Joint oracle code: the additive code plus one-hot of the (rhythm, colour) pair and of the (drift, zone) pair (the
     * S1 and S2 factor pairs encoded jointly, K1² + K2² dims, 16 + 16 with K1 = K2 = 4): a linear probe decodes S1 and
     * S2 from it.
     */
    public static float[][] jointOracle(SegmentFactors[] fs) {
        int[] k = cardinalities(fs);
        int k1 = k[0], k2 = k[1];
        float[][] add = oracle(fs);
        int a = add.length == 0 ? 0 : add[0].length;
        float[][] x = new float[fs.length][a + k1 * k1 + k2 * k2];
        for (int i = 0; i < fs.length; i++) {
            System.arraycopy(add[i], 0, x[i], 0, a);
            x[i][a + k1 * fs[i].rhythm() + fs[i].color()] = 1f;
            x[i][a + k1 * k1 + k2 * fs[i].drift() + fs[i].zone()] = 1f;
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

    /** {@link #oracleFactors(int[], int, int, long)} with K2 = 4. */
    public static SegmentFactors[] oracleFactors(int[] pi, int n, long seed) {
        return oracleFactors(pi, Rendering.FACTOR_VALUES, n, seed);
    }

    /**
     * I.i.d. factor tuples of the probe distribution (uniform factors, half colour = π(rhythm), half colour uniform
     * among the K1 − 1 others; K1 = {@code pi.length}, drift and zone uniform in 0..K2−1). The ceiling is a property of
     * the distribution, so it is estimated on many more samples than the probe sets hold segments (a few hundred
     * segments let a one-hot probe latch onto chance correlations). With K1 = K2 = 4 the draws are those of before the
     * cardinalities were options.
     */
    public static SegmentFactors[] oracleFactors(int[] pi, int s2Values, int n, long seed) {
        int k1 = pi.length, k2 = s2Values;
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        SegmentFactors[] out = new SegmentFactors[n];
        for (int i = 0; i < n; i++) {
            int rhythm = r.nextInt(k1);
            int color = i % 2 == 0 ? pi[rhythm] : (pi[rhythm] + 1 + r.nextInt(k1 - 1)) % k1;
            out[i] = new SegmentFactors(
                    r.nextInt(4),
                    r.nextInt(4),
                    r.nextInt(4),
                    r.nextInt(4),
                    rhythm,
                    color,
                    r.nextInt(k2),
                    r.nextInt(k2),
                    false,
                    k1,
                    k2);
        }
        return out;
    }

    public static final int ORACLE_SAMPLES = 4000;

    /**
     * The MLP probe's L2 strength. Fixed instead of chosen by CV: a CV over a grid costs 10 fits per probe, too much for
     * 2 cores ({@link MlpProbe#fitCv} does it where time allows).
     */
    public static final double MLP_ALPHA = 1e-2;

    /** I.i.d. oracle samples for the MLP probe (it costs ~100× the linear one per sample). */
    public static final int MLP_ORACLE_SAMPLES = 800;

    /**
     * The probes on the oracle codes, computed once per command (they depend on π and K2 only): linear on the additive
     * code, MLP on the additive code (S probes only, NaN for the others: their linear oracle is already 1), linear on
     * the joint code. Folds: each i.i.d. sample is its own group.
     */
    public static List<OracleRow> oracleRows(int[] pi, int folds, int threads) throws Exception {
        return oracleRows(pi, Rendering.FACTOR_VALUES, folds, threads);
    }

    /** As above for π ({@code pi}, K1 = its length) and K2 = {@code s2Values}. */
    public static List<OracleRow> oracleRows(int[] pi, int s2Values, int folds, int threads) throws Exception {
        List<Probe> probes = probes(pi, s2Values);
        SegmentFactors[] ftr = oracleFactors(pi, s2Values, ORACLE_SAMPLES, 11),
                fte = oracleFactors(pi, s2Values, ORACLE_SAMPLES, 12);
        SegmentFactors[] mtr = java.util.Arrays.copyOf(ftr, MLP_ORACLE_SAMPLES),
                mte = java.util.Arrays.copyOf(fte, MLP_ORACLE_SAMPLES);
        float[][] otr = oracle(ftr), ote = oracle(fte), jtr = jointOracle(ftr), jte = jointOracle(fte);
        float[][] motr = oracle(mtr), mote = oracle(mte);
        ExecutorService ex = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<Double>> lin = new ArrayList<>(), mlp = new ArrayList<>(), joint = new ArrayList<>();
            for (Probe p : probes) {
                int[] ytr = labels(ftr, p.label()), yte = labels(fte, p.label());
                int[] mytr = labels(mtr, p.label()), myte = labels(mte, p.label());
                lin.add(ex.submit(() -> score(otr, ytr, null, ote, yte, p.classes(), folds)[0]));
                joint.add(ex.submit(() -> score(jtr, ytr, null, jte, yte, p.classes(), folds)[0]));
                mlp.add(
                        p.name().startsWith("S")
                                ? ex.submit(() -> mlpScore(motr, mytr, null, mote, myte, p.classes(), folds))
                                : java.util.concurrent.CompletableFuture.completedFuture(Double.NaN));
            }
            List<OracleRow> rows = new ArrayList<>();
            for (int k = 0; k < probes.size(); k++)
                rows.add(new OracleRow(
                        probes.get(k).name(),
                        lin.get(k).get(),
                        mlp.get(k).get(),
                        joint.get(k).get()));
            return rows;
        } finally {
            ex.shutdownNow();
        }
    }

    /**
     * Every probe, linear and MLP, on the given features of one seed; CV folds grouped by the probe-train segments.
     * {@code mlp} false skips the MLP (NaN).
     */
    public static List<Row> run(
            Sets sets,
            float[][] train,
            float[][] test,
            List<OracleRow> oracle,
            int folds,
            int threads,
            boolean mlp,
            long seed)
            throws Exception {
        List<Probe> probes = probes(sets.colorMap(), sets.s2Values());
        long[] groups = sets.probeTrain().segment;
        ExecutorService ex = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<double[]>> fs = new ArrayList<>();
            List<Future<Double>> ms = new ArrayList<>();
            for (Probe p : probes) {
                int[] ytr = labels(sets.probeTrain(), p.label()), yte = labels(sets.probeTest(), p.label());
                fs.add(ex.submit(() -> score(train, ytr, groups, test, yte, p.classes(), folds, seed)));
                ms.add(
                        mlp && p.name().startsWith("S")
                                ? ex.submit(() -> mlpScore(train, ytr, groups, test, yte, p.classes(), folds, seed))
                                : java.util.concurrent.CompletableFuture.completedFuture(Double.NaN));
            }
            List<Row> rows = new ArrayList<>();
            for (int k = 0; k < probes.size(); k++) {
                Probe p = probes.get(k);
                double[] s = fs.get(k).get();
                double bound =
                        switch (p.name()) {
                            case "S1" -> s1AdditiveBound(sets.colorMap());
                            case "S2" -> s2AdditiveBound(sets.s2Values());
                            default -> 1.0;
                        };
                rows.add(new Row(
                        p.name(),
                        p.classes(),
                        1.0 / p.classes(),
                        oracle.get(k).linear(),
                        bound,
                        s[0],
                        s[1],
                        ms.get(k).get()));
            }
            return rows;
        } finally {
            ex.shutdownNow();
        }
    }

    /** Linear probe of one label on the rows {@code keep} (null: all) of train / test; grouped CV. */
    public static double linear(
            float[][] xtr, int[] ytr, long[] groups, float[][] xte, int[] yte, int classes, int folds, long seed) {
        return score(xtr, ytr, groups, xte, yte, classes, folds, seed)[0];
    }

    /** [balanced accuracy on test, chosen C]. */
    static double[] score(float[][] xtr, int[] ytr, long[] groups, float[][] xte, int[] yte, int classes, int folds) {
        return score(xtr, ytr, groups, xte, yte, classes, folds, 48);
    }

    static double[] score(
            float[][] xtr, int[] ytr, long[] groups, float[][] xte, int[] yte, int classes, int folds, long seed) {
        LogisticProbe p = LogisticProbe.fitCv(xtr, ytr, groups, classes, folds, seed);
        return new double[] {LogisticProbe.balancedAccuracy(yte, p.predict(xte), classes), p.c};
    }

    static double mlpScore(float[][] xtr, int[] ytr, long[] groups, float[][] xte, int[] yte, int classes, int folds) {
        return mlpScore(xtr, ytr, groups, xte, yte, classes, folds, 48);
    }

    static double mlpScore(
            float[][] xtr, int[] ytr, long[] groups, float[][] xte, int[] yte, int classes, int folds, long seed) {
        MlpProbe p = MlpProbe.fit(xtr, ytr, classes, MLP_ALPHA, seed);
        return LogisticProbe.balancedAccuracy(yte, p.predict(xte), classes);
    }
}
