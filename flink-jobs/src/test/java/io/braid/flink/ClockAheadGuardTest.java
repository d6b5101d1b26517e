package io.braid.flink;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.flink.decode.ClockAheadGuard;
import org.junit.jupiter.api.Test;

/** The clock-ahead rule per partition, on controlled clocks. */
class ClockAheadGuardTest {
    static final long T = 1_735_689_600_000L;
    static final long BOUND = 300_000;

    @Test
    void aRecordFarAheadOfItsPartitionIsRefusedOnlyOnThatPartition() {
        ClockAheadGuard g = new ClockAheadGuard(BOUND);
        long wall = T + 10L * 24 * 3600 * 1000;
        assertNull(g.check(0, T, wall));
        assertNull(g.check(0, T + BOUND, wall), "up to the bound is accepted");
        String why = g.check(0, T + BOUND + 3_600_000, wall);
        assertNotNull(why);
        assertTrue(why.contains("ahead of partition 0"), why);
        assertNull(g.check(1, T + BOUND + 3_600_000, wall), "partition 1 has its own frontier");
        assertNull(g.check(0, T + 1000, wall), "the others carry on");
    }

    @Test
    void aPartitionThatWasSilentMayResumeAsMuchLaterAsTheWallClockMoved() {
        ClockAheadGuard g = new ClockAheadGuard(BOUND);
        long wall = T;
        assertNull(g.check(0, T, wall));
        long gap = 20 * 60_000L;
        assertNotNull(g.check(0, T + gap, wall + 1000), "twenty minutes of event time in one second of wall time");
        assertNull(g.check(0, T + gap, wall + gap), "after twenty minutes of silence");
    }

    @Test
    void theFirstRecordOfAPartitionIsComparedWithTheWallClock() {
        ClockAheadGuard g = new ClockAheadGuard(BOUND);
        assertNotNull(g.check(0, T + 3_600_000, T));
        assertNull(g.check(0, T + 1000, T));
    }

    @Test
    void aWholePartitionThatJumpedIsFollowedAfterARunOfAheadRecords() {
        ClockAheadGuard g = new ClockAheadGuard(BOUND);
        long wall = T + 10L * 24 * 3600 * 1000;
        assertNull(g.check(0, T, wall));
        long later = T + 3_600_000;
        for (int i = 0; i < ClockAheadGuard.REBASE_AFTER - 1; i++) assertNotNull(g.check(0, later + i, wall));
        assertNull(g.check(0, later + ClockAheadGuard.REBASE_AFTER, wall), "the frontier moves on");
        assertNull(g.check(0, later + ClockAheadGuard.REBASE_AFTER + 1, wall));
    }

    @Test
    void zeroDisablesTheCheck() {
        assertNull(new ClockAheadGuard(0).check(0, T + 3_600_000, T));
    }
}
