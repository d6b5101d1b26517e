package io.braid.producers.sim;

import java.util.SplittableRandom;

/**
 * The sensor rendering of notes/methods.md §6.4 as a function of time within a tick: {@code tau} in [0,1) is the
 * fraction of the tick elapsed, {@code tick} the tick index within the segment (phases advance per tick). Sampling at
 * tau = k/32 gives the §6.4 window; a stream samples the same function at its own rate.
 */
public final class SensorModel {
    public static final int CHANNELS = 4;
    /** Grid on which the fixed standardisation statistics are computed (§6.4: 32 steps per tick). */
    public static final int GRID = 32;

    /**
     * Per-channel mean and standard deviation of the raw signal (noise included), exact over uniform factors of the
     * default benchmark (4 profiles, 4 drift patterns). Fixed, like the noise std they include: a dataset with more
     * drift patterns (K2 > 4) or another noise level is standardised with these same statistics, so a window means the
     * same numbers whatever the options (raw ch3 of drifts 4..7 averages ±0.4 over a tick, that of 0..3 about 0).
     */
    static final float[] MEAN = new float[CHANNELS];

    static final float[] STD = new float[CHANNELS];

    static {
        double noiseVar = Rendering.SENSOR_NOISE_STD * Rendering.SENSOR_NOISE_STD;
        double l2 = Rendering.LEVEL * Rendering.LEVEL;
        MEAN[0] = 0f;
        STD[0] = (float) Math.sqrt(0.5 + noiseVar); // sin with a uniform phase
        MEAN[2] = 0f;
        STD[2] = (float) Math.sqrt(l2 + noiseVar); // +-0.8 square wave, symmetric by the uniform phase
        for (int ch : new int[] {1, 3}) {
            double s = 0, s2 = 0;
            int n = 0;
            for (int v = 0; v < Rendering.FACTOR_VALUES; v++) {
                for (int j = 0; j < GRID; j++) {
                    double x = ch == 1 ? profile(v, j / (double) GRID) : drift(v, j / (double) GRID);
                    s += x;
                    s2 += x * x;
                    n++;
                }
            }
            double mean = s / n;
            MEAN[ch] = (float) mean;
            STD[ch] = (float) Math.sqrt(s2 / n - mean * mean + noiseVar);
        }
    }

    private SensorModel() {}

    /** Noise-free value of channel {@code ch}. */
    public static double clean(SegmentFactors f, double phase0, double phase2, int tick, double tau, int ch) {
        switch (ch) {
            case 0: {
                int freq = Rendering.OBJ_FREQ[f.obj()];
                return Math.sin(2 * Math.PI * freq * tau + phase0 + tick * 2 * Math.PI * freq / 4.0);
            }
            case 1:
                return profile(f.prof(), tau);
            case 2: {
                int freq = Rendering.RHYTHM_FREQ[f.rhythm()];
                double s = Math.sin(2 * Math.PI * freq * tau + phase2 + tick * 2 * Math.PI * freq / 4.0);
                return s >= 0 ? Rendering.LEVEL : -Rendering.LEVEL;
            }
            case 3:
                return drift(f.drift(), tau);
            default:
                throw new IllegalArgumentException("channel " + ch);
        }
    }

    public static double clean(Segment s, int tick, double tau, int ch) {
        return clean(s.factors(), s.phase0(), s.phase2(), tick, tau, ch);
    }

    /**
     * The raw (not standardised) value of channel {@code ch} as the benchmark samples it: {@link #clean} plus Gaussian
     * noise of std {@code noiseStd} (§6.4 default {@link Rendering#SENSOR_NOISE_STD}), one draw from {@code noise} per
     * call whatever the std, so the draws of a stream do not depend on the noise level.
     */
    public static double noisy(Segment s, int tick, double tau, int ch, SplittableRandom noise, double noiseStd) {
        return clean(s, tick, tau, ch) + noiseStd * noise.nextGaussian();
    }

    static double profile(int prof, double tau) {
        double l = Rendering.LEVEL;
        return switch (prof) {
            case 0 -> l;
            case 1 -> -l + 2 * l * tau;
            case 2 -> l - 2 * l * tau;
            default -> (tau >= 1.0 / 3 && tau < 2.0 / 3) ? l : -l;
        };
    }

    /**
     * Drift pattern {@code drift} (0..7) of ch3: 0 rise −0.8→+0.8, 1 fall, 2 step up at τ = 0.5, 3 step down at 0.5
     * (§6.4), 4 step up at τ = 0.25, 5 step down at 0.25, 6 step up at 0.75, 7 step down at 0.75.
     */
    static double drift(int drift, double tau) {
        double l = Rendering.LEVEL;
        return switch (drift) {
            case 0 -> -l + 2 * l * tau;
            case 1 -> l - 2 * l * tau;
            case 2 -> tau < 0.5 ? -l : l;
            case 3 -> tau < 0.5 ? l : -l;
            case 4 -> tau < 0.25 ? -l : l;
            case 5 -> tau < 0.25 ? l : -l;
            case 6 -> tau < 0.75 ? -l : l;
            case 7 -> tau < 0.75 ? l : -l;
            default -> throw new IllegalArgumentException("drift " + drift);
        };
    }

    public static float standardise(double raw, int ch) {
        return (float) ((raw - MEAN[ch]) / STD[ch]);
    }

    public static float[] mean() {
        return MEAN.clone();
    }

    public static float[] std() {
        return STD.clone();
    }
}
