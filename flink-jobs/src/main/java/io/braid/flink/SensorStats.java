package io.braid.flink;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * Per-channel standardisation statistics, named and versioned: their canonical text is part of the pipeline version, so
 * a window always says which transform produced it and training and scoring cannot silently disagree.
 */
public final class SensorStats implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Statistics of the simulator's pre-training distribution (notes/methods.md §6.4), computed analytically: ch0 a
     * sine (var 1/2), ch1 the four force profiles, ch2 a ±0.8 square wave, ch3 the drift patterns, each plus N(0, 0.25²).
     */
    public static final SensorStats SIM_V1 = new SensorStats(
            "sim-v1", new double[] {0, 0.133333, 0, 0}, new double[] {0.75, 0.686578, 0.838153, 0.699405});

    private final String name;
    private final double[] mean;
    private final double[] std;

    public SensorStats(String name, double[] mean, double[] std) {
        if (mean.length != std.length) throw new IllegalArgumentException("mean and std lengths differ");
        for (int i = 0; i < std.length; i++) {
            if (!Double.isFinite(mean[i]) || !Double.isFinite(std[i]) || std[i] <= 0) {
                throw new IllegalArgumentException("sensor stats need finite means and positive stds, channel " + i);
            }
        }
        this.name = name;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    public static SensorStats identity(int channels) {
        double[] m = new double[channels];
        double[] s = new double[channels];
        Arrays.fill(s, 1.0);
        return new SensorStats("identity", m, s);
    }

    /** {@code sim-v1}, {@code identity} or {@code name:m1,m2,..;s1,s2,..}. */
    public static SensorStats parse(String spec, int channels) {
        SensorStats s;
        if (spec.equals("sim-v1")) s = SIM_V1;
        else if (spec.equals("identity")) s = identity(channels);
        else {
            int colon = spec.indexOf(':');
            int semi = spec.indexOf(';');
            if (colon <= 0 || semi < colon) {
                throw new IllegalArgumentException(
                        "--sensor-stats must be sim-v1, identity or name:means;stds, not '" + spec + "'");
            }
            try {
                s = new SensorStats(
                        spec.substring(0, colon),
                        parseList(spec.substring(colon + 1, semi)),
                        parseList(spec.substring(semi + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--sensor-stats has a number that does not parse: " + spec);
            }
        }
        if (s.channels() != channels) {
            throw new IllegalArgumentException(
                    "--sensor-stats " + s.name + " has " + s.channels() + " channels, the job expects " + channels);
        }
        return s;
    }

    private static double[] parseList(String csv) {
        return Arrays.stream(csv.split(","))
                .mapToDouble(x -> Double.parseDouble(x.trim()))
                .toArray();
    }

    public String name() {
        return name;
    }

    public int channels() {
        return mean.length;
    }

    /** (x - mean_c) / std_c in place, row-major T x C; gap rows stay exactly 0. */
    public void standardise(float[] grid, boolean[] gaps) {
        int c = mean.length;
        for (int t = 0; t < gaps.length; t++) {
            if (gaps[t]) continue;
            for (int j = 0; j < c; j++) {
                grid[t * c + j] = (float) ((grid[t * c + j] - mean[j]) / std[j]);
            }
        }
    }

    /** Exact text of the statistics, hashed into the pipeline version. */
    public String canonical() {
        StringBuilder b = new StringBuilder(name).append(':');
        for (double m : mean) b.append(String.format(Locale.ROOT, "%.9g,", m));
        b.append(';');
        for (double s : std) b.append(String.format(Locale.ROOT, "%.9g,", s));
        return b.toString();
    }
}
