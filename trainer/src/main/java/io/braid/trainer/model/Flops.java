package io.braid.trainer.model;

/**
 * Counts the multiply-accumulate FLOPs (2 per MAC) of every matmul / conv / linear the model issues, from the shapes
 * actually passed. The benchmark enables it for one step to get an honest per-step count.
 */
public final class Flops {
    private static final ThreadLocal<long[]> COUNT = ThreadLocal.withInitial(() -> new long[] {0, 0});

    private Flops() {}

    public static void start() {
        long[] c = COUNT.get();
        c[0] = 0;
        c[1] = 1;
    }

    public static long stop() {
        long[] c = COUNT.get();
        c[1] = 0;
        return c[0];
    }

    static void add(long flops) {
        long[] c = COUNT.get();
        if (c[1] != 0) c[0] += flops;
    }
}
