package io.braid.producers.sim;

import io.braid.text.Tokenizer;
import java.util.SplittableRandom;

/**
 * An in-memory tick dataset of the robot benchmark (notes/methods.md §6), one entry per tick, rendered exactly as §6.4
 * on the 32-step grid: what a 1 s window of the stream resamples to. Deterministic for a {@link DatasetSpec}. Splits
 * are by segment: generate pre-train, probe-train and probe-test with different seeds.
 */
public final class SimulatedDataset {
    public static final int SENSOR_STEPS = SensorModel.GRID;
    public static final int SENSOR_CHANNELS = SensorModel.CHANNELS;
    public static final int IMAGE_SIZE = ImageRenderer.SIZE;
    public static final int TEXT_LENGTH = TextRenderer.MAX_WORDS;

    /** Fixed per-channel statistics used to standardise every sensor window (same for every dataset and the stream). */
    public static final float[] SENSOR_MEAN = SensorModel.mean();

    public static final float[] SENSOR_STD = SensorModel.std();

    private final DatasetSpec spec;
    private final float[][] sensor;
    private final byte[][] image;
    private final int[][] tokens;
    private final SegmentFactors[] factors;
    private final long[] segmentIds;

    private SimulatedDataset(DatasetSpec spec) {
        int n = spec.ticks();
        this.spec = spec;
        this.sensor = new float[n][];
        this.image = new byte[n][];
        this.tokens = new int[n][];
        this.factors = new SegmentFactors[n];
        this.segmentIds = new long[n];
    }

    public static SimulatedDataset generate(DatasetSpec spec) {
        SimulatedDataset d = new SimulatedDataset(spec);
        SplittableRandom master = new SplittableRandom(spec.seed());
        SplittableRandom segRng = master.split();
        SplittableRandom sensorNoise = master.split();
        SplittableRandom pixelNoise = master.split();
        SplittableRandom textRng = master.split();
        SegmentSampler sampler = new SegmentSampler(
                spec.pBias(),
                spec.colorMap(),
                spec.colorRule(),
                spec.minSegmentTicks(),
                spec.maxSegmentTicks(),
                spec.s1Values(),
                spec.s2Values());
        Tokenizer tokenizer = Tokenizer.defaultTokenizer();
        int i = 0;
        long segId = 0;
        while (i < spec.ticks()) {
            Segment s = sampler.next(segRng, segId);
            for (int k = 0; k < s.length() && i < spec.ticks(); k++, i++) {
                d.sensor[i] = sensorWindow(s, k, sensorNoise, spec.sensorNoise());
                byte[] img = new byte[ImageRenderer.BYTES];
                ImageRenderer.render(s, k, pixelNoise, spec.pixelNoise(), img);
                d.image[i] = img;
                d.tokens[i] = tokenizer.encode(TextRenderer.line(s.factors(), textRng), TEXT_LENGTH);
                d.factors[i] = s.factors();
                d.segmentIds[i] = segId;
            }
            segId++;
        }
        return d;
    }

    /** 32 steps x 4 channels row-major, standardised, for tick {@code k} of segment {@code s}. */
    static float[] sensorWindow(Segment s, int k, SplittableRandom noise) {
        return sensorWindow(s, k, noise, Rendering.SENSOR_NOISE_STD);
    }

    /** As above with sensor noise std {@code noiseStd} (standardised with the default noise's fixed statistics). */
    static float[] sensorWindow(Segment s, int k, SplittableRandom noise, double noiseStd) {
        float[] w = new float[SENSOR_STEPS * SENSOR_CHANNELS];
        for (int j = 0; j < SENSOR_STEPS; j++) {
            double tau = j / (double) SENSOR_STEPS;
            for (int ch = 0; ch < SENSOR_CHANNELS; ch++) {
                w[j * SENSOR_CHANNELS + ch] =
                        SensorModel.standardise(SensorModel.noisy(s, k, tau, ch, noise, noiseStd), ch);
            }
        }
        return w;
    }

    public DatasetSpec spec() {
        return spec;
    }

    public int size() {
        return factors.length;
    }

    /** Standardised sensor window, 32 steps x 4 channels, row-major (a copy). */
    public float[] sensor(int i) {
        return sensor[i].clone();
    }

    /** 32x32x3 RGB, HWC, unsigned bytes (a copy). */
    public byte[] image(int i) {
        return image[i].clone();
    }

    /** 8 token ids of {@link Tokenizer} v1, PAD-padded (a copy). */
    public int[] tokens(int i) {
        return tokens[i].clone();
    }

    public SegmentFactors factors(int i) {
        return factors[i];
    }

    public long segmentId(int i) {
        return segmentIds[i];
    }

    /** Number of distinct segments. */
    public int segments() {
        return factors.length == 0 ? 0 : (int) segmentIds[factors.length - 1] + 1;
    }
}
