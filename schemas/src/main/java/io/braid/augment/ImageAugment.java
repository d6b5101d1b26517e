package io.braid.augment;

/**
 * SimCLR's image augmentations written for small frames, on planar doubles in [0, 1]: random resized crop (bilinear,
 * half-pixel centres), horizontal flip, colour jitter in random order (brightness, contrast, saturation, hue),
 * grayscale, Gaussian blur (5-tap, reflect padding). Same seed, same bytes.
 */
final class ImageAugment {
    private ImageAugment() {}

    static byte[] apply(byte[] raw, int w, int h, int ch, AugmentationParams p, Rng rng) {
        double[][] img = toPlanes(raw, w, h, ch);
        img = randomResizedCrop(img, w, h, p, rng);
        if (rng.coin(p.flipP())) img = flip(img, w, h);
        if (ch == 3) {
            if (rng.coin(p.colorJitterP())) colorJitter(img, w, h, p, rng);
            if (rng.coin(p.grayscaleP())) grayscale(img, w * h);
        }
        if (rng.coin(p.blurP())) img = blur(img, w, h, rng.uniform(p.blurSigmaMin(), p.blurSigmaMax()));
        return toBytes(img, w, h, ch);
    }

    static double[][] toPlanes(byte[] raw, int w, int h, int ch) {
        double[][] pl = new double[ch][w * h];
        for (int i = 0; i < w * h; i++) {
            for (int c = 0; c < ch; c++) pl[c][i] = (raw[i * ch + c] & 0xff) / 255.0;
        }
        return pl;
    }

    static byte[] toBytes(double[][] pl, int w, int h, int ch) {
        byte[] out = new byte[w * h * ch];
        for (int i = 0; i < w * h; i++) {
            for (int c = 0; c < ch; c++) {
                long v = StrictMath.round(clamp01(pl[c][i]) * 255.0);
                out[i * ch + c] = (byte) v;
            }
        }
        return out;
    }

    static double clamp01(double v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }

