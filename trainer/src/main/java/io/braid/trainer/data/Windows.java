package io.braid.trainer.data;

import io.braid.augment.AugmentationParams;
import io.braid.augment.CompleteWindow;
import io.braid.augment.PairAugmenter;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.TrainingPair;
import io.braid.producers.sim.SegmentFactors;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.text.Tokenizer;
import io.braid.trainer.model.Batch;
import io.braid.trainer.model.ModelConfig;
import io.braid.trainer.online.PairRejectedException;
import io.braid.trainer.online.TrainingPairBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated ticks of the offline path ({@code eval}, {@code bench train}) with their factors and segment ids.
 * Training batches take the streaming data path: each tick becomes the {@link MultimodalWindow} the Flink job would
 * emit for it ({@link CompleteWindow}), the shared {@link PairAugmenter} makes its {@link TrainingPair}, and
 * {@link TrainingPairBatches} turns pairs into a model batch. Epoch e is the dataset streamed again e·(ticks) seconds
 * later: tick k of a part with dataset seed s is window {@code sim-s@(e·ticks + k)·1000}, so every epoch gets fresh
 * views, the same ones on every run and on the Flink operator (golden-byte tests in both modules).
 */
public final class Windows {
    /** Every tick is a 1 s window, as in the stream. */
    static final long WINDOW_MS = 1000;

    public final int size, channels, steps, imageSize, textLength;
    /** (T, C) row-major, standardised: the wire layout. */
    final float[][] sensor;

    final byte[][] image;
    final int[][] tokens;
    public final SegmentFactors[] factors;
    public final long[] segment;
    /** Source id of each tick's part ({@code sim-<dataset seed>}), its tick index in the part and the part's size. */
    final String[] source;

    final int[] tick;
    final int[] partSize;
    private PairAugmenter augmenter;
    private String pipelineVersion;
    /** Epochs the stream is shifted by (0 by default): another augmentation seed gives other views of every epoch. */
    private long epochOffset;

    public Windows(List<SimulatedDataset> parts) {
        int n = 0;
        for (SimulatedDataset d : parts) n += d.size();
        size = n;
        channels = SimulatedDataset.SENSOR_CHANNELS;
        steps = SimulatedDataset.SENSOR_STEPS;
        imageSize = SimulatedDataset.IMAGE_SIZE;
        textLength = SimulatedDataset.TEXT_LENGTH;
        sensor = new float[n][];
        source = new String[n];
        tick = new int[n];
        partSize = new int[n];
        image = new byte[n][];
        tokens = new int[n][];
        factors = new SegmentFactors[n];
        segment = new long[n];
        int i = 0;
        long segOffset = 0;
        for (SimulatedDataset d : parts) {
            for (int k = 0; k < d.size(); k++, i++) {
                sensor[i] = d.sensor(k);
                source[i] = "sim-" + d.spec().seed();
                tick[i] = k;
                partSize[i] = d.size();
                image[i] = d.image(k);
                tokens[i] = d.tokens(k);
                factors[i] = d.factors(k);
                segment[i] = segOffset + d.segmentId(k);
            }
            segOffset += d.segments();
        }
        augmentation(AugmentationParams.DEFAULTS);
    }

    /** Number of distinct segments. */
    public int segments() {
        return (int) java.util.Arrays.stream(segment).distinct().count();
    }

    /** Sets the augmentation parameters of {@link #pairs} from now on (methods.md §6.7 defaults otherwise). */
    public Windows augmentation(AugmentationParams p) {
        augmenter = new PairAugmenter(java.util.Objects.requireNonNull(p));
        pipelineVersion = CompleteWindow.offlinePipelineVersion(p);
        return this;
    }

    /**
     * Draws this set's views from another stream: epoch e is streamed as epoch e + (seed mod 2^20), so window ids, and
     * with them the Flink job's views, differ (0, the default, keeps the golden views).
     */
    public Windows viewSeed(long seed) {
        epochOffset = Math.floorMod(seed, 1L << 20);
        return this;
    }

    public AugmentationParams augmentation() {
        return augmenter.params();
    }

    /** The pipeline version stamped on this set's windows (it seeds the augmentation). */
    public String pipelineVersion() {
        return pipelineVersion;
    }

    /** The adapter for a model: its shapes and the tokenizer's vocabulary version. */
    public static TrainingPairBatches adapter(ModelConfig config) {
        return new TrainingPairBatches(new TrainingPairBatches.Expectation(config, Tokenizer.VERSION));
    }

    /** Tick i of the dataset as the window the Flink job emits for it in epoch {@code epoch}. */
    public MultimodalWindow window(int i, int epoch) {
        long start = ((epoch + epochOffset) * partSize[i] + tick[i]) * WINDOW_MS;
        return CompleteWindow.of(
                source[i],
                start,
                WINDOW_MS,
                pipelineVersion,
                sensor[i],
                steps,
                channels,
                image[i],
                imageSize,
                imageSize,
                3,
                tokens[i]);
    }

    /** The training pairs of the given ticks in epoch {@code epoch}, as the Flink job writes them to mm.train. */
    public List<TrainingPair> pairs(int[] idx, int epoch) {
        List<TrainingPair> out = new ArrayList<>(idx.length);
        for (int i : idx) out.add(augmenter.augment(window(i, epoch)));
        return out;
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
            float[] tc = sensor[idx[r]];
            for (int t = 0; t < steps; t++)
                for (int c = 0; c < channels; c++)
                    s[r * channels * steps + c * steps + t] = tc[t * channels + c]; // the model wants (C, T)
            ImageNorm.toChw(image[idx[r]], imageSize, im, r * 3 * imageSize * imageSize);
            System.arraycopy(tokens[idx[r]], 0, tk, r * textLength, textLength);
        }
        return new Batch(b, channels, steps, imageSize, textLength, s, im, tk, ones(b), labels);
    }

    /**
     * Augmented batch of the given ticks in epoch {@code epoch} through the streaming path (pairs → {@code adapter}):
     * {@code views} = 2 gives rows [view '; view ''], 1 gives view ' only (DI-MML); {@code labels} per tick or null.
     */
    public Batch augmented(TrainingPairBatches adapter, int[] idx, int views, int epoch, int[] labels) {
        List<TrainingPairBatches.Sample> samples = new ArrayList<>(idx.length);
        for (TrainingPair p : pairs(idx, epoch)) {
            try {
                samples.add(adapter.decode(p));
            } catch (PairRejectedException e) {
                throw new IllegalStateException(
                        "simulated window " + p.getWindowId() + " rejected: " + e.getMessage(), e);
            }
        }
        return adapter.batch(samples, views, labels, null);
    }

    static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
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
        int[] order = permutation(size, r);
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
