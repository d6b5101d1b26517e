package io.braid.trainer.eval;

/**
 * What every probe fits on: features z-scored with the training rows' statistics, and class weights n / (K·n_c) over
 * the K classes present (class-balanced, §6.6). One implementation for the linear and the MLP probe.
 */
record ProbeInputs(double[] mean, double[] std, double[][] z, double[] classWeights) {
    static ProbeInputs of(float[][] x, int[] y, int classes) {
        int n = x.length, d = x[0].length;
        double[] mean = new double[d], std = new double[d];
        for (float[] r : x) for (int j = 0; j < d; j++) mean[j] += r[j] / (double) n;
        for (float[] r : x) for (int j = 0; j < d; j++) std[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n;
        for (int j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) + 1e-8;
        double[][] z = new double[n][d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) z[i][j] = (x[i][j] - mean[j]) / std[j];
        int[] cnt = new int[classes];
        for (int v : y) cnt[v]++;
        int present = 0;
        for (int v : cnt) if (v > 0) present++;
        double[] cw = new double[classes];
        for (int k = 0; k < classes; k++) cw[k] = cnt[k] == 0 ? 0 : (double) n / (present * cnt[k]);
        return new ProbeInputs(mean, std, z, cw);
    }
}
