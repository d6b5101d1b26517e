package io.braid.producers.sim;

import java.util.List;

/** The fixed tables of notes/methods.md §6.4: how each factor value shows in each modality. */
public final class Rendering {
    public static final int FACTOR_VALUES = 4;

    /** Sensor ch0 frequency in cycles per tick, by obj. */
    public static final int[] OBJ_FREQ = {2, 3, 5, 7};
    /** Sensor ch2 square-wave frequency in cycles per tick, by rhythm. */
    public static final int[] RHYTHM_FREQ = {1, 2, 4, 8};

    public static final double LEVEL = 0.8;
    public static final double SENSOR_NOISE_STD = 0.25;
    public static final List<String> CHANNEL_NAMES = List.of("ch0", "ch1", "ch2", "ch3");

    public static final String[] SHAPES = {"circle", "square", "triangle", "plus"};
    public static final String[] TEXTURES = {"solid", "horizontal-stripes", "vertical-stripes", "checkerboard"};
    public static final String[] COLOUR_NAMES = {"red", "green", "blue", "yellow"};
    /** RGB in [0,1], by colour. */
    public static final double[][] COLOURS = {{0.9, 0.1, 0.1}, {0.1, 0.8, 0.1}, {0.1, 0.2, 0.9}, {0.9, 0.9, 0.1}};

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
    public static final String[] ZONES = {"alpha", "bravo", "charlie", "delta"};
    public static final String[] FILLERS = {"now", "slowly", "please", "again"};

    public static final int MIN_SEGMENT_TICKS = 8;
    public static final int MAX_SEGMENT_TICKS = 24;

    /** The stored bijection π: rhythm -> colour used by default. */
    public static int[] defaultColorMap() {
        return new int[] {2, 0, 3, 1};
    }

    /** Throws unless {@code map} is a permutation of 0..3. */
    public static void checkColorMap(int[] map) {
        if (map == null || map.length != FACTOR_VALUES) {
            throw new IllegalArgumentException("colour map must have " + FACTOR_VALUES + " entries");
        }
        boolean[] seen = new boolean[FACTOR_VALUES];
        for (int c : map) {
            if (c < 0 || c >= FACTOR_VALUES || seen[c]) {
                throw new IllegalArgumentException(
                        "colour map must be a permutation of 0..3, got " + java.util.Arrays.toString(map));
            }
            seen[c] = true;
        }
    }

    private Rendering() {}
}
