package io.braid.trainer.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairBatcherTest {
    static PairBatcher.Item item(String source, long end, int partition, long offset, long arrived) {
        TrainingPairBatches.Sample s = new TrainingPairBatches.Sample(source + "@" + end, source, end, null, null);
        return new PairBatcher.Item(s, partition, offset, arrived);
    }

    static PairBatcher.Options opts(int batch, int buffer, int perSource, long span, long fnSpan) {
        return new PairBatcher.Options(batch, 2, buffer, 1000, perSource, span, fnSpan);
    }

    /** 4 sources x 20 consecutive seconds, in arrival (time) order. */
    static void fill(PairBatcher b) {
        long off = 0;
        for (int t = 0; t < 20; t++) for (int s = 0; s < 4; s++) b.add(item("r" + s, t * 1000L, s % 2, off++, 0));
    }

    @Test
    void aBatchHoldsAtMostTheBoundOfOneSourceWithinTheSpan() {
        PairBatcher b = new PairBatcher(opts(16, 80, 2, 10_000, 1), new SplitMix(3));
        fill(b);
        PairBatcher.Drawn d = b.next(0, false);
        assertNotNull(d);
        assertEquals(16, d.items().size());
        for (PairBatcher.Item x : d.items()) {
            int close = 0;
            for (PairBatcher.Item y : d.items())
                if (y.sample().sourceId().equals(x.sample().sourceId())
                        && y.sample().windowEnd() >= x.sample().windowEnd()
                        && y.sample().windowEnd() - x.sample().windowEnd() < 10_000) close++;
            assertTrue(close <= 2, "more than 2 pairs of " + x.sample().sourceId() + " within 10 s");
        }
        assertEquals(80 - 16, b.buffered());
    }

    @Test
    void theSameSeedAndArrivalsGiveTheSameBatchesAndAnotherSeedOthers() {
        List<String> a = hashes(5), again = hashes(5), other = hashes(6);
        assertEquals(a, again);
        assertNotEquals(a, other);
    }

    static List<String> hashes(long seed) {
        PairBatcher b = new PairBatcher(opts(8, 40, 8, 1, 1), new SplitMix(seed));
        fill(b);
        return java.util.stream.Stream.generate(() -> b.next(0, false))
                .limit(5)
                .map(PairBatcher.Drawn::hash)
                .toList();
    }

    @Test
    void closePairsOfOneSourceAreMaskedAsFalseNegativesAndNothingElse() {
        List<PairBatcher.Item> items = List.of(
                item("a", 0, 0, 0, 0), item("a", 3000, 0, 1, 0), item("a", 9000, 0, 2, 0), item("b", 1000, 1, 0, 0));
        float[] m = PairBatcher.falseNegatives(items, 5000);
        float[] want = {
            0, 1, 0, 0,
            1, 0, 0, 0,
            0, 0, 0, 0,
            0, 0, 0, 0
        };
        assertEquals(java.util.Arrays.toString(want), java.util.Arrays.toString(m));
    }

    @Test
    void aPartialBatchIsDrawnOnlyAfterTheMaximumWait() {
        PairBatcher b = new PairBatcher(opts(8, 16, 8, 1, 1), new SplitMix(1));
        for (int i = 0; i < 5; i++) b.add(item("r" + i, 0, 0, i, 100));
        assertNull(b.next(1099, false));
        PairBatcher.Drawn d = b.next(1100, false);
        assertEquals(5, d.items().size());
        assertEquals(0, b.buffered());
    }

    @Test
    void theLedgerResumesBelowPendingOffsetsAndSkipsWhatWasTrainedAboveThem() {
        OffsetLedger l = new OffsetLedger(Map.of());
        for (long o = 0; o < 6; o++) l.buffered(0, o);
        l.passed(0, 6); // a dead letter
        for (long o : new long[] {0, 1, 3, 5}) l.trained(0, o);
        OffsetLedger.Partition p = l.snapshot().get(0);
        assertEquals(7, p.next());
        assertEquals(List.of(2L, 4L), p.pending());
        assertEquals(2, p.lowWatermark());

        OffsetLedger resumed = new OffsetLedger(new HashMap<>(l.snapshot()));
        assertEquals(2, resumed.seekPosition(0));
        assertTrue(resumed.trainedBefore(0, 3));
        assertTrue(resumed.trainedBefore(0, 6));
        assertTrue(!resumed.trainedBefore(0, 2) && !resumed.trainedBefore(0, 4) && !resumed.trainedBefore(0, 7));
        // a checkpoint taken before the pending records come back still knows them as pending
        assertEquals(List.of(2L, 4L), resumed.snapshot().get(0).pending());
        assertEquals(-1, resumed.seekPosition(1));
    }
}
