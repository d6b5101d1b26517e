package io.braid.flink.augment;

import io.braid.flink.WindowJobOptions;
import java.io.Serializable;

/** The augmentation settings of notes/methods.md §6.7 (defaults in {@link WindowJobOptions}). */
public final class AugmentationParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final double sensorNoiseSigma;
    final double sensorNoiseP;
    final double sensorDropP;
    final double sensorDropMaxFraction;
    final double cropScaleMin;
    final double cropScaleMax;
    final double cropRatioMin;
    final double cropRatioMax;
    final double colorJitterP;
    final double brightness;
    final double contrast;
    final double saturation;
    final double hue;
    final double grayscaleP;
    final double blurP;
    final double blurSigmaMin;
    final double blurSigmaMax;
    final double flipP;
    final double textMaskP;
    final double modalityDropoutP;

    public AugmentationParams(WindowJobOptions o) {
        sensorNoiseSigma = o.sensorNoiseSigma;
        sensorNoiseP = o.sensorNoiseP;
        sensorDropP = o.sensorDropP;
        sensorDropMaxFraction = o.sensorDropMaxFraction;
        cropScaleMin = o.cropScaleMin;
        cropScaleMax = o.cropScaleMax;
        cropRatioMin = o.cropRatioMin;
        cropRatioMax = o.cropRatioMax;
        colorJitterP = o.colorJitterP;
        brightness = o.brightness;
        contrast = o.contrast;
        saturation = o.saturation;
        hue = o.hue;
        grayscaleP = o.grayscaleP;
        blurP = o.blurP;
        blurSigmaMin = o.blurSigmaMin;
        blurSigmaMax = o.blurSigmaMax;
        flipP = o.flipP;
        textMaskP = o.textMaskP;
        modalityDropoutP = o.modalityDropoutP;
    }
}
