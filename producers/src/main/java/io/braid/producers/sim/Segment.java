package io.braid.producers.sim;

import java.util.SplittableRandom;

/**
 * One manipulation episode: constant latent factors for {@link #length()} ticks plus the nuisances drawn once per
 * segment (start phases, object size, rotation) and per tick (the object's centre, which drifts ±1 px per tick).
 */
public final class Segment {
    private final long id;
    private final SegmentFactors factors;
    private final int length;
    private final double phase0;
    private final double phase2;
    private final double radius;
    private final double rotation;
    private final double[] centreX;
    private final double[] centreY;
    private final byte[][] masks;
    private final ImageRenderer.Layer[] layers;

    Segment(long id, SegmentFactors factors, int length, SplittableRandom rng) {
        this.id = id;
        this.factors = factors;
        this.length = length;
        this.phase0 = rng.nextDouble(0, 2 * Math.PI);
        this.phase2 = rng.nextDouble(0, 2 * Math.PI);
        this.radius = rng.nextDouble(Rendering.MIN_RADIUS, Rendering.MAX_RADIUS);
        this.rotation = factors.obj() == 0
                ? 0
                : Math.toRadians(rng.nextDouble(-Rendering.MAX_ROTATION_DEG, Rendering.MAX_ROTATION_DEG));
        this.centreX = new double[length];
        this.centreY = new double[length];
        centreX[0] = rng.nextDouble(Rendering.MIN_CENTRE, Rendering.MAX_CENTRE);
        centreY[0] = rng.nextDouble(Rendering.MIN_CENTRE, Rendering.MAX_CENTRE);
        for (int k = 1; k < length; k++) {
            centreX[k] = clampCentre(centreX[k - 1] + rng.nextInt(-1, 2));
            centreY[k] = clampCentre(centreY[k - 1] + rng.nextInt(-1, 2));
        }
        this.masks = new byte[length][];
        this.layers = new ImageRenderer.Layer[length];
    }

    private static double clampCentre(double c) {
        return Math.max(Rendering.MIN_CENTRE, Math.min(Rendering.MAX_CENTRE, c));
    }

    public long id() {
        return id;
    }

    public SegmentFactors factors() {
        return factors;
    }

    /** Length in ticks. */
    public int length() {
        return length;
    }

    double phase0() {
        return phase0;
    }

    double phase2() {
        return phase2;
    }

    public double radius() {
        return radius;
    }

    public double rotation() {
        return rotation;
    }

    public double centreX(int tick) {
        return centreX[tick];
    }

    public double centreY(int tick) {
        return centreY[tick];
    }

    /** The object's mask for a tick (0 background, 1 texture off, 2 texture on), computed once. */
    byte[] mask(int tick) {
        byte[] m = masks[tick];
        if (m == null) {
            m = ImageRenderer.mask(factors.obj(), factors.tex(), radius, rotation, centreX[tick], centreY[tick]);
            masks[tick] = m;
        }
        return m;
    }

    /** The tick's object pixels in this segment's colour and its background pixel offsets, computed once. */
    ImageRenderer.Layer layer(int tick) {
        ImageRenderer.Layer l = layers[tick];
        if (l == null) {
            l = ImageRenderer.layer(mask(tick), factors.color());
            layers[tick] = l;
        }
        return l;
    }
}
