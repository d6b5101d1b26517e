package io.braid.flink.window;

import io.braid.flink.decode.InputEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Resamples the sensor samples that fall inside [ws, ws + size) onto T grid points ws + k * size / T. A grid point
 * with no sample within half a step is a gap (value 0, flagged); otherwise it is interpolated linearly between the
 * neighbouring samples when both are within one step, or takes the nearest sample.
 */
public final class SensorResampler {
    private SensorResampler() {}

    public static final class Result {
        public final float[] grid;
        public final boolean[] gaps;
        public final int samples;
        public final double lastSampleTime;

        Result(float[] grid, boolean[] gaps, int samples, double lastSampleTime) {
            this.grid = grid;
            this.gaps = gaps;
            this.samples = samples;
            this.lastSampleTime = lastSampleTime;
        }
    }

    public static Result resample(List<InputEvent> chunks, long ws, long size, int steps, int channels) {
        List<InputEvent> sorted = new ArrayList<>(chunks);
        sorted.sort(Comparator.comparingLong((InputEvent e) -> e.eventTime).thenComparingLong(e -> e.seq));
        int total = 0;
        for (InputEvent c : sorted) total += c.numSamples();
        double[] times = new double[total];
        float[][] rows = new float[total][];
        int n = 0;
        long we = ws + size;
        for (InputEvent c : sorted) {
            int cn = c.numSamples();
            for (int i = 0; i < cn; i++) {
                double t = c.sampleTime(i);
                if (t < ws || t >= we) continue;
                times[n] = t;
                float[] r = new float[channels];
                System.arraycopy(c.values, i * c.channels, r, 0, channels);
                rows[n++] = r;
            }
        }
        // overlapping chunks: keep time order, first sample wins on equal times
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        java.util.Arrays.sort(idx, Comparator.comparingDouble(i -> times[i]));
        double[] ts = new double[n];
        float[][] vs = new float[n][];
        for (int i = 0; i < n; i++) {
            ts[i] = times[idx[i]];
            vs[i] = rows[idx[i]];
        }
        float[] grid = new float[steps * channels];
        boolean[] gaps = new boolean[steps];
        double step = (double) size / steps;
        int right = 0;
        for (int k = 0; k < steps; k++) {
            double g = ws + k * step;
            while (right < n && ts[right] < g) right++;
            int left = right - 1; // ts[left] < g <= ts[right]
            double dl = left >= 0 ? g - ts[left] : Double.POSITIVE_INFINITY;
            double dr = right < n ? ts[right] - g : Double.POSITIVE_INFINITY;
            if (Math.min(dl, dr) > step / 2) {
                gaps[k] = true;
                continue;
            }
            if (dr == 0 || (dl > step && dr <= step / 2)) {
                System.arraycopy(vs[right], 0, grid, k * channels, channels);
            } else if (dr > step) {
                System.arraycopy(vs[left], 0, grid, k * channels, channels);
            } else {
                double w = dl / (dl + dr);
                for (int j = 0; j < channels; j++) {
                    grid[k * channels + j] = (float) (vs[left][j] * (1 - w) + vs[right][j] * w);
                }
            }
        }
        return new Result(grid, gaps, n, n == 0 ? Double.NaN : ts[n - 1]);
    }
}
