package io.braid.trainer.eval;

/** Mean and 95 % t-interval half-width over seeds (Student t, n − 1 degrees of freedom). */
public record Ci(double mean, double halfWidth, int n) {
    /** t_{0.975, df} for df = 1..30; beyond, 1.96. */
    private static final double[] T975 = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
        2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042
    };

    public static double t975(int df) {
        if (df < 1) return Double.NaN;
        return df <= T975.length ? T975[df - 1] : 1.96;
    }

    /** NaN values are ignored; halfWidth is NaN for fewer than two values. */
    public static Ci of(double[] v) {
        int n = 0;
        double s = 0;
        for (double x : v)
            if (!Double.isNaN(x)) {
                s += x;
                n++;
            }
        if (n == 0) return new Ci(Double.NaN, Double.NaN, 0);
        double mean = s / n, ss = 0;
        for (double x : v) if (!Double.isNaN(x)) ss += (x - mean) * (x - mean);
        double hw = n < 2 ? Double.NaN : t975(n - 1) * Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
        return new Ci(mean, hw, n);
    }

    /** "0.512 ± 0.034" (or "0.512" for one seed, "-" without values). */
    public String format() {
        if (Double.isNaN(mean)) return "-";
        return Double.isNaN(halfWidth)
                ? String.format(java.util.Locale.ROOT, "%.3f", mean)
                : String.format(java.util.Locale.ROOT, "%.3f ± %.3f", mean, halfWidth);
    }

    public boolean contains(double x) {
        return Math.abs(x - mean) <= halfWidth;
    }
}
