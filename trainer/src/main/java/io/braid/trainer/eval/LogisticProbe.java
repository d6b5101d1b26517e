package io.braid.trainer.eval;

import io.braid.avro.LinearHead;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Class-balanced multinomial logistic regression with L2 (§6.6): minimises (1/n)·Σ w_y·CE + ||W||²/(2·C·n) (the
 * scikit-learn objective C·Σ w·CE + ½||W||² divided by C·n; bias not penalised), class weights n/(K·n_c), features
 * z-scored with training statistics, L-BFGS. C is chosen from a log grid by stratified k-fold CV on balanced accuracy.
 */
public final class LogisticProbe {
    public static final double[] C_GRID = {1e-3, 1e-2, 1e-1, 1, 10, 100, 1000};

    private final int classes, dim;
    private final double[] mean, std;
    private final double[] w; // (K, dim + 1), last column = bias
    public final double c;

    private LogisticProbe(int classes, int dim, double[] mean, double[] std, double[] w, double c) {
        this.classes = classes;
        this.dim = dim;
        this.mean = mean;
        this.std = std;
        this.w = w;
        this.c = c;
    }

    /** Chooses C by {@code folds}-fold stratified CV (rows assigned independently) and refits on all rows. */
    public static LogisticProbe fitCv(float[][] x, int[] y, int classes, int folds, long seed) {
        return fitCvFolds(x, y, classes, folds, stratifiedFolds(y, classes, folds, seed));
    }

    /**
     * Chooses C by {@code folds}-fold CV grouped by {@code groups} (the segment of each row: the rows of one group are
     * never on both sides of a fold), stratified by label over the groups where possible, and refits on all rows.
     */
    public static LogisticProbe fitCv(float[][] x, int[] y, long[] groups, int classes, int folds, long seed) {
        return fitCvFolds(x, y, classes, folds, groupedFolds(y, groups, classes, folds, seed));
    }

    private static LogisticProbe fitCvFolds(float[][] x, int[] y, int classes, int folds, int[] fold) {
        int n = x.length;
        double[] score = new double[C_GRID.length];
        for (int f = 0; f < folds; f++) {
            int nt = 0;
            for (int v : fold) if (v != f) nt++;
            float[][] xt = new float[nt][];
            int[] yt = new int[nt];
            float[][] xv = new float[n - nt][];
            int[] yv = new int[n - nt];
            for (int i = 0, a = 0, b = 0; i < n; i++) {
                if (fold[i] != f) {
                    xt[a] = x[i];
                    yt[a++] = y[i];
                } else {
                    xv[b] = x[i];
                    yv[b++] = y[i];
                }
            }
            double[] warm = null;
            for (int k = 0; k < C_GRID.length; k++) {
                LogisticProbe p = fit(xt, yt, classes, C_GRID[k], warm);
                warm = p.w;
                score[k] += balancedAccuracy(yv, p.predict(xv), classes) / folds;
            }
        }
        int best = 0;
        for (int k = 1; k < C_GRID.length; k++) if (score[k] > score[best] + 1e-12) best = k;
        return fit(x, y, classes, C_GRID[best], null);
    }

    public static LogisticProbe fit(float[][] x, int[] y, int classes, double c, double[] warm) {
        int n = x.length, d = x[0].length;
        ProbeInputs in = ProbeInputs.of(x, y, classes);
        double[] mean = in.mean(), std = in.std(), cw = in.classWeights();
        double[][] z = in.z();
        Objective obj = new Objective(z, y, cw, classes, d, 1.0 / (c * n));
        double[] w0 = warm != null ? warm.clone() : new double[classes * (d + 1)];
        double[] w = Lbfgs.minimize(obj, w0, 200, 1e-6);
        return new LogisticProbe(classes, d, mean, std, w, c);
    }

