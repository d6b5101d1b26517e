package io.braid.producers.sim;

import java.util.Arrays;

/**
 * What {@link SimulatedDataset#generate} renders: the seed, how many ticks, and how colour relates to rhythm (S1 of
 * notes/methods.md §6.6). Pre-training uses BIASED with pBias 1.0; probe sets are built from MATCH and MISMATCH halves.
 * The benchmark's knobs: the segment length range in ticks (§6.2: 8..24; short probe segments give many more segments
 * for the same tick budget), the sensor noise std (§6.4: 0.25, before standardisation with the fixed statistics of
 * the default noise) and the image background noise std (§6.4: 0.03).
 */
public record DatasetSpec(
        long seed,
        int ticks,
        double pBias,
        int[] colorMap,
        ColorRule colorRule,
        int minSegmentTicks,
        int maxSegmentTicks,
        double sensorNoise,
        double pixelNoise) {

    /** How a segment's colour is drawn from its rhythm. */
    public enum ColorRule {
        /** colour = π(rhythm) with probability pBias, uniform otherwise. */
        BIASED,
        /** always π(rhythm). */
        MATCH,
        /** uniform among the three colours other than π(rhythm). */
        MISMATCH
    }

    public DatasetSpec {
        if (ticks < 0) throw new IllegalArgumentException("ticks must be >= 0, got " + ticks);
        if (!(pBias >= 0 && pBias <= 1)) throw new IllegalArgumentException("pBias must be in [0,1], got " + pBias);
        Rendering.checkColorMap(colorMap);
        if (colorRule == null) throw new IllegalArgumentException("colorRule is required");
        if (minSegmentTicks < 1 || maxSegmentTicks < minSegmentTicks)
            throw new IllegalArgumentException(
                    "segment ticks must satisfy 1 <= min <= max, got " + minSegmentTicks + ".." + maxSegmentTicks);
        if (!(sensorNoise >= 0) || !(pixelNoise >= 0))
            throw new IllegalArgumentException("noise levels must be >= 0, got " + sensorNoise + ", " + pixelNoise);
        colorMap = colorMap.clone();
    }

    /** §6.2 / §6.4 defaults for segment lengths (8..24 ticks) and noise (sensor 0.25, pixels 0.03). */
    public DatasetSpec(long seed, int ticks, double pBias, int[] colorMap, ColorRule colorRule) {
        this(
                seed,
                ticks,
                pBias,
                colorMap,
                colorRule,
                Rendering.MIN_SEGMENT_TICKS,
                Rendering.MAX_SEGMENT_TICKS,
                Rendering.SENSOR_NOISE_STD,
                Rendering.BACKGROUND_NOISE_STD);
    }

    /** pBias 1.0, the stored π, BIASED. */
    public static DatasetSpec defaults(long seed, int ticks) {
        return new DatasetSpec(seed, ticks, 1.0, Rendering.defaultColorMap(), ColorRule.BIASED);
    }

    @Override
    public int[] colorMap() {
        return colorMap.clone();
    }

    public DatasetSpec withColorRule(ColorRule rule) {
        return new DatasetSpec(
                seed, ticks, pBias, colorMap, rule, minSegmentTicks, maxSegmentTicks, sensorNoise, pixelNoise);
    }

    public DatasetSpec withSeed(long newSeed) {
        return new DatasetSpec(
                newSeed, ticks, pBias, colorMap, colorRule, minSegmentTicks, maxSegmentTicks, sensorNoise, pixelNoise);
    }

    public DatasetSpec withTicks(int newTicks) {
        return new DatasetSpec(
                seed, newTicks, pBias, colorMap, colorRule, minSegmentTicks, maxSegmentTicks, sensorNoise, pixelNoise);
    }

    public DatasetSpec withPBias(double newPBias) {
        return new DatasetSpec(
                seed, ticks, newPBias, colorMap, colorRule, minSegmentTicks, maxSegmentTicks, sensorNoise, pixelNoise);
    }

    /** Copy with segment lengths uniform in {@code min..max} ticks. */
    public DatasetSpec withSegmentTicks(int min, int max) {
        return new DatasetSpec(seed, ticks, pBias, colorMap, colorRule, min, max, sensorNoise, pixelNoise);
    }

    /** Copy with another sensor noise std and image background noise std. */
    public DatasetSpec withNoise(double sensor, double pixel) {
        return new DatasetSpec(
                seed, ticks, pBias, colorMap, colorRule, minSegmentTicks, maxSegmentTicks, sensor, pixel);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatasetSpec d
                && seed == d.seed
                && ticks == d.ticks
                && Double.compare(pBias, d.pBias) == 0
                && Arrays.equals(colorMap, d.colorMap)
                && colorRule == d.colorRule
                && minSegmentTicks == d.minSegmentTicks
                && maxSegmentTicks == d.maxSegmentTicks
                && Double.compare(sensorNoise, d.sensorNoise) == 0
                && Double.compare(pixelNoise, d.pixelNoise) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {
            seed,
            ticks,
            pBias,
            Arrays.hashCode(colorMap),
            colorRule,
            minSegmentTicks,
            maxSegmentTicks,
            sensorNoise,
            pixelNoise
        });
    }

    @Override
    public String toString() {
        return "DatasetSpec[seed=" + seed + ", ticks=" + ticks + ", pBias=" + pBias + ", colorMap="
                + Arrays.toString(colorMap) + ", colorRule=" + colorRule + ", segmentTicks=" + minSegmentTicks + ".."
                + maxSegmentTicks + ", sensorNoise=" + sensorNoise + ", pixelNoise=" + pixelNoise + "]";
    }
}
