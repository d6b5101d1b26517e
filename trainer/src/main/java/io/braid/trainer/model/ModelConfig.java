package io.braid.trainer.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * Architecture and objective hyper-parameters of a model. Saved as JSON next to the weights so that another process
 * rebuilds the identical parameter layout before loading (methods.md §6.8 defaults).
 */
public record ModelConfig(
        String objective,
        int d,
        int sensorChannels,
        int sensorSteps,
        int imageSize,
        int textLength,
        int vocabularySize,
        int fusionHeads,
        int fusionLayers,
        int textHeads,
        int textFfn,
        int headHidden,
        int headOut,
        int crossDim,
        int decurK,
        int decurKc,
        boolean decurSharedProjector,
        double decurLambda,
        double tau,
        int numClasses,
        double ducTau,
        boolean ducNormalize,
        double certaintyT,
        Double commFullWeight,
        long initSeed) {

    /**
     * {@code commFullWeight}: weight w of the full multimodal CoMM term; the loss is (Σ_i L_i + w·L_full) / (M + w)
     * (methods.md §2.4 optional per-term weights, normalised so that w = 1 is the code's plain mean). A config.json
     * written before this field existed reads it as null, which means 1.
     */
    public ModelConfig {
        if (commFullWeight == null) commFullWeight = 1.0;
        if (!(commFullWeight >= 0))
            throw new IllegalArgumentException("commFullWeight must be >= 0: " + commFullWeight);
    }

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    public static final String COMM = "comm";
    public static final String DECUR = "decur";
    public static final String CROSS = "cross";
    public static final String CROSS_SELF = "crossself";
    public static final String DIMML = "dimml";

    /** The §6.8 defaults for the robot benchmark. */
    public static ModelConfig defaults(String objective, int vocabularySize, long initSeed) {
        return new ModelConfig(
                objective,
                64,
                4,
                32,
                32,
                8,
                vocabularySize,
                8,
                1,
                4,
                128,
                256,
                128,
                128,
                512,
                384,
                false,
                0.0051,
                0.1,
                16,
                0.1,
                true,
                1.0,
                1.0,
                initSeed);
    }

    /** Copy with another fusion width d, number of fusion layers and CoMM full-term weight. */
    public ModelConfig withComm(int newD, int newFusionLayers, double newCommFullWeight) {
        return new ModelConfig(
                objective,
                newD,
                sensorChannels,
                sensorSteps,
                imageSize,
                textLength,
                vocabularySize,
                fusionHeads,
                newFusionLayers,
                textHeads,
                textFfn,
                headHidden,
                headOut,
                crossDim,
                decurK,
                decurKc,
                decurSharedProjector,
                decurLambda,
                tau,
                numClasses,
                ducTau,
                ducNormalize,
                certaintyT,
                newCommFullWeight,
                initSeed);
    }

    public ModelConfig withObjective(String o) {
        return new ModelConfig(
                o,
                d,
                sensorChannels,
                sensorSteps,
                imageSize,
                textLength,
                vocabularySize,
                fusionHeads,
                fusionLayers,
                textHeads,
                textFfn,
                headHidden,
                headOut,
                crossDim,
                decurK,
                decurKc,
                decurSharedProjector,
                decurLambda,
                tau,
                numClasses,
                ducTau,
                ducNormalize,
                certaintyT,
                commFullWeight,
                initSeed);
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public static ModelConfig fromJson(String json) {
        return GSON.fromJson(json, ModelConfig.class);
    }
}