    /** Class probabilities (softmax of the scores) of one row. */
    public double[] probabilities(float[] x) {
        double[] s = new double[classes];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            int o = k * (dim + 1);
            double v = w[o + dim];
            for (int j = 0; j < dim; j++) v += w[o + j] * ((x[j] - mean[j]) / std[j]);
            s[k] = v;
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) sum += s[k] = Math.exp(s[k] - max);
        for (int k = 0; k < classes; k++) s[k] /= sum;
        return s;
    }

    public int dim() {
        return dim;
    }

    /** This probe as a published prediction head (ModelVersion.heads). */
    public LinearHead toHead(String task, List<String> classLabels, double balancedAccuracy) {
        if (classLabels.size() != classes)
            throw new IllegalArgumentException(classLabels.size() + " labels for " + classes + " classes");
        return LinearHead.newBuilder()
                .setTask(task)
                .setClassLabels(new ArrayList<>(classLabels))
                .setMean(floats(mean))
                .setScale(floats(std))
                .setWeights(floats(w))
                .setBalancedAccuracy(balancedAccuracy)
                .build();
    }

    /** A published head back as a probe; refuses inconsistent sizes. */
    public static LogisticProbe fromHead(LinearHead h) {
        int k = h.getClassLabels().size(), d = h.getMean().size();
        if (k < 2 || d < 1 || h.getScale().size() != d || h.getWeights().size() != k * (d + 1))
            throw new IllegalArgumentException("head " + h.getTask() + ": " + k + " classes, " + d + " features, "
                    + h.getScale().size() + " scales, " + h.getWeights().size() + " weights");
        double[] mean = new double[d], std = new double[d], w = new double[k * (d + 1)];
        for (int j = 0; j < d; j++) {
            mean[j] = h.getMean().get(j);
            std[j] = h.getScale().get(j);
        }
        for (int i = 0; i < w.length; i++) w[i] = h.getWeights().get(i);
        return new LogisticProbe(k, d, mean, std, w, Double.NaN);
    }

    private static List<Float> floats(double[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (double x : v) out.add((float) x);
        return out;
    }

    public int[] predict(float[][] x) {
        int[] out = new int[x.length];
        double[] s = new double[classes];
        double[] z = new double[dim];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < dim; j++) z[j] = (x[i][j] - mean[j]) / std[j];
            for (int k = 0; k < classes; k++) {
                int o = k * (dim + 1);
                double v = w[o + dim];
                for (int j = 0; j < dim; j++) v += w[o + j] * z[j];
                s[k] = v;
            }
            int best = 0;
            for (int k = 1; k < classes; k++) if (s[k] > s[best]) best = k;
            out[i] = best;
        }
        return out;
    }

    /** Mean over classes present in {@code y} of per-class recall. */
    public static double balancedAccuracy(int[] y, int[] pred, int classes) {
        int[] tot = new int[classes], hit = new int[classes];
        for (int i = 0; i < y.length; i++) {
            tot[y[i]]++;
            if (pred[i] == y[i]) hit[y[i]]++;
        }
        double s = 0;
        int k = 0;
        for (int c = 0; c < classes; c++)
            if (tot[c] > 0) {
                s += (double) hit[c] / tot[c];
                k++;
            }
        return s / k;
    }

    /**
     * Fold of each row with every group in one fold. Each group is stratified by its majority label: the groups of a
     * label are shuffled and each goes to the fold holding the fewest rows of that label so far (ties: lowest fold),
     * so folds are balanced in rows per label even with groups of unequal size.
     */
    public static int[] groupedFolds(int[] y, long[] groups, int classes, int folds, long seed) {
        if (groups == null) return stratifiedFolds(y, classes, folds, seed);
        if (groups.length != y.length) throw new IllegalArgumentException("one group per row");
        java.util.Map<Long, int[]> counts = new java.util.LinkedHashMap<>(); // group -> rows per label
        for (int i = 0; i < y.length; i++) counts.computeIfAbsent(groups[i], g -> new int[classes])[y[i]]++;
        List<List<Long>> byLabel = new ArrayList<>();
        for (int c = 0; c < classes; c++) byLabel.add(new ArrayList<>());
        java.util.Map<Long, Integer> size = new java.util.HashMap<>();
        counts.forEach((g, cnt) -> {
            int best = 0, total = 0;
            for (int c = 0; c < classes; c++) {
                total += cnt[c];
                if (cnt[c] > cnt[best]) best = c;
            }
            byLabel.get(best).add(g);
            size.put(g, total);
        });
        SplittableRandom r = new SplittableRandom(seed);
        java.util.Map<Long, Integer> groupFold = new java.util.HashMap<>();
        for (List<Long> gs : byLabel) {
            for (int i = gs.size() - 1; i > 0; i--) java.util.Collections.swap(gs, i, r.nextInt(i + 1));
            long[] load = new long[folds];
            for (long g : gs) {
                int f = 0;
                for (int k = 1; k < folds; k++) if (load[k] < load[f]) f = k;
                load[f] += size.get(g);
                groupFold.put(g, f);
            }
        }
        int[] fold = new int[y.length];
        for (int i = 0; i < y.length; i++) fold[i] = groupFold.get(groups[i]);
        return fold;
    }

    static int[] stratifiedFolds(int[] y, int classes, int folds, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] fold = new int[y.length];
        for (int c = 0; c < classes; c++) {
            int n = 0;
            for (int v : y) if (v == c) n++;
            int[] mine = new int[n];
            for (int i = 0, a = 0; i < y.length; i++) if (y[i] == c) mine[a++] = i;
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = mine[i];
                mine[i] = mine[j];
                mine[j] = t;
            }
            for (int i = 0; i < n; i++) fold[mine[i]] = i % folds;
        }
        return fold;
    }

    /** Weighted softmax cross-entropy + L2 on weights (not biases); value and gradient. */
    static final class Objective implements Lbfgs.Function {
        final double[][] z;
        final int[] y;
        final double[] cw;
        final int k, d;
        final double l2;

        Objective(double[][] z, int[] y, double[] cw, int k, int d, double l2) {
            this.z = z;
            this.y = y;
            this.cw = cw;
            this.k = k;
            this.d = d;
            this.l2 = l2;
        }

        @Override
        public double valueAndGradient(double[] w, double[] g) {
            Arrays.fill(g, 0);
            int n = z.length;
            double f = 0;
            double[] s = new double[k];
            for (int i = 0; i < n; i++) {
                double[] x = z[i];
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    int o = c * (d + 1);
                    double v = w[o + d];
                    for (int j = 0; j < d; j++) v += w[o + j] * x[j];
                    s[c] = v;
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) sum += s[c] = Math.exp(s[c] - max);
                double wi = cw[y[i]] / n;
                f += wi * -Math.log(s[y[i]] / sum);
                for (int c = 0; c < k; c++) {
                    double coef = wi * (s[c] / sum - (c == y[i] ? 1 : 0));
                    int o = c * (d + 1);
                    for (int j = 0; j < d; j++) g[o + j] += coef * x[j];
                    g[o + d] += coef;
                }
            }
            for (int c = 0; c < k; c++)
                for (int j = 0; j < d; j++) {
                    int o = c * (d + 1) + j;
                    f += 0.5 * l2 * w[o] * w[o];
                    g[o] += l2 * w[o];
                }
            return f;
        }
    }
}
