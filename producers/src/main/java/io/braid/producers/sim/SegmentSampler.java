package io.braid.producers.sim;

import java.util.SplittableRandom;

/**
 * Draws segments: uniform independent factors (obj, prof, tex, verb in 0..3, rhythm in 0..K1-1, drift and zone in
 * 0..K2-1), colour by the {@link DatasetSpec.ColorRule}, length U{min..max} (§6.2 default 8..24). The draws are the
 * same calls in the same order whatever K1 and K2, so with K1 = K2 = 4 the sequence is the one of the fixed-4 sampler.
 */
public final class SegmentSampler {
    private final double pBias;
    private final int[] colorMap;
    private final DatasetSpec.ColorRule rule;
    private final int minTicks, maxTicks;
    private final int s1Values, s2Values;

    public SegmentSampler(double pBias, int[] colorMap, DatasetSpec.ColorRule rule) {
        this(pBias, colorMap, rule, Rendering.MIN_SEGMENT_TICKS, Rendering.MAX_SEGMENT_TICKS);
    }

    public SegmentSampler(double pBias, int[] colorMap, DatasetSpec.ColorRule rule, int minTicks, int maxTicks) {
        this(pBias, colorMap, rule, minTicks, maxTicks, Rendering.FACTOR_VALUES, Rendering.FACTOR_VALUES);
    }

    /** With K1 = {@code s1Values} rhythms and colours ({@code colorMap} a permutation of 0..K1-1) and K2 drifts/zones. */
    public SegmentSampler(
            double pBias,
            int[] colorMap,
            DatasetSpec.ColorRule rule,
            int minTicks,
            int maxTicks,
            int s1Values,
            int s2Values) {
        Rendering.checkSynergyValues("K1", s1Values);
        Rendering.checkSynergyValues("K2", s2Values);
        this.s1Values = s1Values;
        this.s2Values = s2Values;
        Rendering.checkSegmentTicks(minTicks, maxTicks);
        this.minTicks = minTicks;
        this.maxTicks = maxTicks;
        if (!(pBias >= 0 && pBias <= 1)) throw new IllegalArgumentException("pBias must be in [0,1], got " + pBias);
        Rendering.checkColorMap(colorMap, s1Values);
        this.pBias = pBias;
        this.colorMap = colorMap.clone();
        this.rule = rule;
    }

    public int[] colorMap() {
        return colorMap.clone();
    }

    public SegmentFactors factors(SplittableRandom rng) {
        int n = Rendering.FACTOR_VALUES, k1 = s1Values, k2 = s2Values;
        int obj = rng.nextInt(n);
        int prof = rng.nextInt(n);
        int tex = rng.nextInt(n);
        int verb = rng.nextInt(n);
        int rhythm = rng.nextInt(k1);
        int drift = rng.nextInt(k2);
        int zone = rng.nextInt(k2);
        int matched = colorMap[rhythm];
        int color;
        boolean biased;
        switch (rule) {
            case MATCH -> {
                color = matched;
                biased = true;
            }
            case MISMATCH -> {
                int c = rng.nextInt(k1 - 1);
                color = c >= matched ? c + 1 : c;
                biased = false;
            }
            default -> {
                double u = rng.nextDouble();
                int uniform = rng.nextInt(k1);
                biased = u < pBias;
                color = biased ? matched : uniform;
            }
        }
        return new SegmentFactors(obj, prof, tex, verb, rhythm, color, drift, zone, biased, k1, k2);
    }

    public Segment next(SplittableRandom rng, long id) {
        SegmentFactors f = factors(rng);
        int length = rng.nextInt(minTicks, maxTicks + 1);
        return new Segment(id, f, length, rng);
    }
}
