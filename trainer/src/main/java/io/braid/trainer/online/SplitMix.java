package io.braid.trainer.online;

/**
 * SplitMix64, chosen over {@link java.util.SplittableRandom} because its whole state is one long that a checkpoint can
 * store, so a resumed trainer draws the same shuffles as an uninterrupted one.
 */
public final class SplitMix {
    private long state;

    public SplitMix(long state) {
        this.state = state;
    }

    public long state() {
        return state;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        return (int) Math.floorMod(nextLong(), (long) bound);
    }
}
