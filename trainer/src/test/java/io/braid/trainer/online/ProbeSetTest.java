package io.braid.trainer.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.MultimodalWindow;
import io.braid.avro.SegmentLabels;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.text.Tokenizer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The held-out rule and the window / label join of the probe set, without Kafka. */
class ProbeSetTest {
    static SegmentLabels label(String source, long id, long start, long end, int obj) {
        return SegmentLabels.newBuilder()
                .setSourceId(source)
                .setSegmentId(id)
                .setStartTime(Instant.ofEpochMilli(start))
                .setEndTime(Instant.ofEpochMilli(end))
                .setObj(obj)
                .setProf(1)
                .setTex(2)
                .setVerb(3)
                .setRhythm(0)
                .setColor(1)
                .setDrift(2)
                .setZone(3)
                .setColorMap(List.of(1, 2, 3, 0))
                .setBiased(true)
                .build();
    }

    @Test
    void heldOutIsAFixedFunctionOfTheWindowIdNearTheRequestedShare() {
        int held = 0, n = 4000;
        for (int i = 0; i < n; i++) {
            String id = "robot-" + (i % 7) + "@" + (1_735_689_600_000L + i * 1000L);
            boolean h = ProbeSet.heldOut(id, 10);
            assertEquals(h, ProbeSet.heldOut(id, 10));
            // a larger bucket contains the smaller one
            if (h) assertTrue(ProbeSet.heldOut(id, 25));
            if (h) held++;
        }
        assertTrue(held > n * 0.08 && held < n * 0.12, "held out " + held + " of " + n);
    }

    @Test
    void joinsHeldOutWindowsWithTheirSegmentInEitherArrivalOrderAndFillsToTheCap() {
        SimulatedDataset d = Fixtures.dataset(64);
        TrainingPairBatches adapter =
                new TrainingPairBatches(new TrainingPairBatches.Expectation(Fixtures.tiny("comm"), Tokenizer.VERSION));
        ProbeSet set = new ProbeSet(new ProbeSet.Options("w", "l", 50, 5), adapter, m -> {});
        long t0 = Fixtures.START;
        int offered = 0, expectedHeld = 0;
        // windows of the first segment arrive before its label, the second segment's after
        for (int i = 0; i < 10; i++) {
            MultimodalWindow w = InferenceModelTest.window(d, i, Fixtures.all());
            if (set.heldOut(w.getWindowId())) expectedHeld++;
            set.offerWindow(w);
            offered++;
        }
        assertEquals(0, set.snapshot().examples().size(), "no label yet");
        set.offerLabel(label("robot-0", 0, t0, t0 + 10_000, 2));
        set.offerLabel(label("robot-0", 1, t0 + 10_000, t0 + 64_000, 3));
        ProbeSet.Snapshot s = set.snapshot();
        assertEquals(Math.min(5, expectedHeld), s.examples().size());
        for (ProbeSet.Example e : s.examples()) {
            assertTrue(set.heldOut(e.windowId()));
            assertEquals(2, e.factors().obj());
            assertEquals("robot-0#0", e.segmentKey());
        }
        for (int i = 10; i < 64 && !set.snapshot().full(); i++)
            set.offerWindow(InferenceModelTest.window(d, i, Fixtures.all()));
        s = set.snapshot();
        assertTrue(s.full());
        assertEquals(5, s.examples().size());
        assertEquals(
                List.of(1, 2, 3, 0),
                java.util.Arrays.stream(s.colorMap()).boxed().toList());
        long gen = s.generation();
        set.offerWindow(InferenceModelTest.window(d, 63, Fixtures.all()));
        assertEquals(gen, set.snapshot().generation(), "a full set stays fixed");
        assertTrue(offered > 0);
    }
}
