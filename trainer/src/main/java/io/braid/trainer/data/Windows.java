package io.braid.trainer.data;

import io.braid.producers.sim.SegmentFactors;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.trainer.model.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Model-ready host copies of a set of simulated windows (sensor transposed to (C, T)), with their factors and segment
 * ids, and the batch builders (plain and two augmented views, seeded per sample so a run is reproducible).
 */
public final class Windows {
    public final int size, channels, steps, imageSize, textLength;
    final float[][] sensor;
    final byte[][] image;
    final int[][] tokens;
    public final SegmentFactors[] factors;
    public final long[] segment;
    /** Colour jitter / grayscale parameters of {@link #augmented} (methods.md §6.7 by default). */
    private Augmenter.ImageColour imageColour = Augmenter.ImageColour.DEFAULT;

    public Windows(List<SimulatedDataset> parts) {
        int n = 0;
        for (SimulatedDataset d : parts) n += d.size();
        size = n;
        channels = SimulatedDataset.SENSOR_CHANNELS;
        steps = SimulatedDataset.SENSOR_STEPS;
        imageSize = SimulatedDataset.IMAGE_SIZE;
        textLength = SimulatedDataset.TEXT_LENGTH;
        sensor = new float[n][];
        image = new byte[n][];
        tokens = new int[n][];
        factors = new SegmentFactors[n];
        segment = new long[n];
        int i = 0;
        long segOffset = 0;
        for (SimulatedDataset d : parts) {
            for (int k = 0; k < d.size(); k++, i++) {
                float[] rm = d.sensor(k); // (T, C) row-major
                float[] ct = new float[channels * steps];
                for (int t = 0; t < steps; t++)
                    for (int c = 0; c < channels; c++) ct[c * steps + t] = rm[t * channels + c];
                sensor[i] = ct;
                image[i] = d.image(k);
                tokens[i] = d.tokens(k);
                factors[i] = d.factors(k);
                segment[i] = segOffset + d.segmentId(k);
            }
            segOffset += d.segments();
        }
    }

    /** Number of distinct segments. */
    public int segments() {
        return (int) java.util.Arrays.stream(segment).distinct().count();
    }

    /** Sets the colour jitter / grayscale parameters used by {@link #augmented} from now on. */
    public Windows imageColour(Augmenter.ImageColour c) {
        imageColour = java.util.Objects.requireNonNull(c);
        return this;
    }

    public Augmenter.ImageColour imageColour() {
        return imageColour;
    }

    public static Windows of(SimulatedDataset d) {
        return new Windows(List.of(d));
    }

    /** Un-augmented batch of the given rows; all modalities present. */
    public Batch plain(int[] idx, int[] labels) {
        int b = idx.length;
        float[] s = new float[b * channels * steps], im = new float[b * 3 * imageSize * imageSize];
        int[] tk = new int[b * textLength];
        for (int r = 0; r < b; r++) {
            System.arraycopy(sensor[idx[r]], 0, s, r * channels * steps, channels * steps);
            Augmenter.image(image[idx[r]], imageSize, im, r * 3 * imageSize * imageSize);
            System.arraycopy(tokens[idx[r]], 0, tk, r * textLength, textLength);
        }
        return new Batch(b, channels, steps, imageSize, textLength, s, im, tk, ones(b), labels);
    }

    /**
     * Augmented batch: {@code views} = 2 gives rows [view '; view ''], 1 gives one view. The random stream of sample i,
     * view v is derived from (seed, epoch, i, v) only.
     */
    public Batch augmented(int[] idx, int views, long seed, int epoch, int[] labels) {
        int b = idx.length, rows = b * views;
        float[] s = new float[rows * channels * steps], im = new float[rows * 3 * imageSize * imageSize];
        int[] tk = new int[rows * textLength];
        int[] lab = labels == null ? null : new int[rows];
        for (int v = 0; v < views; v++)
            for (int r = 0; r < b; r++) {
                int row = v * b + r;
                SplittableRandom rng = new SplittableRandom(mix(seed, epoch, idx[r], v));
                Augmenter.sensor(sensor[idx[r]], channels, steps, rng, s, row * channels * steps);
                Augmenter.image(image[idx[r]], imageSize, rng, imageColour, im, row * 3 * imageSize * imageSize);
                Augmenter.text(tokens[idx[r]], rng, tk, row * textLength);
                if (lab != null) lab[row] = labels[r];
            }
        return new Batch(rows, channels, steps, imageSize, textLength, s, im, tk, ones(rows), lab);
    }

    static long mix(long seed, long epoch, long i, long v) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch;
        h = h * 0xBF58476D1CE4E5B9L + i;
        h = h * 0x94D049BB133111EBL + v;
        return h ^ (h >>> 31);
    }

    static float[] ones(int rows) {
        float[] p = new float[rows * Batch.MODALITIES];
        java.util.Arrays.fill(p, 1f);
        return p;
    }

    /**
     * One epoch of batches with at most one tick per segment in each batch (a few when segments < 2·batch) (consecutive ticks of a segment are
     * near-duplicates, i.e. false negatives, §6.2). Incomplete trailing batches are dropped.
     */
    public List<int[]> epochBatches(int batch, SplittableRandom r) {
        // with fewer segments than 2x the batch (smoke sizes) allow a few ticks of one segment per batch
        int perSegment = Math.max(1, (int) Math.ceil(2.0 * batch / Math.max(1, segments())));
        int[] order = Augmenter.permutation(size, r);
        List<Integer> pending = new ArrayList<>();
        for (int i : order) pending.add(i);
        List<int[]> out = new ArrayList<>();
        while (pending.size() >= batch) {
            int[] cur = new int[batch];
            int n = 0;
            java.util.Map<Long, Integer> segs = new java.util.HashMap<>();
            List<Integer> rest = new ArrayList<>();
            for (int i : pending) {
                if (n < batch && segs.getOrDefault(segment[i], 0) < perSegment) {
                    segs.merge(segment[i], 1, Integer::sum);
                    cur[n++] = i;
                } else rest.add(i);
            }
            if (n < batch) break;
            out.add(cur);
            pending = rest;
        }
        return out;
    }
}
