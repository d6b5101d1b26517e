package io.braid.producers.sim;

import java.util.Arrays;

/**
 * What {@link SimulatedDataset#generate} renders: the seed, how many ticks, and how colour relates to rhythm (S1 of
 * notes/methods.md §6.6). Pre-training uses BIASED with pBias 1.0; probe sets are built from MATCH and MISMATCH halves.
 * The benchmark's knobs: the segment length range in ticks (§6.2: 8..24; short probe segments give many more segments
 * for the same tick budget), the sensor noise std (§6.4: 0.25, before standardisation with the fixed statistics of
 * the default noise) and the image background noise std (§6.4: 0.03), and the cardinalities of the synergy factors:
 * {@code s1Values} K1 = number of rhythms and of colours (π, {@code colorMap}, is a permutation of 0..K1-1) and {@code
 * s2Values} K2 = number of drift patterns and of zones (S2 = (drift + zone) mod K2), each in 2..8, default 4 (methods.md
 * §6.9 suggests mod 6 / mod 8 for S2). obj, prof, tex and verb always have 4 values. With K1 = K2 = 4 every byte is
 * the one of the benchmark before these options existed. K2 is limited to the zone words the tokenizer knows ({@link
 * Rendering#checkCardinalities}).
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
        double pixelNoise,
        int s1Values,
        int s2Values) {

    /** How a segment's colour is drawn from its rhythm. */
    public enum ColorRule {
        /** colour = π(rhythm) with probability pBias, uniform otherwise. */
        BIASED,
        /** always π(rhythm). */
        MATCH,
        /** uniform among the K1 - 1 colours other than π(rhythm). */
        MISMATCH
    }

    public DatasetSpec {
        if (ticks < 0) throw new IllegalArgumentException("ticks must be >= 0, got " + ticks);
        if (!(pBias >= 0 && pBias <= 1)) throw new IllegalArgumentException("pBias must be in [0,1], got " + pBias);
        Rendering.checkCardinalities(s1Values, s2Values);
        Rendering.checkColorMap(colorMap, s1Values);
        if (colorRule == null) throw new IllegalArgumentException("colorRule is required");
        Rendering.checkSegmentTicks(minSegmentTicks, maxSegmentTicks);
        Rendering.checkNoise("sensor noise", sensorNoise);
        Rendering.checkNoise("pixel noise", pixelNoise);
        colorMap = colorMap.clone();
    }

    /** K1 = K2 = 4. */
    public DatasetSpec(
            long seed,
            int ticks,
            double pBias,
            int[] colorMap,
            ColorRule colorRule,
            int minSegmentTicks,
            int maxSegmentTicks,
            double sensorNoise,
            double pixelNoise) {
        this(
                seed,
                ticks,
                pBias,
                colorMap,
                colorRule,
                minSegmentTicks,
                maxSegmentTicks,
                sensorNoise,
                pixelNoise,
                Rendering.FACTOR_VALUES,
                Rendering.FACTOR_VALUES);
    }

    /** §6.2 / §6.4 defaults for segment lengths (8..24 ticks) and noise (sensor 0.25, pixels 0.03); K1 = K2 = 4. */
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

    /** pBias 1.0, BIASED, K1 / K2 values with the default π for K1 ({@link Rendering#defaultColorMap(int)}). */
    public static DatasetSpec defaults(long seed, int ticks, int s1Values, int s2Values) {
        return defaults(seed, ticks).withSynergyValues(s1Values, s2Values);
    }

    @Override
    public int[] colorMap() {
        return colorMap.clone();
    }

    public DatasetSpec withColorRule(ColorRule rule) {
        return new DatasetSpec(
                seed,
                ticks,
                pBias,
                colorMap,
                rule,
                minSegmentTicks,
                maxSegmentTicks,
                sensorNoise,
                pixelNoise,
                s1Values,
                s2Values);
    }

    public DatasetSpec withSeed(long newSeed) {
        return new DatasetSpec(
                newSeed,
                ticks,
                pBias,
                colorMap,
                colorRule,
                minSegmentTicks,
                maxSegmentTicks,
                sensorNoise,
                pixelNoise,
                s1Values,
                s2Values);
    }

    public DatasetSpec withTicks(int newTicks) {
        return new DatasetSpec(
                seed,
                newTicks,
                pBias,
                colorMap,
                colorRule,
                minSegmentTicks,
                maxSegmentTicks,
                sensorNoise,
                pixelNoise,
                s1Values,
                s2Values);
    }

    public DatasetSpec withPBias(double newPBias) {
        return new DatasetSpec(
                seed,
                ticks,
                newPBias,
                colorMap,
                colorRule,
                minSegmentTicks,
                maxSegmentTicks,
                sensorNoise,
                pixelNoise,
                s1Values,
                s2Values);
    }

    /** Copy with segment lengths uniform in {@code min..max} ticks. */
    public DatasetSpec withSegmentTicks(int min, int max) {
        return new DatasetSpec(
                seed, ticks, pBias, colorMap, colorRule, min, max, sensorNoise, pixelNoise, s1Values, s2Values);
    }

    /** Copy with another sensor noise std and image background noise std. */
    public DatasetSpec withNoise(double sensor, double pixel) {
        return new DatasetSpec(
                seed,
                ticks,
                pBias,
                colorMap,
                colorRule,
                minSegmentTicks,
                maxSegmentTicks,
                sensor,
                pixel,
                s1Values,
                s2Values);
    }

    /** Copy with another π (a permutation of 0..K1-1). */
    public DatasetSpec withColorMap(int[] map) {
        return new DatasetSpec(
                seed,
                ticks,
                pBias,
                map,
                colorRule,
                minSegmentTicks,
                maxSegmentTicks,
                sensorNoise,
                pixelNoise,
                s1Values,
                s2Values);
    }

    /**
     * Copy with K1 = {@code s1} rhythms and colours and K2 = {@code s2} drift patterns and zones. The colour map is kept
     * when K1 stays; otherwise it becomes {@link Rendering#defaultColorMap(int)} of the new K1.
     */
    public DatasetSpec withSynergyValues(int s1, int s2) {
        int[] map = s1 == s1Values ? colorMap : Rendering.defaultColorMap(s1);
        return new DatasetSpec(
                seed, ticks, pBias, map, colorRule, minSegmentTicks, maxSegmentTicks, sensorNoise, pixelNoise, s1, s2);
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
                && Double.compare(pixelNoise, d.pixelNoise) == 0
                && s1Values == d.s1Values
                && s2Values == d.s2Values;
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
            pixelNoise,
            s1Values,
            s2Values
        });
    }

    @Override
    public String toString() {
        return "DatasetSpec[seed=" + seed + ", ticks=" + ticks + ", pBias=" + pBias + ", colorMap="
                + Arrays.toString(colorMap) + ", colorRule=" + colorRule + ", segmentTicks=" + minSegmentTicks + ".."
                + maxSegmentTicks + ", sensorNoise=" + sensorNoise + ", pixelNoise=" + pixelNoise + ", s1Values="
                + s1Values + ", s2Values=" + s2Values + "]";
    }
}
