package io.braid.trainer.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Non-linear probe beside {@link LogisticProbe}: one hidden layer of {@link #HIDDEN} ReLU units, softmax output,
 * class-balanced cross-entropy (class weights n/(K·n_c)) + (α/2)·||W||² on both weight matrices (biases free), features
 * z-scored with training statistics, full-batch L-BFGS ({@link #MAX_ITER} iterations) from a seeded He initialisation.
 * α is chosen from {@link #ALPHA_GRID} by CV on balanced accuracy with the same (grouped) folds as the linear probe.
 *
 * <p>Unlike the linear probe, an MLP can compute products of its inputs: on an additive code (concatenated one-hot
 * unimodal factors) it can decode S1/S2 perfectly. Its S scores therefore say whether the label is decodable from the
 * embedding at all, not whether the embedding encodes it jointly; the synergy test is the linear probe's (README).
 */
public final class MlpProbe {
    public static final int HIDDEN = 64;
    public static final int MAX_ITER = 150;
    public static final double[] ALPHA_GRID = {1e-3, 1e-2, 1e-1};

    private final int classes, dim, hidden;
    private final double[] mean, std, w;
    public final double alpha;

    private MlpProbe(int classes, int dim, int hidden, double[] mean, double[] std, double[] w, double alpha) {
        this.classes = classes;
        this.dim = dim;
        this.hidden = hidden;
        this.mean = mean;
        this.std = std;
        this.w = w;
        this.alpha = alpha;
    }

    /** Chooses α by CV over {@code groups} (null: rows stratified independently), refits on all rows. */
    public static MlpProbe fitCv(float[][] x, int[] y, long[] groups, int classes, int folds, long seed) {
        int n = x.length;
        int[] fold = LogisticProbe.groupedFolds(y, groups, classes, folds, seed);
        double[] score = new double[ALPHA_GRID.length];
        for (int f = 0; f < folds; f++) {
            int nt = 0;
            for (int v : fold) if (v != f) nt++;
            if (nt == n || nt == 0) continue;
            float[][] xt = new float[nt][], xv = new float[n - nt][];
            int[] yt = new int[nt], yv = new int[n - nt];
            for (int i = 0, a = 0, b = 0; i < n; i++) {
                if (fold[i] != f) {
                    xt[a] = x[i];
                    yt[a++] = y[i];
                } else {
                    xv[b] = x[i];
                    yv[b++] = y[i];
                }
            }
            for (int k = 0; k < ALPHA_GRID.length; k++) {
                MlpProbe p = fit(xt, yt, classes, ALPHA_GRID[k], seed + k);
                score[k] += LogisticProbe.balancedAccuracy(yv, p.predict(xv), classes);
            }
        }
        int best = 0;
        for (int k = 1; k < ALPHA_GRID.length; k++) if (score[k] > score[best] + 1e-12) best = k;
        return fit(x, y, classes, ALPHA_GRID[best], seed);
    }

    public static MlpProbe fit(float[][] x, int[] y, int classes, double alpha, long seed) {
        int n = x.length, d = x[0].length, h = HIDDEN;
        ProbeInputs in = ProbeInputs.of(x, y, classes);
        double[] mean = in.mean(), std = in.std(), cw = in.classWeights();
        double[][] z = in.z();
        // layout: W1 (h, d), b1 (h), W2 (K, h), b2 (K)
        double[] w0 = new double[h * d + h + classes * h + classes];
        SplittableRandom r = new SplittableRandom(seed);
        double s1 = Math.sqrt(2.0 / d), s2 = Math.sqrt(1.0 / h);
        for (int i = 0; i < h * d; i++) w0[i] = s1 * r.nextGaussian();
        for (int i = 0; i < classes * h; i++) w0[h * d + h + i] = s2 * r.nextGaussian();
        Objective obj = new Objective(z, y, cw, classes, d, h, alpha);
        double[] w = Lbfgs.minimize(obj, w0, MAX_ITER, 1e-6);
        return new MlpProbe(classes, d, h, mean, std, w, alpha);
    }

    public int[] predict(float[][] x) {
        int[] out = new int[x.length];
        double[] zi = new double[dim], a = new double[hidden], s = new double[classes];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < dim; j++) zi[j] = (x[i][j] - mean[j]) / std[j];
            forward(w, zi, dim, hidden, classes, a, s);
            int best = 0;
            for (int k = 1; k < classes; k++) if (s[k] > s[best]) best = k;
            out[i] = best;
        }
        return out;
    }

    /** Hidden activations {@code a} and output scores {@code s} of one z-scored row. */
    static void forward(double[] w, double[] x, int d, int h, int k, double[] a, double[] s) {
        int b1 = h * d, w2 = b1 + h, b2 = w2 + k * h;
        for (int u = 0; u < h; u++) {
            double v = w[b1 + u];
            int o = u * d;
            for (int j = 0; j < d; j++) v += w[o + j] * x[j];
            a[u] = v > 0 ? v : 0;
        }
        for (int c = 0; c < k; c++) {
            double v = w[b2 + c];
            int o = w2 + c * h;
            for (int u = 0; u < h; u++) v += w[o + u] * a[u];
            s[c] = v;
        }
    }

    static final class Objective implements Lbfgs.Function {
        final double[][] z;
        final int[] y;
        final double[] cw;
        final int k, d, h;
        final double alpha;

        Objective(double[][] z, int[] y, double[] cw, int k, int d, int h, double alpha) {
            this.z = z;
            this.y = y;
            this.cw = cw;
            this.k = k;
            this.d = d;
            this.h = h;
            this.alpha = alpha;
        }

        @Override
        public double valueAndGradient(double[] w, double[] g) {
            Arrays.fill(g, 0);
            int n = z.length, b1 = h * d, w2 = b1 + h, b2 = w2 + k * h;
            double f = 0;
            double[] a = new double[h], s = new double[k], da = new double[h];
            for (int i = 0; i < n; i++) {
                double[] x = z[i];
                forward(w, x, d, h, k, a, s);
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) max = Math.max(max, s[c]);
                double sum = 0;
                for (int c = 0; c < k; c++) sum += s[c] = Math.exp(s[c] - max);
                double wi = cw[y[i]] / n;
                f += wi * -Math.log(s[y[i]] / sum);
                Arrays.fill(da, 0);
                for (int c = 0; c < k; c++) {
                    double coef = wi * (s[c] / sum - (c == y[i] ? 1 : 0));
                    if (coef == 0) continue;
                    int o = w2 + c * h;
                    for (int u = 0; u < h; u++) {
                        g[o + u] += coef * a[u];
                        da[u] += coef * w[o + u];
                    }
                    g[b2 + c] += coef;
                }
                for (int u = 0; u < h; u++) {
                    if (a[u] <= 0) continue;
                    double du = da[u];
                    int o = u * d;
                    for (int j = 0; j < d; j++) g[o + j] += du * x[j];
                    g[b1 + u] += du;
                }
            }
            for (int i = 0; i < b1; i++) {
                f += 0.5 * alpha * w[i] * w[i];
                g[i] += alpha * w[i];
            }
            for (int i = w2; i < b2; i++) {
                f += 0.5 * alpha * w[i] * w[i];
                g[i] += alpha * w[i];
            }
            return f;
        }
    }
}
