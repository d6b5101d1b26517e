package io.braid.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.LateEvent;
import io.braid.avro.Modality;
import io.braid.avro.MultimodalWindow;
import io.braid.flink.decode.InputEvent;
import io.braid.flink.window.MultimodalWindowFunction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Operator harness tests of the window assembly: ordering, lateness, missing and idle modalities, cleanup. */
class MultimodalWindowFunctionTest {

    static KeyedOneInputStreamOperatorTestHarness<String, InputEvent, MultimodalWindow> harness(WindowJobOptions o)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new MultimodalWindowFunction(o, "pv-test")),
                new MultimodalWindowJob.SourceKey(),
                Types.STRING);
        h.open();
        return h;
    }

    static void feed(KeyedOneInputStreamOperatorTestHarness<String, InputEvent, MultimodalWindow> h, List<InputEvent> l)
            throws Exception {
        for (InputEvent e : l) h.processElement(new StreamRecord<>(e, e.eventTime));
    }

    static List<MultimodalWindow> windows(
            KeyedOneInputStreamOperatorTestHarness<String, InputEvent, MultimodalWindow> h) {
        return h.extractOutputValues();
    }

    static List<LateEvent> late(KeyedOneInputStreamOperatorTestHarness<String, InputEvent, MultimodalWindow> h) {
        var q = h.getSideOutput(MultimodalWindowFunction.LATE);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void outOfOrderEventsWithinTheBoundGiveTheSameWindowAsInOrder() throws Exception {
        WindowJobOptions o = new WindowJobOptions();
        List<InputEvent> in = new ArrayList<>(Events.second("r1", 10_000, 7));
        in.addAll(Events.second("r1", 11_000, 9));

        var ordered = harness(o);
        feed(ordered, in);
        ordered.processWatermark(new Watermark(Long.MAX_VALUE));

        List<InputEvent> shuffled = new ArrayList<>(in);
        Collections.shuffle(shuffled, new Random(42));
        var h = harness(o);
        int half = shuffled.size() / 2;
        feed(h, shuffled.subList(0, half));
        h.processWatermark(new Watermark(10_500)); // behind every event still to come: nothing closes or is late
        feed(h, shuffled.subList(half, shuffled.size()));
        h.processWatermark(new Watermark(Long.MAX_VALUE));

        List<MultimodalWindow> a = windows(ordered);
        List<MultimodalWindow> b = windows(h);
        assertEquals(2, b.size());
        assertEquals(a, b);
        assertTrue(late(h).isEmpty());
        MultimodalWindow w = b.get(0);
        assertEquals("r1@10000", w.getWindowId());
        assertTrue(w.getPresence().getSensor()
                && w.getPresence().getVision()
                && w.getPresence().getText());
        assertEquals(32 * 4, w.getSensor().size());
        assertFalse(w.getSensorGaps().contains(true));
        assertEquals(100L, w.getVisionSkewMs()); // the frame at 10 900 is the nearest before the end
        assertEquals(7, w.getImage().get(0));
        assertEquals("pv-test", w.getPipelineVersion());
        assertEquals(8, w.getTokens().size());
        assertEquals(0, (int) w.getTokens().get(6)); // 6 words then PAD
    }

    @Test
    void eventsLateBeyondGraceGoToTheSideOutputAndDoNotReopenWindows() throws Exception {
        WindowJobOptions o = new WindowJobOptions();
        var h = harness(o);
        feed(h, Events.second("r1", 0, 1));
        // window [0,1000) closes at 1000 + 250 (tolerance) + 500 (grace) - 1
        h.processWatermark(new Watermark(1749));
        assertEquals(1, windows(h).size());
        InputEvent straggler = Events.sensor("r1", 99, 300, 10, 100);
        straggler.topic = "robot.sensor";
        straggler.partition = 1;
        straggler.offset = 1234;
        h.processElement(new StreamRecord<>(straggler, straggler.eventTime));
        List<LateEvent> late = late(h);
        assertEquals(1, late.size());
        assertEquals(Modality.SENSOR, late.get(0).getModality());
        assertEquals(1234, late.get(0).getSourceOffset());
        assertEquals(0, late.get(0).getLatenessMs());
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        assertEquals(1, windows(h).size(), "a late event must not re-emit its window");
        assertEquals(0, h.numKeyedStateEntries());
    }

    @Test
    void anEventWithinGraceStillJoinsItsWindow() throws Exception {
        var h = harness(new WindowJobOptions());
        feed(h, Events.second("r1", 0, 1));
        h.processWatermark(new Watermark(1500)); // past the end + tolerance, inside the grace
        assertTrue(windows(h).isEmpty());
        h.processElement(new StreamRecord<>(Events.text("r1", 77, 600, "grab the cog"), 600L));
        h.processWatermark(new Watermark(1749));
        assertTrue(late(h).isEmpty());
        List<Integer> tokens = windows(h).get(0).getTokens();
        assertEquals(List.of(11, 23, 3, 24, 25, 19, 12, 23), tokens); // both lines, in time order, truncated to 8
    }

    @Test
    void aMissingModalityGivesItsPresenceMask() throws Exception {
        var h = harness(new WindowJobOptions());
        List<InputEvent> in = Events.second("r1", 5000, 3).stream()
                .filter(e -> e.modality != Modality.VISION)
                .collect(Collectors.toList());
        feed(h, in);
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        MultimodalWindow w = windows(h).get(0);
        assertTrue(w.getPresence().getSensor());
        assertFalse(w.getPresence().getVision());
        assertTrue(w.getPresence().getText());
        assertEquals(0, w.getImage().remaining());
        assertEquals(0, w.getImageWidth());
        assertNull(w.getVisionSkewMs());
        assertNull(w.getImageTime());
    }

    @Test
    void dropIncompletePolicyDropsPartialWindowsAndCountsThem() throws Exception {
        WindowJobOptions o = new WindowJobOptions();
        o.partialPolicy = WindowJobOptions.PartialPolicy.DROP_INCOMPLETE;
        var h = harness(o);
        feed(h, Events.second("r1", 0, 3));
        feed(
                h,
                Events.second("r1", 1000, 3).stream()
                        .filter(e -> e.modality != Modality.TEXT)
                        .toList());
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        assertEquals(
                List.of("r1@0"),
                windows(h).stream().map(MultimodalWindow::getWindowId).toList());
    }

    @Test
    void aSilentModalityDoesNotStallWindows() throws Exception {
        // Only the sensor stream has data (vision and text idle); windows still close as the watermark moves.
        var h = harness(new WindowJobOptions());
        for (int s = 0; s < 5; s++) {
            feed(
                    h,
                    Events.second("r1", s * 1000L, 0).stream()
                            .filter(e -> e.modality == Modality.SENSOR)
                            .toList());
            h.processWatermark(new Watermark(s * 1000L + 999 - 2000));
        }
        List<MultimodalWindow> out = windows(h);
        assertEquals(
                List.of("r1@0", "r1@1000"),
                out.stream().map(MultimodalWindow::getWindowId).toList());
        for (MultimodalWindow w : out) {
            assertTrue(w.getPresence().getSensor());
            assertFalse(w.getPresence().getVision() || w.getPresence().getText());
        }
    }

    @Test
    void noStateOrTimersAreLeftOnceWindowsClose() throws Exception {
        WindowJobOptions o = new WindowJobOptions();
        o.hopMs = 500; // overlapping windows keep events longer
        var h = harness(o);
        for (String src : List.of("r1", "r2", "r3")) {
            for (int s = 0; s < 4; s++) feed(h, Events.second(src, s * 1000L, s));
        }
        assertTrue(h.numKeyedStateEntries() > 0);
        assertTrue(h.numEventTimeTimers() > 0);
        h.processWatermark(new Watermark(2000));
        assertTrue(h.numEventTimeTimers() > 0);
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        assertEquals(0, h.numKeyedStateEntries());
        assertEquals(0, h.numEventTimeTimers());
        // windows [-500,500), [0,1000), ..., [3500,4500) for each of the 3 sources
        assertEquals(3 * 9, windows(h).size());
    }

    @Test
    void duplicatesAreIgnored() throws Exception {
        var h1 = harness(new WindowJobOptions());
        feed(h1, Events.second("r1", 0, 5));
        h1.processWatermark(new Watermark(Long.MAX_VALUE));
        var h2 = harness(new WindowJobOptions());
        List<InputEvent> in = new ArrayList<>(Events.second("r1", 0, 5));
        in.addAll(Events.second("r1", 0, 5));
        feed(h2, in);
        h2.processWatermark(new Watermark(Long.MAX_VALUE));
        assertEquals(windows(h1), windows(h2));
    }

    @Test
    void windowsAreKeptApartPerSource() throws Exception {
        var h = harness(new WindowJobOptions());
        feed(h, Events.second("a", 0, 10));
        feed(h, Events.second("b", 0, 20));
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        List<MultimodalWindow> out = new ArrayList<>(windows(h));
        out.sort((x, y) -> x.getWindowId().compareTo(y.getWindowId()));
        assertEquals(10, out.get(0).getImage().get(0));
        assertEquals(20, out.get(1).getImage().get(0));
        assertArrayEquals(
                new String[] {"a@0", "b@0"},
                out.stream().map(MultimodalWindow::getWindowId).toArray());
    }
}
