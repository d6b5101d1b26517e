package io.braid.flink.decode;

import java.util.Arrays;

/**
 * Flags records whose source clock runs ahead, per Kafka partition, before their timestamps reach the watermark.
 *
 * <p>Definition. A partition's frontier is the newest event time accepted on it since the reader started. A record is
 * clock-ahead when its event time exceeds {@code frontier + wall time since the frontier last moved + bound}: event time
 * cannot legitimately run faster than the wall clock, so a partition that was silent for ten minutes may resume ten
 * minutes later, while one source stamping an hour ahead of the sources it shares a partition with is refused, in a
 * live run as in a fast replay of old data. A partition's first record has no frontier yet and is compared with the
 * wall clock instead (only then: simulated or replayed data may lie anywhere in time). A clock-ahead record becomes a
 * dead letter (CLOCK_AHEAD, in mm.dlq with its bytes, so it can be replayed once the clock is fixed) and, being a dead
 * letter, never moves the partition's watermark: it cannot push the other sources of its partition into mm.late.
 *
 * <p>When {@link #REBASE_AFTER} records in a row on a partition are all ahead, no other source keeps the old frontier
 * alive: the whole partition jumped (a replay across a gap in time), so the frontier moves to the new time.
 *
 * <p>Limits: the frontier is not checkpointed (like Flink's watermark generators): after a restore the first record of
 * a partition starts it again, and if that record comes from the fast clock (in data older than the wall clock), that
 * source is taken as the partition's time. One instance per source reader (all of its splits, one topic), used from the
 * task thread only; no allocation per accepted record.
 */
public final class ClockAheadGuard {
    /** Consecutive clock-ahead records after which a partition's frontier follows them. */
    public static final int REBASE_AFTER = 1000;

    private final long boundMs;
    private long[] frontier = new long[0];
    private long[] movedAtWallMs = new long[0];
    private int[] aheadRun = new int[0];

    public ClockAheadGuard(long boundMs) {
        this.boundMs = boundMs;
    }

    /**
     * Checks one valid record of a partition at wall time {@code nowMs}; returns null when it is accepted (and advances
     * the frontier), else why it is clock-ahead.
     */
    public String check(int partition, long eventTime, long nowMs) {
        if (boundMs <= 0 || partition < 0) return null;
        if (partition >= frontier.length) grow(partition + 1);
        long f = frontier[partition];
        long reference = f == Long.MIN_VALUE ? nowMs : f + Math.max(0, nowMs - movedAtWallMs[partition]);
        if (eventTime - boundMs > reference && aheadRun[partition] < REBASE_AFTER - 1) {
            aheadRun[partition]++;
            return "event time " + eventTime + " is " + (eventTime - reference) + " ms ahead of partition " + partition
                    + (f == Long.MIN_VALUE ? " (wall clock " : " (frontier " + f + ", reference ") + reference
                    + "), more than --max-clock-ahead-ms " + boundMs;
        }
        aheadRun[partition] = 0;
        if (eventTime > f) {
            frontier[partition] = eventTime;
            movedAtWallMs[partition] = nowMs;
        }
        return null;
    }

    private void grow(int n) {
        int old = frontier.length;
        frontier = Arrays.copyOf(frontier, n);
        movedAtWallMs = Arrays.copyOf(movedAtWallMs, n);
        aheadRun = Arrays.copyOf(aheadRun, n);
        Arrays.fill(frontier, old, n, Long.MIN_VALUE);
    }
}
