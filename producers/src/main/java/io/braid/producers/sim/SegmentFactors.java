package io.braid.producers.sim;

/**
 * The latent factors of one segment (notes/methods.md §6.3). obj, prof, tex and verb are in 0..3; rhythm and colour in
 * 0..K1-1 ({@code s1Values}), drift and zone in 0..K2-1 ({@code s2Values}), K1 and K2 in 2..8 (default 4). The
 * cardinalities travel with the factors so that {@link #s2Label} and the probes' class counts need nothing else.
 * {@code biased} is true when the colour was drawn as π(rhythm) by the biased branch of the colour rule.
 */
public record SegmentFactors(
        int obj,
        int prof,
        int tex,
        int verb,
        int rhythm,
        int color,
        int drift,
        int zone,
        boolean biased,
        int s1Values,
        int s2Values) {
    public SegmentFactors {
        Rendering.checkSynergyValues("K1", s1Values);
        Rendering.checkSynergyValues("K2", s2Values);
        check("obj", obj, Rendering.FACTOR_VALUES);
        check("prof", prof, Rendering.FACTOR_VALUES);
        check("tex", tex, Rendering.FACTOR_VALUES);
        check("verb", verb, Rendering.FACTOR_VALUES);
        check("rhythm", rhythm, s1Values);
        check("color", color, s1Values);
        check("drift", drift, s2Values);
        check("zone", zone, s2Values);
    }

    /** Factors of the default benchmark: every factor has 4 values. */
    public SegmentFactors(
            int obj, int prof, int tex, int verb, int rhythm, int color, int drift, int zone, boolean biased) {
        this(
                obj,
                prof,
                tex,
                verb,
                rhythm,
                color,
                drift,
                zone,
                biased,
                Rendering.FACTOR_VALUES,
                Rendering.FACTOR_VALUES);
    }

    private static void check(String name, int v, int values) {
        if (v < 0 || v >= values) {
            throw new IllegalArgumentException(name + " must be in 0.." + (values - 1) + ", got " + v);
        }
    }

    /** S2 label of §6.6: (drift + zone) mod K2. */
    public int s2Label() {
        return (drift + zone) % s2Values;
    }

    /** S1 label of §6.6: 1 when colour = π(rhythm) for the given map (a permutation of 0..K1-1). */
    public int s1Label(int[] colorMap) {
        if (colorMap.length != s1Values)
            throw new IllegalArgumentException(
                    "colour map has " + colorMap.length + " entries, the factors K1 = " + s1Values);
        return color == colorMap[rhythm] ? 1 : 0;
    }
}
