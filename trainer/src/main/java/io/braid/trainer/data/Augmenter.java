package io.braid.trainer.data;

import java.util.SplittableRandom;

/**
 * The training-side augmentations of methods.md §6.7, deterministic for a given random stream: sensor noise + random
 * time-step drop, SimCLR image augmentations adapted to 32 px, 15 % text masking. Inputs and outputs are host arrays.
 */
public final class Augmenter {
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};
    public static final int MASK = 1, PAD = 0;

    private Augmenter() {}

    /**
     * Colour part of the image augmentation: ColorJitter strengths (brightness, contrast, saturation: factor ~ U[1−s,
     * 1+s]; hue: shift ~ U[−h, h] of a turn), the probability of applying the jitter, and the RandomGrayscale
     * probability. {@link #DEFAULT} is methods.md §6.7 (SimCLR set: 0.4, 0.4, 0.4, 0.1, p 0.8, grayscale p 0.2).
     */
    public record ImageColour(
            double brightness, double contrast, double saturation, double hue, double jitterP, double grayscaleP) {
        public static final ImageColour DEFAULT = new ImageColour(0.4, 0.4, 0.4, 0.1, 0.8, 0.2);
    }

    /** Sensor (C, T) standardised: N(0, 0.1²) noise with p 0.5, then with p 0.5 zero round(U[0,0.8]·T) time steps. */
    public static void sensor(float[] src, int channels, int steps, SplittableRandom r, float[] dst, int off) {
        System.arraycopy(src, 0, dst, off, channels * steps);
        if (r.nextDouble() < 0.5)
            for (int i = 0; i < channels * steps; i++) dst[off + i] += (float) (0.1 * r.nextGaussian());
        if (r.nextDouble() < 0.5) {
            int k = (int) Math.round(r.nextDouble() * 0.8 * steps);
            int[] perm = permutation(steps, r);
            for (int i = 0; i < k; i++) for (int c = 0; c < channels; c++) dst[off + c * steps + perm[i]] = 0f;
        }
    }

    /** Each non-PAD token becomes MASK with probability 0.15. */
    public static void text(int[] src, SplittableRandom r, int[] dst, int off) {
        for (int i = 0; i < src.length; i++) dst[off + i] = src[i] != PAD && r.nextDouble() < 0.15 ? MASK : src[i];
    }

    /** HWC u8 → normalised CHW floats, no augmentation. */
    public static void image(byte[] hwc, int size, float[] dst, int off) {
        float[][] x = toFloat(hwc, size);
        normalise(x, size, dst, off);
    }

    /**
     * RandomResizedCrop(size, scale 0.2–1, ratio 3/4–4/3, bilinear) → ColorJitter(0.4, 0.4, 0.4, 0.1) p 0.8 in random
     * order → RandomGrayscale p 0.2 → GaussianBlur σ~U[0.1, 1] p 0.5 → H-flip p 0.5 → ImageNet normalisation.
     */
    public static void image(byte[] hwc, int size, SplittableRandom r, float[] dst, int off) {
        image(hwc, size, r, ImageColour.DEFAULT, dst, off);
    }

    /**
     * As {@link #image(byte[], int, SplittableRandom, float[], int)} with the given colour-jitter / grayscale
     * parameters. The random draws are the same in number and order for every parameter value.
     */
    public static void image(byte[] hwc, int size, SplittableRandom r, ImageColour c, float[] dst, int off) {
        float[][] x = crop(toFloat(hwc, size), size, r);
        if (r.nextDouble() < c.jitterP()) {
            int[] order = permutation(4, r);
            for (int op : order) {
                switch (op) {
                    case 0 -> brightness(x, 1 + (r.nextDouble() * 2 - 1) * c.brightness());
                    case 1 -> contrast(x, 1 + (r.nextDouble() * 2 - 1) * c.contrast());
                    case 2 -> saturation(x, 1 + (r.nextDouble() * 2 - 1) * c.saturation());
                    default -> hue(x, (r.nextDouble() * 2 - 1) * c.hue());
                }
            }
        }
        if (r.nextDouble() < c.grayscaleP()) saturation(x, 0);
        if (r.nextDouble() < 0.5) blur(x, size, 0.1 + r.nextDouble() * 0.9);
        if (r.nextDouble() < 0.5) flip(x, size);
        normalise(x, size, dst, off);
    }

    static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static float[][] toFloat(byte[] hwc, int size) {
        float[][] x = new float[3][size * size];
        for (int p = 0; p < size * size; p++) for (int c = 0; c < 3; c++) x[c][p] = (hwc[p * 3 + c] & 0xff) / 255f;
        return x;
    }

    static void normalise(float[][] x, int size, float[] dst, int off) {
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < size * size; p++) dst[off + c * size * size + p] = (x[c][p] - MEAN[c]) / STD[c];
    }

    static float[][] crop(float[][] x, int size, SplittableRandom r) {
        double area = size * size;
        int w = size, h = size, top = 0, left = 0;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (0.2 + r.nextDouble() * 0.8);
            double logRatio = Math.log(3.0 / 4) + r.nextDouble() * (Math.log(4.0 / 3) - Math.log(3.0 / 4));
            double ratio = Math.exp(logRatio);
            int cw = (int) Math.round(Math.sqrt(target * ratio)), ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && ch > 0 && cw <= size && ch <= size) {
                w = cw;
                h = ch;
                top = r.nextInt(size - h + 1);
                left = r.nextInt(size - w + 1);
                break;
            }
        }
        float[][] out = new float[3][size * size];
        double sy = (double) h / size, sx = (double) w / size;
        for (int oy = 0; oy < size; oy++) {
            double fy = Math.min(Math.max((oy + 0.5) * sy - 0.5, 0), h - 1);
            int y0 = (int) fy, y1 = Math.min(y0 + 1, h - 1);
            double wy = fy - y0;
            for (int ox = 0; ox < size; ox++) {
                double fx = Math.min(Math.max((ox + 0.5) * sx - 0.5, 0), w - 1);
                int x0 = (int) fx, x1 = Math.min(x0 + 1, w - 1);
                double wx = fx - x0;
                int a = (top + y0) * size + left + x0, b = (top + y0) * size + left + x1;
                int c = (top + y1) * size + left + x0, d = (top + y1) * size + left + x1;
                for (int k = 0; k < 3; k++) {
                    float[] s = x[k];
                    out[k][oy * size + ox] =
                            (float) ((s[a] * (1 - wx) + s[b] * wx) * (1 - wy) + (s[c] * (1 - wx) + s[d] * wx) * wy);
                }
            }
        }
        return out;
    }

    static float clamp(double v) {
        return (float) Math.min(1, Math.max(0, v));
    }

    static void brightness(float[][] x, double f) {
        for (float[] c : x) for (int p = 0; p < c.length; p++) c[p] = clamp(c[p] * f);
    }

    static float gray(float[][] x, int p) {
        return 0.299f * x[0][p] + 0.587f * x[1][p] + 0.114f * x[2][p];
    }

    static void contrast(float[][] x, double f) {
        int n = x[0].length;
        double mean = 0;
        for (int p = 0; p < n; p++) mean += gray(x, p);
        mean /= n;
        for (float[] c : x) for (int p = 0; p < n; p++) c[p] = clamp((c[p] - mean) * f + mean);
    }

    /** f = 0 gives grayscale. */
    static void saturation(float[][] x, double f) {
        int n = x[0].length;
        for (int p = 0; p < n; p++) {
            float g = gray(x, p);
            for (float[] c : x) c[p] = clamp((c[p] - g) * f + g);
        }
    }

    static void hue(float[][] x, double shift) {
        int n = x[0].length;
        for (int p = 0; p < n; p++) {
            double r = x[0][p], g = x[1][p], b = x[2][p];
            double max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b)), d = max - min;
            double h = 0;
            if (d > 0) {
                if (max == r) h = ((g - b) / d) / 6;
                else if (max == g) h = ((b - r) / d + 2) / 6;
                else h = ((r - g) / d + 4) / 6;
            }
            h = ((h + shift) % 1 + 1) % 1;
            double s = max == 0 ? 0 : d / max, v = max;
            double hh = h * 6;
            int i = (int) Math.floor(hh) % 6;
            double f = hh - Math.floor(hh);
            double pp = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
            double rr, gg, bb;
            switch (i) {
                case 0 -> {
                    rr = v;
                    gg = t;
                    bb = pp;
                }
                case 1 -> {
                    rr = q;
                    gg = v;
                    bb = pp;
                }
                case 2 -> {
                    rr = pp;
                    gg = v;
                    bb = t;
                }
                case 3 -> {
                    rr = pp;
                    gg = q;
                    bb = v;
                }
                case 4 -> {
                    rr = t;
                    gg = pp;
                    bb = v;
                }
                default -> {
                    rr = v;
                    gg = pp;
                    bb = q;
                }
            }
            x[0][p] = clamp(rr);
            x[1][p] = clamp(gg);
            x[2][p] = clamp(bb);
        }
    }

    static void blur(float[][] x, int size, double sigma) {
        int rad = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * rad + 1];
        double z = 0;
        for (int i = -rad; i <= rad; i++) z += k[i + rad] = Math.exp(-i * i / (2 * sigma * sigma));
        for (int i = 0; i < k.length; i++) k[i] /= z;
        float[] tmp = new float[size * size];
        for (float[] c : x) {
            for (int y = 0; y < size; y++)
                for (int xx = 0; xx < size; xx++) {
                    double s = 0;
                    for (int i = -rad; i <= rad; i++) s += k[i + rad] * c[y * size + reflect(xx + i, size)];
                    tmp[y * size + xx] = (float) s;
                }
            for (int y = 0; y < size; y++)
                for (int xx = 0; xx < size; xx++) {
                    double s = 0;
                    for (int i = -rad; i <= rad; i++) s += k[i + rad] * tmp[reflect(y + i, size) * size + xx];
                    c[y * size + xx] = (float) s;
                }
        }
    }

    static int reflect(int i, int n) {
        if (i < 0) return -i;
        if (i >= n) return 2 * n - 2 - i;
        return i;
    }

    static void flip(float[][] x, int size) {
        for (float[] c : x)
            for (int y = 0; y < size; y++)
                for (int a = 0, b = size - 1; a < b; a++, b--) {
                    float t = c[y * size + a];
                    c[y * size + a] = c[y * size + b];
                    c[y * size + b] = t;
                }
    }
}
