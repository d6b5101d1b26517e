package io.braid.augment;

/** CoMM's time-series augmentation: Gaussian noise, then zeroing a random fraction of whole time steps. */
final class SensorAugment {
    private SensorAugment() {}

    static float[] apply(float[] grid, boolean[] gaps, int steps, int channels, AugmentationParams p, Rng rng) {
        float[] x = grid.clone();
        if (rng.coin(p.sensorNoiseP())) {
            for (int t = 0; t < steps; t++) {
                if (gaps[t]) continue;
                for (int c = 0; c < channels; c++) {
                    x[t * channels + c] = (float) (x[t * channels + c] + p.sensorNoiseSigma() * rng.gaussian());
                }
            }
        }
        if (rng.coin(p.sensorDropP())) {
            double frac = rng.uniform(0, p.sensorDropMaxFraction());
            int k = (int) StrictMath.round(frac * steps);
            int[] idx = new int[steps];
            for (int i = 0; i < steps; i++) idx[i] = i;
            for (int i = 0; i < k; i++) { // partial Fisher-Yates: k distinct steps
                int j = i + rng.nextInt(steps - i);
                int tmp = idx[i];
                idx[i] = idx[j];
                idx[j] = tmp;
                int t = idx[i];
                for (int c = 0; c < channels; c++) x[t * channels + c] = 0f;
            }
        }
        return x;
    }
}
