package io.braid.producers.sim;

/**
 * The latent factors of one segment (notes/methods.md §6.3), each 0..3. {@code biased} is true when the colour was drawn
 * as π(rhythm) by the biased branch of the colour rule.
 */
public record SegmentFactors(
        int obj, int prof, int tex, int verb, int rhythm, int color, int drift, int zone, boolean biased) {
    public SegmentFactors {
        check("obj", obj);
        check("prof", prof);
        check("tex", tex);
        check("verb", verb);
        check("rhythm", rhythm);
        check("color", color);
        check("drift", drift);
        check("zone", zone);
    }

    private static void check(String name, int v) {
        if (v < 0 || v >= Rendering.FACTOR_VALUES) {
            throw new IllegalArgumentException(name + " must be in 0.." + (Rendering.FACTOR_VALUES - 1) + ", got " + v);
        }
    }

    /** S2 label of §6.6: (drift + zone) mod 4. */
    public int s2Label() {
        return (drift + zone) % Rendering.FACTOR_VALUES;
    }

    /** S1 label of §6.6: 1 when colour = π(rhythm) for the given map. */
    public int s1Label(int[] colorMap) {
        return color == colorMap[rhythm] ? 1 : 0;
    }
}
