package io.braid.producers.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The camera rendering of notes/methods.md §6.4: a 32x32 RGB frame, HWC u8, grey noisy background, the object's shape
 * (obj) filled with a texture (tex, in image coordinates, period 4 px) in its colour (color); "off" texture pixels are
 * 0.35 x colour so the silhouette always shows.
 */
public final class ImageRenderer {
    public static final int SIZE = 32;
    public static final int CHANNELS = 3;
    public static final int BYTES = SIZE * SIZE * CHANNELS;

    static final byte BACKGROUND = 0;
    static final byte OFF = 1;
    static final byte ON = 2;

    /** Square half-side, plus half-width and triangle circumradius relative to the size r. */
    static final double SQUARE_HALF = 0.8;

    static final double PLUS_HALF_WIDTH = 0.25;

    private ImageRenderer() {}

    /** Whether the texture is "on" at pixel (x, y). */
    public static boolean textureOn(int tex, int x, int y) {
        return switch (tex) {
            case 0 -> true;
            case 1 -> ((y >> 1) & 1) == 0;
            case 2 -> ((x >> 1) & 1) == 0;
            default -> (((x >> 1) + (y >> 1)) & 1) == 0;
        };
    }

    /** Whether the point (u, v), in the object's frame (rotated, centred), is inside shape {@code obj} of size r. */
    public static boolean inside(int obj, double u, double v, double r) {
        switch (obj) {
            case 0:
                return u * u + v * v <= r * r;
            case 1: {
                double h = SQUARE_HALF * r;
                return Math.abs(u) <= h && Math.abs(v) <= h;
            }
            case 2: {
                // equilateral triangle with circumradius r, apex up (image y grows downwards)
                double in = r / 2;
                if (v > in) return false;
                double c = Math.cos(Math.toRadians(30)), s = 0.5;
                return (-c * u - s * v) <= in && (c * u - s * v) <= in;
            }
            default: {
                double w = PLUS_HALF_WIDTH * r;
                return (Math.abs(u) <= w && Math.abs(v) <= r) || (Math.abs(v) <= w && Math.abs(u) <= r);
            }
        }
    }

    /** Per-pixel class (BACKGROUND, OFF, ON) of an object at centre (cx, cy), row-major 32x32. */
    static byte[] mask(int obj, int tex, double r, double rotation, double cx, double cy) {
        byte[] m = new byte[SIZE * SIZE];
        double cos = Math.cos(rotation), sin = Math.sin(rotation);
        for (int y = 0; y < SIZE; y++) {
            double dy = y + 0.5 - cy;
            for (int x = 0; x < SIZE; x++) {
                double dx = x + 0.5 - cx;
                double u = cos * dx + sin * dy;
                double v = -sin * dx + cos * dy;
                if (inside(obj, u, v, r)) m[y * SIZE + x] = textureOn(tex, x, y) ? ON : OFF;
            }
        }
        return m;
    }

    /** round(v * 255) clamped to 0..255 (Math.round's result, half up). */
    static int toByte(double v) {
        double x = v * 255.0;
        // For 1 <= x < 255, x + 0.5 is exact or rounds without crossing an integer, so truncating it is Math.round
        // (FrameRenderingTest checks that); below 1 (0.49999999999999994 and friends) and NaN take the slow path.
        if (x >= 1.0 && x < 255.0) return (int) (x + 0.5);
        if (x >= 255.0) return 255;
        long q = Math.round(x);
        return (int) Math.max(0, Math.min(255, q));
    }

    /**
     * What does not change between the frames of one tick of a segment: the object's pixels in its colours (background
     * left 0) and the HWC offsets of the background pixels, in row-major order, that get fresh noise per frame.
     */
    record Layer(byte[] pixels, int[] background) {}

    static Layer layer(byte[] m, int color) {
        double[] c = Rendering.COLOURS[color];
        byte onR = (byte) toByte(c[0]), onG = (byte) toByte(c[1]), onB = (byte) toByte(c[2]);
        double f = Rendering.OFF_FACTOR;
        byte offR = (byte) toByte(f * c[0]), offG = (byte) toByte(f * c[1]), offB = (byte) toByte(f * c[2]);
        byte[] pixels = new byte[BYTES];
        int[] background = new int[m.length];
        int n = 0;
        for (int p = 0, o = 0; p < m.length; p++, o += 3) {
            switch (m[p]) {
                case ON -> {
                    pixels[o] = onR;
                    pixels[o + 1] = onG;
                    pixels[o + 2] = onB;
                }
                case OFF -> {
                    pixels[o] = offR;
                    pixels[o + 1] = offG;
                    pixels[o + 2] = offB;
                }
                default -> background[n++] = o;
            }
        }
        return new Layer(pixels, Arrays.copyOf(background, n));
    }

    /**
     * Renders tick {@code tick} of {@code s} into {@code out} (HWC u8, length 3072) with fresh background noise: one
     * Gaussian draw per background pixel in row-major order.
     */
    public static void render(Segment s, int tick, SplittableRandom noise, byte[] out) {
        render(s, tick, noise, Rendering.BACKGROUND_NOISE_STD, out);
    }

    /** As above with background noise std {@code noiseStd}. */
    public static void render(Segment s, int tick, SplittableRandom noise, double noiseStd, byte[] out) {
        Layer l = s.layer(tick);
        System.arraycopy(l.pixels(), 0, out, 0, BYTES);
        for (int o : l.background()) {
            byte g = (byte) toByte(Rendering.BACKGROUND + noiseStd * noise.nextGaussian());
            out[o] = g;
            out[o + 1] = g;
            out[o + 2] = g;
        }
    }
}
