package io.braid.trainer.loss;

/** Host-side parts of DI-MML (§4.2, §4.3): effective dimensions and certainty-aware logit weighting. */
public final class DiMml {
    private DiMml() {}

    /**
     * Per-dimension nearest-prototype accuracy: each sample is classified from one dimension alone by the nearest class
     * mean. {@code features[n][d]}.
     */
    public static double[] perDimAccuracy(float[][] features, int[] labels, int classes) {
        int n = features.length, d = features[0].length;
        double[][] mu = new double[classes][d];
        int[] cnt = new int[classes];
        for (int i = 0; i < n; i++) {
            cnt[labels[i]]++;
            for (int j = 0; j < d; j++) mu[labels[i]][j] += features[i][j];
        }
        for (int c = 0; c < classes; c++) for (int j = 0; j < d; j++) mu[c][j] /= Math.max(cnt[c], 1);
        double[] acc = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) {
                int best = -1;
                double bd = Double.POSITIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    if (cnt[c] == 0) continue;
                    double dist = Math.abs(features[i][j] - mu[c][j]);
                    if (dist < bd) {
                        bd = dist;
                        best = c;
                    }
                }
                if (best == labels[i]) acc[j] += 1.0 / n;
            }
        return acc;
    }

    /** Effective set E = { d : acc(d) > mean acc } as a 0/1 mask. */
    public static boolean[] effectiveDims(float[][] features, int[] labels, int classes) {
        double[] acc = perDimAccuracy(features, labels, classes);
        double mean = 0;
        for (double a : acc) mean += a / acc.length;
        boolean[] e = new boolean[acc.length];
        for (int j = 0; j < acc.length; j++) e[j] = acc[j] > mean;
        return e;
    }

    /**
     * Certainty weights w[k][b] = softmax_k(max_j softmax(o_k[b])_j / T) over branches k that are present for sample b
     * ({@code present[k][b]}, null = all present); absent branches get weight 0.
     */
    public static double[][] certaintyWeights(double[][][] logits, boolean[][] present, double t) {
        int k = logits.length, b = logits[0].length;
        double[][] w = new double[k][b];
        for (int i = 0; i < b; i++) {
            double[] c = new double[k];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                if (present != null && !present[j][i]) continue;
                c[j] = maxProb(logits[j][i]) / t;
                max = Math.max(max, c[j]);
            }
            double z = 0;
            for (int j = 0; j < k; j++) {
                if (present != null && !present[j][i]) continue;
                w[j][i] = Math.exp(c[j] - max);
                z += w[j][i];
            }
            for (int j = 0; j < k; j++) w[j][i] /= z;
        }
        return w;
    }

    /** Fused logits Σ_k w_k · o_k (weights applied to logits, not probabilities). */
    public static double[][] fuse(double[][][] logits, double[][] w) {
        int b = logits[0].length, c = logits[0][0].length;
        double[][] out = new double[b][c];
        for (int k = 0; k < logits.length; k++)
            for (int i = 0; i < b; i++) for (int j = 0; j < c; j++) out[i][j] += w[k][i] * logits[k][i][j];
        return out;
    }

    static double maxProb(double[] o) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : o) m = Math.max(m, v);
        double z = 0;
        for (double v : o) z += Math.exp(v - m);
        return 1.0 / z;
    }

    public static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