    static double[][] randomResizedCrop(double[][] img, int w, int h, AugmentationParams p, Rng rng) {
        double area = (double) w * h;
        double logLo = StrictMath.log(p.cropRatioMin());
        double logHi = StrictMath.log(p.cropRatioMax());
        int cw = -1;
        int chh = -1;
        int top = 0;
        int left = 0;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * rng.uniform(p.cropScaleMin(), p.cropScaleMax());
            double aspect = StrictMath.exp(rng.uniform(logLo, logHi));
            int tw = (int) StrictMath.round(StrictMath.sqrt(target * aspect));
            int th = (int) StrictMath.round(StrictMath.sqrt(target / aspect));
            if (tw > 0 && tw <= w && th > 0 && th <= h) {
                cw = tw;
                chh = th;
                top = rng.nextInt(h - th + 1);
                left = rng.nextInt(w - tw + 1);
                break;
            }
        }
        if (cw < 0) { // centre crop, as torchvision falls back
            cw = w;
            chh = h;
        }
        return resizeBilinear(img, w, left, top, cw, chh, w, h);
    }

    static double[][] resizeBilinear(double[][] img, int srcW, int left, int top, int cw, int ch, int outW, int outH) {
        double[][] out = new double[img.length][outW * outH];
        double sx = (double) cw / outW;
        double sy = (double) ch / outH;
        for (int y = 0; y < outH; y++) {
            double fy = Math.max(0, Math.min(ch - 1, (y + 0.5) * sy - 0.5));
            int y0 = (int) fy;
            int y1 = Math.min(ch - 1, y0 + 1);
            double wy = fy - y0;
            for (int x = 0; x < outW; x++) {
                double fx = Math.max(0, Math.min(cw - 1, (x + 0.5) * sx - 0.5));
                int x0 = (int) fx;
                int x1 = Math.min(cw - 1, x0 + 1);
                double wx = fx - x0;
                int a = (top + y0) * srcW + left + x0;
                int b = (top + y0) * srcW + left + x1;
                int c = (top + y1) * srcW + left + x0;
                int d = (top + y1) * srcW + left + x1;
                for (int k = 0; k < img.length; k++) {
                    double[] s = img[k];
                    double v0 = s[a] * (1 - wx) + s[b] * wx;
                    double v1 = s[c] * (1 - wx) + s[d] * wx;
                    out[k][y * outW + x] = v0 * (1 - wy) + v1 * wy;
                }
            }
        }
        return out;
    }

    static double[][] flip(double[][] img, int w, int h) {
        double[][] out = new double[img.length][w * h];
        for (int k = 0; k < img.length; k++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) out[k][y * w + x] = img[k][y * w + (w - 1 - x)];
            }
        }
        return out;
    }

    static void colorJitter(double[][] img, int w, int h, AugmentationParams p, Rng rng) {
        int[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double b = rng.uniform(Math.max(0, 1 - p.brightness()), 1 + p.brightness());
        double c = rng.uniform(Math.max(0, 1 - p.contrast()), 1 + p.contrast());
        double s = rng.uniform(Math.max(0, 1 - p.saturation()), 1 + p.saturation());
        double hf = rng.uniform(-p.hue(), p.hue());
        int n = w * h;
        for (int op : order) {
            switch (op) {
                case 0:
                    for (double[] pl : img) for (int i = 0; i < n; i++) pl[i] = clamp01(pl[i] * b);
                    break;
                case 1: {
                    double mean = 0;
                    for (int i = 0; i < n; i++) mean += luma(img, i);
                    mean /= n;
                    for (double[] pl : img) for (int i = 0; i < n; i++) pl[i] = clamp01(c * pl[i] + (1 - c) * mean);
                    break;
                }
                case 2:
                    for (int i = 0; i < n; i++) {
                        double g = luma(img, i);
                        for (double[] pl : img) pl[i] = clamp01(s * pl[i] + (1 - s) * g);
                    }
                    break;
                default:
                    if (hf != 0) shiftHue(img, n, hf);
            }
        }
    }

    static double luma(double[][] img, int i) {
        return 0.299 * img[0][i] + 0.587 * img[1][i] + 0.114 * img[2][i];
    }

    static void grayscale(double[][] img, int n) {
        for (int i = 0; i < n; i++) {
            double g = luma(img, i);
            img[0][i] = g;
            img[1][i] = g;
            img[2][i] = g;
        }
    }

    static void shiftHue(double[][] img, int n, double shift) {
        for (int i = 0; i < n; i++) {
            double r = img[0][i];
            double g = img[1][i];
            double b = img[2][i];
            double max = Math.max(r, Math.max(g, b));
            double min = Math.min(r, Math.min(g, b));
            double d = max - min;
            double hh;
            if (d == 0) hh = 0;
            else if (max == r) hh = ((g - b) / d) / 6.0;
            else if (max == g) hh = ((b - r) / d + 2) / 6.0;
            else hh = ((r - g) / d + 4) / 6.0;
            double sat = max == 0 ? 0 : d / max;
            double v = max;
            hh = hh + shift;
            hh = hh - StrictMath.floor(hh);
            double h6 = hh * 6.0;
            int sector = (int) StrictMath.floor(h6) % 6;
            double f = h6 - StrictMath.floor(h6);
            double pp = v * (1 - sat);
            double q = v * (1 - sat * f);
            double t = v * (1 - sat * (1 - f));
            double[] rgb;
            switch (sector) {
                case 0:
                    rgb = new double[] {v, t, pp};
                    break;
                case 1:
                    rgb = new double[] {q, v, pp};
                    break;
                case 2:
                    rgb = new double[] {pp, v, t};
                    break;
                case 3:
                    rgb = new double[] {pp, q, v};
                    break;
                case 4:
                    rgb = new double[] {t, pp, v};
                    break;
                default:
                    rgb = new double[] {v, pp, q};
            }
            img[0][i] = rgb[0];
            img[1][i] = rgb[1];
            img[2][i] = rgb[2];
        }
    }

    static double[][] blur(double[][] img, int w, int h, double sigma) {
        int radius = 2;
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = StrictMath.exp(-(i * i) / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) k[i] /= sum;
        double[][] out = new double[img.length][w * h];
        double[] tmp = new double[w * h];
        for (int c = 0; c < img.length; c++) {
            double[] s = img[c];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double acc = 0;
                    for (int i = -radius; i <= radius; i++) acc += k[i + radius] * s[y * w + reflect(x + i, w)];
                    tmp[y * w + x] = acc;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double acc = 0;
                    for (int i = -radius; i <= radius; i++) acc += k[i + radius] * tmp[reflect(y + i, h) * w + x];
                    out[c][y * w + x] = acc;
                }
            }
        }
        return out;
    }

    static int reflect(int i, int n) {
        if (n == 1) return 0;
        while (i < 0 || i >= n) {
            if (i < 0) i = -i;
            if (i >= n) i = 2 * (n - 1) - i;
        }
        return i;
    }
}
