package io.braid.trainer.data;

/**
 * The model's image input: raw u8 H×W×3 → ImageNet-normalised planar 3×H×W floats. Used for every image the model
 * sees (augmented views in TrainingPairBatches, un-augmented probe windows in {@link Windows#plain}).
 */
public final class ImageNorm {
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};

    private ImageNorm() {}

    /** {@code hwc} (size × size × 3) into {@code dst} at {@code off} as (3, size, size). */
    public static void toChw(byte[] hwc, int size, float[] dst, int off) {
        int n = size * size;
        for (int p = 0; p < n; p++)
            for (int c = 0; c < 3; c++) dst[off + c * n + p] = ((hwc[p * 3 + c] & 0xff) / 255f - MEAN[c]) / STD[c];
    }
}
