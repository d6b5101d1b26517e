package io.braid.trainer.model;

import java.util.Map;

/**
 * A classifier's answer for one window (DI-MML, methods.md §4.3): class probabilities (softmax of the certainty-weighted
 * logits), the arg-max, and the certainty weight of each branch that voted (modality names and {@code FUSION}; absent
 * modalities do not vote).
 */
public record ClassScores(float[] probabilities, int predicted, Map<String, Float> certaintyWeights) {
    /** Branch name of DI-MML's concat fusion head in {@link #certaintyWeights}. */
    public static final String FUSION = "FUSION";
}
