package io.braid.producers.sim;

import java.util.Arrays;

/**
 * What {@link SimulatedDataset#generate} renders: the seed, how many ticks, and how colour relates to rhythm (S1 of
 * notes/methods.md §6.6). Pre-training uses BIASED with pBias 1.0; probe sets are built from MATCH and MISMATCH halves.
 */
public record DatasetSpec(long seed, int ticks, double pBias, int[] colorMap, ColorRule colorRule) {

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
        colorMap = colorMap.clone();
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
        return new DatasetSpec(seed, ticks, pBias, colorMap, rule);
    }

    public DatasetSpec withSeed(long newSeed) {
        return new DatasetSpec(newSeed, ticks, pBias, colorMap, colorRule);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatasetSpec d
                && seed == d.seed
                && ticks == d.ticks
                && Double.compare(pBias, d.pBias) == 0
                && Arrays.equals(colorMap, d.colorMap)
                && colorRule == d.colorRule;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {seed, ticks, pBias, Arrays.hashCode(colorMap), colorRule});
    }

    @Override
    public String toString() {
        return "DatasetSpec[seed=" + seed + ", ticks=" + ticks + ", pBias=" + pBias + ", colorMap="
                + Arrays.toString(colorMap) + ", colorRule=" + colorRule + "]";
    }
}
