package io.braid.producers.sim;

import io.braid.text.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fixed tables of notes/methods.md §6.4: how each factor value shows in each modality. obj, prof, tex and verb
 * always have {@link #FACTOR_VALUES} = 4 values. The synergy factors have options (see {@link DatasetSpec}): rhythm
 * and colour (S1) have K1 values, drift and zone (S2) have K2 values, each in {@link #MIN_SYNERGY_VALUES}..{@link
 * #MAX_SYNERGY_VALUES} (default 4); their tables have 8 entries of which a dataset uses the first K, and the first 4
 * are the §6.4 ones, so the default renders exactly as before the option existed.
 */
public final class Rendering {
    /** Values of obj, prof, tex and verb, and the default cardinality of the synergy factors. */
    public static final int FACTOR_VALUES = 4;

    public static final int MIN_SYNERGY_VALUES = 2;
    public static final int MAX_SYNERGY_VALUES = 8;

    /** Sensor ch0 frequency in cycles per tick, by obj. */
    public static final int[] OBJ_FREQ = {2, 3, 5, 7};

    /**
     * Sensor ch2 square-wave frequency in cycles per tick, by rhythm: §6.4's (1, 2, 4, 8), then 3, 5, 6, 7, the only
     * other frequencies in the same band (at least 4 samples per cycle on the 32-step window, far from its Nyquist
     * frequency 16). Sampled on the window, each has its own dominant DFT bin (81-100 % of the power, averaged over
     * phases), and the phase-averaged power spectra of any two values are at least 0.78 apart in total variation;
     * the largest overlap is a square wave's odd harmonic (2's third, at 6: 10 % of its power). 12 was not taken: at
     * 2.7 samples per cycle its third harmonic 36 aliases onto bin 4, and its spectrum is the mirror image of 4's.
     */
    public static final int[] RHYTHM_FREQ = {1, 2, 4, 8, 3, 5, 6, 7};

    public static final double LEVEL = 0.8;
    public static final double SENSOR_NOISE_STD = 0.25;
    public static final List<String> CHANNEL_NAMES = List.of("ch0", "ch1", "ch2", "ch3");

    public static final String[] SHAPES = {"circle", "square", "triangle", "plus"};
    public static final String[] TEXTURES = {"solid", "horizontal-stripes", "vertical-stripes", "checkerboard"};
    public static final String[] COLOUR_NAMES = {"red", "green", "blue", "yellow", "cyan", "magenta", "white", "orange"
    };
    /**
     * RGB in [0,1], by colour: §6.4's four, then cyan, magenta, white (the corners of the colour cube that are not
     * black: a black object would show no texture) and orange (at least 0.4 from every other colour in one channel).
     */
    public static final double[][] COLOURS = {
        {0.9, 0.1, 0.1},
        {0.1, 0.8, 0.1},
        {0.1, 0.2, 0.9},
        {0.9, 0.9, 0.1},
        {0.1, 0.8, 0.9},
        {0.9, 0.1, 0.9},
        {0.9, 0.9, 0.9},
        {0.9, 0.5, 0.1}
    };

    public static final double BACKGROUND = 0.5;
    public static final double BACKGROUND_NOISE_STD = 0.03;
    public static final double OFF_FACTOR = 0.35;
    public static final double MIN_RADIUS = 7;
    public static final double MAX_RADIUS = 10;
    public static final double MIN_CENTRE = 10;
    public static final double MAX_CENTRE = 22;
    public static final double MAX_ROTATION_DEG = 30;

    public static final String[][] NOUNS = {{"bolt", "screw"}, {"gear", "cog"}, {"cap", "lid"}, {"tube", "pipe"}};
    public static final String[][] VERBS = {{"pick", "grab"}, {"place", "put"}, {"push", "shove"}, {"hold", "grip"}};
    /**
     * Zone word, by zone. Words 4..7 are usable only once {@link Tokenizer}'s vocabulary holds them (see {@link
     * #checkCardinalities}): the tokenizer would map them to UNK.
     */
    public static final String[] ZONES = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};

    public static final String[] FILLERS = {"now", "slowly", "please", "again"};

    public static final int MIN_SEGMENT_TICKS = 8;
    public static final int MAX_SEGMENT_TICKS = 24;

    /** Throws unless segment lengths of {@code min..max} ticks make sense: 1 <= min <= max. */
    public static void checkSegmentTicks(int min, int max) {
        if (min < 1 || max < min)
            throw new IllegalArgumentException("segment ticks must satisfy 1 <= min <= max, got " + min + ".." + max);
    }

    /** Throws unless the noise std {@code std} is finite and >= 0 ({@code what} names it in the message). */
    public static void checkNoise(String what, double std) {
        if (!(std >= 0) || Double.isInfinite(std))
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + std);
    }

    /** The stored bijection π: rhythm -> colour used by default (4 values). */
    public static int[] defaultColorMap() {
        return new int[] {2, 0, 3, 1};
    }

    /**
     * The default π for K1 = {@code values} rhythms and colours: the stored {2, 0, 3, 1} for 4; otherwise the rotation
     * π(r) = (r + ⌊K1/2⌋) mod K1 (no rhythm keeps its own index, e.g. K1 = 6: {3, 4, 5, 0, 1, 2}). Any permutation
     * serves: the S1 label only asks whether colour = π(rhythm), and the probes see one-hot or learned codes.
     */
    public static int[] defaultColorMap(int values) {
        checkSynergyValues("K1", values);
        if (values == FACTOR_VALUES) return defaultColorMap();
        int[] map = new int[values];
        for (int r = 0; r < values; r++) map[r] = (r + values / 2) % values;
        return map;
    }

    /** Throws unless {@code map} is a permutation of 0..3. */
    public static void checkColorMap(int[] map) {
        checkColorMap(map, FACTOR_VALUES);
    }

    /** Throws unless {@code map} is a permutation of 0..K1-1, {@code values} = K1. */
    public static void checkColorMap(int[] map, int values) {
        if (map == null || map.length != values) {
            throw new IllegalArgumentException("colour map must have " + values + " entries, got "
                    + (map == null ? "none" : Arrays.toString(map)));
        }
        boolean[] seen = new boolean[values];
        for (int c : map) {
            if (c < 0 || c >= values || seen[c]) {
                throw new IllegalArgumentException(
                        "colour map must be a permutation of 0.." + (values - 1) + ", got " + Arrays.toString(map));
            }
            seen[c] = true;
        }
    }

    /** Throws unless {@code values} is in {@link #MIN_SYNERGY_VALUES}..{@link #MAX_SYNERGY_VALUES}. */
    static void checkSynergyValues(String name, int values) {
        if (values < MIN_SYNERGY_VALUES || values > MAX_SYNERGY_VALUES)
            throw new IllegalArgumentException(name + " (values of a synergy factor) must be in " + MIN_SYNERGY_VALUES
                    + ".." + MAX_SYNERGY_VALUES + ", got " + values);
    }

    /** The zone words of zones 0..{@code s2Values}-1 that {@link Tokenizer}'s vocabulary lacks (it maps them to UNK). */
    public static List<String> zoneWordsMissingFromVocabulary(int s2Values) {
        List<String> missing = new ArrayList<>();
        Tokenizer t = Tokenizer.defaultTokenizer();
        for (int z = 0; z < Math.min(s2Values, ZONES.length); z++)
            if (t.tokenize(ZONES[z]).equals(List.of(Tokenizer.UNK))) missing.add(ZONES[z]);
        return missing;
    }

    /**
     * Throws unless K1 = {@code s1Values} and K2 = {@code s2Values} are in 2..8 and every zone word of 0..K2-1 is in
     * the tokenizer's vocabulary: zone words that tokenize to UNK would all look alike in the text, and S2 could not
     * be told from the text side. Tokenizer v1 holds alpha..delta only, so for now K2 <= 4.
     */
    public static void checkCardinalities(int s1Values, int s2Values) {
        checkSynergyValues("K1", s1Values);
        checkSynergyValues("K2", s2Values);
        List<String> missing = zoneWordsMissingFromVocabulary(s2Values);
        if (!missing.isEmpty())
            throw new IllegalArgumentException("K2 = " + s2Values + " needs the zone words " + missing
                    + ", which tokenizer " + Tokenizer.VERSION + " does not hold (they would all be UNK); at most "
                    + (s2Values - missing.size()) + " zones can be rendered");
    }

    private Rendering() {}
}
