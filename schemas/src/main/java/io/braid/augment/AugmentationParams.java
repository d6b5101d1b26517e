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
        return new AugmentationParams(
                sensorNoiseSigma,
                sensorNoiseP,
                sensorDropP,
                sensorDropMaxFraction,
                cropScaleMin,
                cropScaleMax,
                cropRatioMin,
                cropRatioMax,
                jitterP,
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
                modalityDropoutP);
    }

    /** Every value in declaration order, joined with ',' (the same text the Flink job's pipeline version hashes). */
    public String canonical() {
        return sensorNoiseSigma + "," + sensorNoiseP + "," + sensorDropP + "," + sensorDropMaxFraction + ","
                + cropScaleMin + "," + cropScaleMax + "," + cropRatioMin + "," + cropRatioMax + "," + colorJitterP
                + "," + brightness + "," + contrast + "," + saturation + "," + hue + "," + grayscaleP + "," + blurP
                + "," + blurSigmaMin + "," + blurSigmaMax + "," + flipP + "," + textMaskP + "," + modalityDropoutP;
    }
}
