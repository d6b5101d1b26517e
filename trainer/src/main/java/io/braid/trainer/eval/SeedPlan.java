package io.braid.trainer.eval;

/**
 * The independent sub-seeds of run {@code i} of a multi-seed evaluation: data (simulator), initialisation (parameters)
 * and augmentation (views and batch order), each SplitMix64 of (base, i, purpose), so changing one purpose's stream
 * never shifts another's.
 */
public record SeedPlan(long data, long init, long augmentation) {
    public static final long DATA = 1, INIT = 2, AUGMENTATION = 3;

    public static SeedPlan of(long base, int i) {
        return new SeedPlan(derive(base, i, DATA), derive(base, i, INIT), derive(base, i, AUGMENTATION));
    }

    /** SplitMix64 finaliser of (base, i, purpose), non-negative (some consumers print or format the seed). */
    public static long derive(long base, int i, long purpose) {
        long h = mix(mix(mix(base) ^ (0x9E3779B97F4A7C15L * (i + 1))) ^ (0xD1B54A32D192ED03L * purpose));
        return h & Long.MAX_VALUE;
    }

    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
