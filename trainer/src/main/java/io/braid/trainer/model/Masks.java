package io.braid.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Additive key-padding masks (0 keep, -1e9 drop) built on the host from presence and PAD tokens. */
public final class Masks {
    private Masks() {}

    /** (B,1,1,L) mask over text tokens: PAD or absent text is dropped. */
    static NDArray textKeys(Batch.Nd b) {
        Batch h = b.host();
        float[] m = new float[h.rows * h.textLength];
        for (int r = 0; r < h.rows; r++)
            for (int t = 0; t < h.textLength; t++) m[r * h.textLength + t] = h.textToken(r, t) ? 0f : Nn.NEG;
        return b.manager().create(m, new Shape(h.rows, 1, 1, h.textLength));
    }

    /** (B,L,1) 1/0 for non-PAD tokens of present text. */
    static NDArray textKeep(Batch.Nd b) {
        Batch h = b.host();
        float[] m = new float[h.rows * h.textLength];
        for (int r = 0; r < h.rows; r++)
            for (int t = 0; t < h.textLength; t++) m[r * h.textLength + t] = h.textToken(r, t) ? 1f : 0f;
        return b.manager().create(m, new Shape(h.rows, h.textLength, 1));
    }

    /**
     * (B,1,1,1+Σ L_m) mask for the fusion sequence [CLS; tokens of the listed modalities]. Tokens of a modality absent
     * from a row are dropped, which is exactly removal: no other token attends to them.
     */
    public static NDArray fusion(Batch.Nd b, int[] modalities, int[] lengths) {
        Batch h = b.host();
        int len = 1;
        for (int m : modalities) len += lengths[m];
        float[] mask = new float[h.rows * len];
        for (int r = 0; r < h.rows; r++) {
            int o = r * len + 1;
            for (int m : modalities) {
                for (int t = 0; t < lengths[m]; t++) {
                    boolean keep = m == Batch.TEXT ? h.textToken(r, t) : h.present(r, m);
                    mask[o++] = keep ? 0f : Nn.NEG;
                }
            }
        }
        return b.manager().create(mask, new Shape(h.rows, 1, 1, len));
    }
}
