package io.braid.trainer.eval;

/** Limited-memory BFGS (m = 10) with a backtracking Armijo line search, for the smooth convex probe objective. */
final class Lbfgs {
    interface Function {
        double valueAndGradient(double[] x, double[] grad);
    }

    private Lbfgs() {}

    static double[] minimize(Function f, double[] x, int maxIter, double tol) {
        int n = x.length, m = 10;
        double[][] s = new double[m][], yv = new double[m][];
        double[] rho = new double[m];
        int stored = 0, head = 0;
        double[] g = new double[n];
        double fx = f.valueAndGradient(x, g);
        double[] xn = new double[n], gn = new double[n], dir = new double[n], alpha = new double[m];
        for (int it = 0; it < maxIter; it++) {
            double gnorm = 0;
            for (double v : g) gnorm = Math.max(gnorm, Math.abs(v));
            if (gnorm < tol) break;
            // two-loop recursion
            for (int i = 0; i < n; i++) dir[i] = -g[i];
            for (int k = 0; k < stored; k++) {
                int j = Math.floorMod(head - 1 - k, m);
                alpha[j] = rho[j] * dot(s[j], dir);
                axpy(-alpha[j], yv[j], dir);
            }
            if (stored > 0) {
                int j = Math.floorMod(head - 1, m);
                double gamma = dot(s[j], yv[j]) / dot(yv[j], yv[j]);
                for (int i = 0; i < n; i++) dir[i] *= gamma;
            } else {
                double scale = 1.0 / Math.max(1e-12, Math.sqrt(dot(g, g)));
                for (int i = 0; i < n; i++) dir[i] *= Math.min(1.0, scale);
            }
            for (int k = stored - 1; k >= 0; k--) {
                int j = Math.floorMod(head - 1 - k, m);
                double beta = rho[j] * dot(yv[j], dir);
                axpy(alpha[j] - beta, s[j], dir);
            }
            double slope = dot(g, dir);
            if (slope >= 0) { // not a descent direction: restart with steepest descent
                for (int i = 0; i < n; i++) dir[i] = -g[i];
                slope = dot(g, dir);
                stored = 0;
            }
            double step = 1, fn = 0;
            boolean ok = false;
            for (int ls = 0; ls < 30; ls++) {
                for (int i = 0; i < n; i++) xn[i] = x[i] + step * dir[i];
                fn = f.valueAndGradient(xn, gn);
                if (fn <= fx + 1e-4 * step * slope) {
                    ok = true;
                    break;
                }
                step *= 0.5;
            }
            if (!ok) break;
            double[] sk = new double[n], yk = new double[n];
            for (int i = 0; i < n; i++) {
                sk[i] = xn[i] - x[i];
                yk[i] = gn[i] - g[i];
            }
            double sy = dot(sk, yk);
            if (sy > 1e-12) {
                s[head] = sk;
                yv[head] = yk;
                rho[head] = 1 / sy;
                head = (head + 1) % m;
                stored = Math.min(stored + 1, m);
            }
            boolean converged = Math.abs(fx - fn) <= 1e-10 * Math.max(1, Math.abs(fx));
            System.arraycopy(xn, 0, x, 0, n);
            System.arraycopy(gn, 0, g, 0, n);
            fx = fn;
            if (converged) break;
        }
        return x;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] += a * x[i];
    }
}
