package io.braid.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A batch of model inputs on the host, convertible to device tensors. For two-view objectives the first half of the
 * rows is view ' and the second half view '' of the same samples, so encoders run once on 2N rows.
 *
 * <p>Missing modalities are first-class: {@code presence[b*3+m]} is 0 when modality m (0 sensor, 1 image, 2 text) is
 * absent from row b; its input values are then ignored (CoMM masks its tokens out of attention, i.e. removes them; the
 * other objectives zero its pooled feature and weight out the loss terms that involve it).
 */
public final class Batch {
    public static final int SENSOR = 0, IMAGE = 1, TEXT = 2, MODALITIES = 3;

    public final int rows;
    public final int channels, steps, imageSize, textLength;
    /** (rows, channels, steps), already standardised. */
    public final float[] sensor;
    /** (rows, 3, H, W), normalised. */
    public final float[] image;
    /** (rows, textLength) token ids, PAD = 0. */
    public final int[] tokens;
    /** (rows, 3) 1 present / 0 absent. */
    public final float[] presence;
    /** optional supervised labels (rows), or null. */
    public final int[] labels;
    /**
     * optional (N, N) 1/0 mask over the N = rows / views samples: 1 where sample j must not serve as a negative of
     * sample i (same source, close in time); null = every other sample is a negative.
     */
    public final float[] falseNegatives;

    public Batch(
            int rows,
            int channels,
            int steps,
            int imageSize,
            int textLength,
            float[] sensor,
            float[] image,
            int[] tokens,
            float[] presence,
            int[] labels) {
        this(rows, channels, steps, imageSize, textLength, sensor, image, tokens, presence, labels, null);
    }

    public Batch(
            int rows,
            int channels,
            int steps,
            int imageSize,
            int textLength,
            float[] sensor,
            float[] image,
            int[] tokens,
            float[] presence,
            int[] labels,
            float[] falseNegatives) {
        this.falseNegatives = falseNegatives;
        this.rows = rows;
        this.channels = channels;
        this.steps = steps;
        this.imageSize = imageSize;
        this.textLength = textLength;
        this.sensor = sensor;
        this.image = image;
        this.tokens = tokens;
        this.presence = presence;
        this.labels = labels;
    }

    public boolean present(int row, int modality) {
        return presence[row * MODALITIES + modality] > 0;
    }

    public boolean textToken(int row, int pos) {
        return present(row, TEXT) && tokens[row * textLength + pos] != 0;
    }

    /** Device tensors of this batch, attached to {@code m} (a per-step manager). */
    public Nd toNd(NDManager m) {
        NDArray s = m.create(sensor, new Shape(rows, channels, steps));
        NDArray i = m.create(image, new Shape(rows, 3, imageSize, imageSize));
        long[] t = new long[tokens.length];
        for (int k = 0; k < t.length; k++) t[k] = tokens[k];
        NDArray tk = m.create(t, new Shape(rows, textLength));
        NDArray p = m.create(presence, new Shape(rows, MODALITIES));
        return new Nd(this, m, s, i, tk, p);
    }

    /** Device view of a batch plus the host arrays needed to build masks. */
    public record Nd(Batch host, NDManager manager, NDArray sensor, NDArray image, NDArray tokens, NDArray presence) {
        public int rows() {
            return host.rows;
        }

        /** (N, N) false-negative mask of the N samples, or null. */
        public NDArray falseNegatives() {
            if (host.falseNegatives == null) return null;
            int n = (int) Math.round(Math.sqrt(host.falseNegatives.length));
            return manager.create(host.falseNegatives, new Shape(n, n));
        }

        /** (rows) presence column of one modality. */
        public NDArray presence(int modality) {
            float[] p = new float[host.rows];
            for (int b = 0; b < p.length; b++) p[b] = host.presence[b * MODALITIES + modality];
            return manager.create(p);
        }
    }
}
