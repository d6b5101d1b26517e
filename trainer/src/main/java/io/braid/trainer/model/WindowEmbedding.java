package io.braid.trainer.model;

import io.braid.avro.Modality;
import java.util.Map;
import java.util.Set;

/**
 * What {@link InferenceModel#embed} returns for one window: the fused vector (CoMM: Z over the present modalities; the
 * other objectives: the concatenated mean-pooled encoder features, zeros for an absent modality), one vector per
 * modality used (CoMM: the unimodal Z_m; the others: the pooled feature), the modalities used (those the window's
 * presence mask marks present) and the model version that produced it.
 */
public record WindowEmbedding(
        String modelVersion,
        String windowId,
        float[] fused,
        Map<Modality, float[]> perModality,
        Set<Modality> modalities) {}
