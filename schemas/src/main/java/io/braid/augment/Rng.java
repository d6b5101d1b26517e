package io.braid.augment;

import java.util.SplittableRandom;

/**
 * Seeded random numbers with reproducible transcendental math (StrictMath), so that an augmentation depends only on
 * its seed and not on the JVM, the CPU or JIT intrinsics.
 */
final class Rng {
    private final SplittableRandom r;

    Rng(long seed) {
        r = new SplittableRandom(seed);
    }

    double uniform() {
        return r.nextDouble();
    }

    double uniform(double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    boolean coin(double p) {
        return r.nextDouble() < p;
    }

    int nextInt(int bound) {
        return r.nextInt(bound);
    }

    /** Standard normal by Box-Muller. */
    double gaussian() {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        if (u1 < 1e-300) u1 = 1e-300;
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }
}
