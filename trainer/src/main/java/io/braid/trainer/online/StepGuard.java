package io.braid.trainer.online;

/**
 * Decides what a refused step (non-finite loss or gradient) means: skip it; {@code rollbackAfter} refused steps in a
 * row roll back to the last good checkpoint; {@code maxRollbacks} rollbacks without a good step in between mean the
 * failure is sustained (bad data or a diverged model the checkpoint cannot cure) and training stops.
 */
public final class StepGuard {
    public enum Action {
        CONTINUE,
        SKIP,
        ROLLBACK,
        STOP
    }

    private final int rollbackAfter, maxRollbacks;
    private int inARow, rollbacksInARow;
    private long skipped, rollbacks;

    public StepGuard(int rollbackAfter, int maxRollbacks) {
        if (rollbackAfter < 1 || maxRollbacks < 1) throw new IllegalArgumentException("guard limits must be >= 1");
        this.rollbackAfter = rollbackAfter;
        this.maxRollbacks = maxRollbacks;
    }

    public Action after(boolean applied) {
        if (applied) {
            inARow = 0;
            rollbacksInARow = 0;
            return Action.CONTINUE;
        }
        skipped++;
        if (++inARow < rollbackAfter) return Action.SKIP;
        inARow = 0;
        if (++rollbacksInARow > maxRollbacks) return Action.STOP;
        rollbacks++;
        return Action.ROLLBACK;
    }

    public long skipped() {
        return skipped;
    }

    public long rollbacks() {
        return rollbacks;
    }

    public String describe() {
        return maxRollbacks + " rollbacks to the last good checkpoint in a row, each after " + rollbackAfter
                + " non-finite steps in a row";
    }
}
