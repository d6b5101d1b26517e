package io.braid.augment;

import java.io.Serializable;

/**
 * The augmentation settings of notes/methods.md §6.7. {@link #DEFAULTS} are the Flink job's option defaults
 * (flink-jobs WindowJobOptions, checked by a test there) and what {@code eval} trains with.
 */
public record AugmentationParams(
        double sensorNoiseSigma,
        double sensorNoiseP,
        double sensorDropP,
        double sensorDropMaxFraction,
        double cropScaleMin,
        double cropScaleMax,
        double cropRatioMin,
        double cropRatioMax,
        double colorJitterP,
        double brightness,
        double contrast,
        double saturation,
        double hue,
        double grayscaleP,
        double blurP,
        double blurSigmaMin,
        double blurSigmaMax,
        double flipP,
        double textMaskP,
        double modalityDropoutP)
        implements Serializable {

    public static final AugmentationParams DEFAULTS = new AugmentationParams(
            0.1, 0.5, 0.5, 0.8, 0.2, 1.0, 3.0 / 4.0, 4.0 / 3.0, 0.8, 0.4, 0.4, 0.4, 0.1, 0.2, 0.5, 0.1, 1.0, 0.5, 0.15,
            0.0);

    /** These settings with other colour-jitter strengths, jitter probability and grayscale probability. */
    public AugmentationParams withColour(
            double brightness, double contrast, double saturation, double hue, double jitterP, double grayscaleP) {
        double[] v = values();
        v[8] = jitterP;
        v[9] = brightness;
        v[10] = contrast;
        v[11] = saturation;
        v[12] = hue;
        v[13] = grayscaleP;
        return of(v);
    }

    /** These settings with another probability of the sensor time-step drop. */
    public AugmentationParams withSensorDropP(double p) {
        double[] v = values();
        v[2] = p;
        return of(v);
    }

    /** These settings with another per-modality dropout probability (at least one present modality is kept). */
    public AugmentationParams withModalityDropoutP(double p) {
        double[] v = values();
        v[19] = p;
        return of(v);
    }

    private double[] values() {
        return new double[] {
            sensorNoiseSigma,
            sensorNoiseP,
            sensorDropP,
            sensorDropMaxFraction,
            cropScaleMin,
            cropScaleMax,
            cropRatioMin,
            cropRatioMax,
            colorJitterP,
            brightness,
            contrast,
            saturation,
            hue,
            grayscaleP,
            blurP,
            blurSigmaMin,
            blurSigmaMax,
            flipP,
            textMaskP,
            modalityDropoutP
        };
    }

    private static AugmentationParams of(double[] v) {
        return new AugmentationParams(
                v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15],
                v[16], v[17], v[18], v[19]);
    }

    /** Every value in declaration order, joined with ',' (the same text the Flink job's pipeline version hashes). */
    public String canonical() {
        StringBuilder b = new StringBuilder();
        for (double x : values()) b.append(b.isEmpty() ? "" : ",").append(x);
        return b.toString();
    }
}
