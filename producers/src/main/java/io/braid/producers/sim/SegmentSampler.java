package io.braid.producers.sim;

import java.util.SplittableRandom;

/**
 * Draws segments: uniform independent factors, colour by the {@link DatasetSpec.ColorRule}, length U{min..max} (§6.2
 * default 8..24).
 */
public final class SegmentSampler {
    private final double pBias;
    private final int[] colorMap;
    private final DatasetSpec.ColorRule rule;
    private final int minTicks, maxTicks;

    public SegmentSampler(double pBias, int[] colorMap, DatasetSpec.ColorRule rule) {
        this(pBias, colorMap, rule, Rendering.MIN_SEGMENT_TICKS, Rendering.MAX_SEGMENT_TICKS);
    }

    public SegmentSampler(double pBias, int[] colorMap, DatasetSpec.ColorRule rule, int minTicks, int maxTicks) {
        if (minTicks < 1 || maxTicks < minTicks)
            throw new IllegalArgumentException(
                    "segment ticks must satisfy 1 <= min <= max, got " + minTicks + ".." + maxTicks);
        this.minTicks = minTicks;
        this.maxTicks = maxTicks;
        if (!(pBias >= 0 && pBias <= 1)) throw new IllegalArgumentException("pBias must be in [0,1], got " + pBias);
        Rendering.checkColorMap(colorMap);
        this.pBias = pBias;
        this.colorMap = colorMap.clone();
        this.rule = rule;
    }

    public int[] colorMap() {
        return colorMap.clone();
    }

    public SegmentFactors factors(SplittableRandom rng) {
        int n = Rendering.FACTOR_VALUES;
        int obj = rng.nextInt(n);
        int prof = rng.nextInt(n);
        int tex = rng.nextInt(n);
        int verb = rng.nextInt(n);
        int rhythm = rng.nextInt(n);
        int drift = rng.nextInt(n);
        int zone = rng.nextInt(n);
        int matched = colorMap[rhythm];
        int color;
        boolean biased;
        switch (rule) {
            case MATCH -> {
                color = matched;
                biased = true;
            }
            case MISMATCH -> {
                int c = rng.nextInt(n - 1);
                color = c >= matched ? c + 1 : c;
                biased = false;
            }
            default -> {
                double u = rng.nextDouble();
                int uniform = rng.nextInt(n);
                biased = u < pBias;
                color = biased ? matched : uniform;
            }
        }
        return new SegmentFactors(obj, prof, tex, verb, rhythm, color, drift, zone, biased);
    }

    public Segment next(SplittableRandom rng, long id) {
        SegmentFactors f = factors(rng);
        int length = rng.nextInt(minTicks, maxTicks + 1);
        return new Segment(id, f, length, rng);
    }
}
