package io.braid.producers.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Independent decoders used by the tests to read factors back from rendered data: shape from geometric moments and
 * convexity of the foreground, colour from the brightest foreground pixel, ch0 frequency from a DFT.
 */
final class Decode {
    private Decode() {}

    /**
     * Foreground = the largest 4-connected set of pixels with a channel further than 0.15 from the grey background (a
     * rare 5-sigma noise pixel is not the object).
     */
    static boolean[] foreground(byte[] hwc, int size) {
        boolean[] cand = new boolean[size * size];
        for (int p = 0; p < size * size; p++) {
            for (int c = 0; c < 3; c++) {
                if (Math.abs((hwc[p * 3 + c] & 0xff) / 255.0 - 0.5) > 0.15) cand[p] = true;
            }
        }
        int[] comp = new int[size * size];
        int best = 0, bestSize = 0, label = 0;
        java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>();
        for (int p = 0; p < cand.length; p++) {
            if (!cand[p] || comp[p] != 0) continue;
            label++;
            int n = 0;
            comp[p] = label;
            queue.add(p);
            while (!queue.isEmpty()) {
                int q = queue.poll();
                n++;
                int x = q % size, y = q / size;
                int[] nb = {
                    x > 0 ? q - 1 : -1, x < size - 1 ? q + 1 : -1, y > 0 ? q - size : -1, y < size - 1 ? q + size : -1
                };
                for (int r : nb) {
                    if (r >= 0 && cand[r] && comp[r] == 0) {
                        comp[r] = label;
                        queue.add(r);
                    }
                }
            }
            if (n > bestSize) {
                bestSize = n;
                best = label;
            }
        }
        boolean[] fg = new boolean[size * size];
        for (int p = 0; p < fg.length; p++) fg[p] = comp[p] == best && best != 0;
        return fg;
    }

    static int colour(byte[] hwc, int size) {
        boolean[] fg = foreground(hwc, size);
        int best = -1, bestSum = -1;
        for (int p = 0; p < fg.length; p++) {
            if (!fg[p]) continue;
            int sum = (hwc[p * 3] & 0xff) + (hwc[p * 3 + 1] & 0xff) + (hwc[p * 3 + 2] & 0xff);
            if (sum > bestSum) {
                bestSum = sum;
                best = p;
            }
        }
        double[][] palette = {{0.9, 0.1, 0.1}, {0.1, 0.8, 0.1}, {0.1, 0.2, 0.9}, {0.9, 0.9, 0.1}};
        int arg = -1;
        double bestD = Double.MAX_VALUE;
        for (int k = 0; k < 4; k++) {
            double d = 0;
            for (int c = 0; c < 3; c++) {
                double e = (hwc[best * 3 + c] & 0xff) / 255.0 - palette[k][c];
                d += e * e;
            }
            if (d < bestD) {
                bestD = d;
                arg = k;
            }
        }
        return arg;
    }

    /** 0 circle, 1 square, 2 triangle, 3 plus. */
    static int shape(byte[] hwc, int size) {
        boolean[] fg = foreground(hwc, size);
        List<double[]> pts = new ArrayList<>();
        double sx = 0, sy = 0;
        for (int p = 0; p < fg.length; p++) {
            if (fg[p]) {
                double x = p % size + 0.5, y = p / size + 0.5;
                pts.add(new double[] {x, y});
                sx += x;
                sy += y;
            }
        }
        int n = pts.size();
        double cx = sx / n, cy = sy / n, maxD2 = 0;
        for (double[] q : pts) maxD2 = Math.max(maxD2, (q[0] - cx) * (q[0] - cx) + (q[1] - cy) * (q[1] - cy));
        // convex shapes hold more pixels than the hull of their pixel centres; a plus holds far fewer
        if (hullArea(pts) / n > 1.1) return 3;
        double fill = n / (Math.PI * maxD2);
        if (fill > 0.85) return 0;
        return fill > 0.55 ? 1 : 2;
    }

    private static double hullArea(List<double[]> pts) {
        List<double[]> corners = new ArrayList<>(pts);
        corners.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        int k = 0;
        double[][] h = new double[2 * corners.size()][];
        for (double[] p : corners) {
            while (k >= 2 && cross(h[k - 2], h[k - 1], p) <= 0) k--;
            h[k++] = p;
        }
        for (int i = corners.size() - 2, t = k + 1; i >= 0; i--) {
            double[] p = corners.get(i);
            while (k >= t && cross(h[k - 2], h[k - 1], p) <= 0) k--;
            h[k++] = p;
        }
        double area = 0;
        for (int i = 0; i < k - 1; i++) area += h[i][0] * h[i + 1][1] - h[i + 1][0] * h[i][1];
        return Math.abs(area) / 2;
    }

    private static double cross(double[] o, double[] a, double[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }

    /** The candidate frequency (cycles per window) with the largest DFT magnitude in {@code x}. */
    static int dominantFrequency(double[] x, int[] candidates) {
        int best = -1;
        double bestMag = -1;
        for (int f : candidates) {
            double re = 0, im = 0;
            for (int i = 0; i < x.length; i++) {
                double a = 2 * Math.PI * f * i / x.length;
                re += x[i] * Math.cos(a);
                im += x[i] * Math.sin(a);
            }
            double mag = re * re + im * im;
            if (mag > bestMag) {
                bestMag = mag;
                best = f;
            }
        }
        return best;
    }
}
