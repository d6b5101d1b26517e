package io.braid.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.braid.trainer.data.Windows;
import io.braid.trainer.model.Batch;
import io.braid.trainer.model.MultimodalModel;

/** Frozen-feature extraction in inference mode, in batches, each in its own sub-manager. */
public final class Features {
    private Features() {}

    public static final int BATCH = 256;

    /** Probe features (n, F) of un-augmented windows. */
    public static float[][] of(MultimodalModel model, NDManager manager, Windows data) {
        float[][] out = new float[data.size][];
        for (int start = 0; start < data.size; start += BATCH) {
            int[] idx = range(start, Math.min(data.size, start + BATCH));
            try (NDManager step = manager.newSubManager()) {
                NDArray f = model.features(data.plain(idx, null).toNd(step));
                copyRows(f, out, start);
            }
        }
        return out;
    }

    /**
     * Inference embeddings of un-augmented windows: [0] the fused vector, [1 + m] modality m's vector (CoMM: Z_m with
     * the other modalities' tokens removed; the others: mean-pooled encoder features).
     */
    public static float[][][] embeddings(MultimodalModel model, NDManager manager, Windows data) {
        float[][][] out = new float[1 + Batch.MODALITIES][data.size][];
        for (int start = 0; start < data.size; start += BATCH) {
            int[] idx = range(start, Math.min(data.size, start + BATCH));
            try (NDManager step = manager.newSubManager()) {
                MultimodalModel.Embeddings e =
                        model.embeddings(data.plain(idx, null).toNd(step));
                copyRows(e.fused(), out[0], start);
                for (int m = 0; m < Batch.MODALITIES; m++) copyRows(e.perModality()[m], out[1 + m], start);
            }
        }
        return out;
    }

    /** The model's projection features of un-augmented windows, or null where it has none. */
    public static float[][] projections(MultimodalModel model, NDManager manager, Windows data) {
        float[][] out = new float[data.size][];
        for (int start = 0; start < data.size; start += BATCH) {
            int[] idx = range(start, Math.min(data.size, start + BATCH));
            try (NDManager step = manager.newSubManager()) {
                NDArray f = model.projections(data.plain(idx, null).toNd(step));
                if (f == null) return null;
                copyRows(f, out, start);
            }
        }
        return out;
    }

    /** Mean-pooled encoder features per modality: [m][n][d]. */
    public static float[][][] pooled(MultimodalModel model, NDManager manager, Windows data) {
        float[][] all = of(model, manager, data); // features() of DI-MML = concat pooled
        int d = model.config().d();
        float[][][] out = new float[Batch.MODALITIES][data.size][d];
        for (int i = 0; i < data.size; i++)
            for (int m = 0; m < Batch.MODALITIES; m++) System.arraycopy(all[i], m * d, out[m][i], 0, d);
        return out;
    }

    static int[] range(int a, int b) {
        int[] r = new int[b - a];
        for (int i = 0; i < r.length; i++) r[i] = a + i;
        return r;
    }

    static void copyRows(NDArray f, float[][] out, int start) {
        int rows = (int) f.getShape().get(0), cols = (int) f.getShape().get(1);
        float[] v = f.toFloatArray();
        for (int r = 0; r < rows; r++) {
            out[start + r] = new float[cols];
            System.arraycopy(v, r * cols, out[start + r], 0, cols);
        }
    }
}
