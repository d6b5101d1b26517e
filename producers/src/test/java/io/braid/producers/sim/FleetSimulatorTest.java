package io.braid.producers.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.CameraFrame;
import io.braid.avro.FrameEncoding;
import io.braid.avro.SegmentLabels;
import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FleetSimulatorTest {

    static List<SimEvent> run(SimulatorOptions o) {
        FleetSimulator sim = new FleetSimulator(o);
        List<SimEvent> out = new ArrayList<>();
        for (SimEvent e = sim.next(); e != null; e = sim.next()) out.add(e);
        return out;
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    @Test
    void ratesAndCountsPerRobot() {
        SimulatorOptions o = new SimulatorOptions().robots(3).durationMs(20_000).seed(1);
        FleetSimulator sim = new FleetSimulator(o);
        Map<String, int[]> perRobot = new TreeMap<>();
        for (SimEvent e = sim.next(); e != null; e = sim.next()) {
            perRobot.computeIfAbsent(e.sourceId(), k -> new int[4])[e.stream().ordinal()]++;
        }
        assertEquals(List.of("robot-0", "robot-1", "robot-2"), new ArrayList<>(perRobot.keySet()));
        for (int[] c : perRobot.values()) {
            assertEquals(200, c[SimStream.SENSOR.ordinal()]); // 20 s x 100 Hz / 10 samples
            assertEquals(200, c[SimStream.VISION.ordinal()]); // 20 s x 10 Hz
            assertEquals(20, c[SimStream.TEXT.ordinal()]); // 20 s x 1 Hz
            assertTrue(c[SimStream.LABELS.ordinal()] >= 1 && c[SimStream.LABELS.ordinal()] <= 3);
        }
        assertEquals(3 * 420 + sim.stats().segments(), sim.stats().emittedTotal());
        assertEquals(1.0, sim.progress());
    }

    @Test
    void identicalForASeedAndDifferentForAnother() {
        SimulatorOptions o = new SimulatorOptions()
                .robots(2)
                .durationMs(15_000)
                .seed(5)
                .jitterMs(30)
                .clockSkewMs(200)
                .outOfOrderFraction(0.1)
                .lateFraction(0.02)
                .duplicateFraction(0.05)
                .malformedFraction(0.05)
                .dropVision(0.1);
        List<SimEvent> a = run(o);
        List<SimEvent> b = run(o);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) assertEquals(a.get(i), b.get(i), "event " + i);
        List<SimEvent> c = run(o.copy().seed(6));
        assertNotEquals(a, c);
    }

    @Test
    void contentDoesNotDependOnFaultSettings() {
        SimulatorOptions clean =
                new SimulatorOptions().robots(2).durationMs(10_000).seed(9);
        SimulatorOptions faulty =
                clean.copy().dropSensor(0.3).duplicateFraction(0.2).outOfOrderFraction(0.2);
        Map<String, SensorChunk> byKey = new HashMap<>();
        for (SimEvent e : run(clean)) {
            if (e.record() instanceof SensorChunk s) byKey.put(s.getSourceId() + "/" + s.getSeq(), s);
        }
        int compared = 0;
        for (SimEvent e : run(faulty)) {
            if (e.record() instanceof SensorChunk s) {
                assertEquals(byKey.get(s.getSourceId() + "/" + s.getSeq()), s);
                compared++;
            }
        }
        assertTrue(compared > 100);
    }

    /** Labels per robot, by segment start (robot clock). */
    static Map<String, TreeMap<Long, SegmentLabels>> labels(List<SimEvent> events) {
        Map<String, TreeMap<Long, SegmentLabels>> m = new HashMap<>();
        for (SimEvent e : events) {
            if (e.record() instanceof SegmentLabels l) {
                m.computeIfAbsent(l.getSourceId(), k -> new TreeMap<>())
                        .put(l.getStartTime().toEpochMilli(), l);
            }
        }
        return m;
    }

    static SegmentLabels at(TreeMap<Long, SegmentLabels> l, long t) {
        Map.Entry<Long, SegmentLabels> e = l.floorEntry(t);
        assertNotNull(e, "no segment at " + t);
        assertTrue(t < e.getValue().getEndTime().toEpochMilli());
        return e.getValue();
    }

    @Test
    void streamsStayAlignedPerRobotWithinTheJitterAndRenderTheirLabels() {
        long jitter = 40;
        SimulatorOptions o = new SimulatorOptions()
                .robots(3)
                .durationMs(60_000)
                .seed(21)
                .jitterMs(jitter)
                .clockSkewMs(700);
        List<SimEvent> events = run(o);
        Map<String, TreeMap<Long, SegmentLabels>> labels = labels(events);
        Map<String, long[]> offsets = new HashMap<>(); // min, max of (event time - true time) per robot
        Map<String, Long> labelOffset = new HashMap<>();
        for (SimEvent e : events) {
            long d = e.eventTime() - e.nominalTime();
            if (e.stream() == SimStream.LABELS) {
                labelOffset.put(e.sourceId(), d);
                continue;
            }
            long[] mm = offsets.computeIfAbsent(e.sourceId(), k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
            mm[0] = Math.min(mm[0], d);
            mm[1] = Math.max(mm[1], d);
        }
        for (String robot : offsets.keySet()) {
            long[] mm = offsets.get(robot);
            long skew = labelOffset.get(robot);
            // every modality of a robot sits within +-jitter of the robot's (skewed) clock
            assertTrue(mm[0] >= skew - jitter && mm[1] <= skew + jitter, robot + " " + Arrays.toString(mm));
            assertTrue(Math.abs(skew) <= 700);
        }
        assertTrue(offsets.values().stream().anyMatch(mm -> mm[1] - mm[0] > jitter), "jitter is applied");
        // content: frames show their segment's shape and colour; text names its noun and zone
        int frames = 0;
        for (SimEvent e : events) {
            if (e.record() instanceof CameraFrame f) {
                long trueOnRobotClock = e.nominalTime() + labelOffset.get(e.sourceId());
                SegmentLabels l = at(labels.get(e.sourceId()), trueOnRobotClock);
                byte[] rgb = bytes(f.getData());
                assertEquals(l.getColor(), Decode.colour(rgb, 32));
                assertEquals(l.getObj(), Decode.shape(rgb, 32));
                assertEquals(l.getSegmentId(), e.segmentId());
                frames++;
            } else if (e.record() instanceof TextEvent t) {
                SegmentLabels l = at(labels.get(e.sourceId()), e.nominalTime() + labelOffset.get(e.sourceId()));
                assertTrue(t.getText().contains(Rendering.ZONES[l.getZone()]), t.getText());
                assertTrue(Arrays.stream(Rendering.NOUNS[l.getObj()]).anyMatch(t.getText()::contains));
                assertTrue(Arrays.stream(Rendering.VERBS[l.getVerb()]).anyMatch(t.getText()::contains));
            }
        }
        assertEquals(3 * 600, frames);
    }

    @Test
    void sensorChannelZeroOscillatesAtTheObjectsFrequencyInEveryTick() {
        SimulatorOptions o = new SimulatorOptions().robots(2).durationMs(40_000).seed(3);
        List<SimEvent> events = run(o);
        Map<String, TreeMap<Long, SegmentLabels>> labels = labels(events);
        Map<String, TreeMap<Long, List<Float>>> ch0 = new HashMap<>(); // per robot, per tick start
        for (SimEvent e : events) {
            if (e.record() instanceof SensorChunk c) {
                assertEquals(40, c.getValues().size());
                assertEquals(Rendering.CHANNEL_NAMES, c.getChannelNames());
                long tickStart = (c.getStartTime().toEpochMilli() - o.startTimeMs()) / 1000 * 1000 + o.startTimeMs();
                List<Float> s = ch0.computeIfAbsent(c.getSourceId(), k -> new TreeMap<>())
                        .computeIfAbsent(tickStart, k -> new ArrayList<>());
                for (int i = 0; i < c.getNumSamples(); i++) s.add(c.getValues().get(i * 4));
            }
        }
        int ticks = 0;
        for (var robot : ch0.entrySet()) {
            for (var tick : robot.getValue().entrySet()) {
                double[] x =
                        tick.getValue().stream().mapToDouble(Float::doubleValue).toArray();
                assertEquals(100, x.length);
                SegmentLabels l = at(labels.get(robot.getKey()), tick.getKey());
                assertEquals(Rendering.OBJ_FREQ[l.getObj()], Decode.dominantFrequency(x, Rendering.OBJ_FREQ), "tick");
                ticks++;
            }
        }
        assertEquals(80, ticks);
    }

    @Test
    void nearestHundredHertzSampleIsCloseToTheThirtyTwoStepWindow() {
        // the stream samples the same continuous function the dataset samples at tau = k/32
        SegmentSampler sampler = new SegmentSampler(1.0, Rendering.defaultColorMap(), DatasetSpec.ColorRule.BIASED);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(4);
        for (int n = 0; n < 50; n++) {
            Segment s = sampler.next(rng, n);
            for (int k = 0; k < s.length(); k++) {
                for (int j = 0; j < 32; j++) {
                    double tau = j / 32.0, nearest = Math.round(tau * 100) / 100.0; // <= 5 ms apart
                    double maxSlope =
                            2 * Math.PI * Rendering.OBJ_FREQ[s.factors().obj()];
                    assertEquals(
                            SensorModel.clean(s, k, tau, 0),
                            SensorModel.clean(s, k, nearest, 0),
                            maxSlope * 0.005 + 1e-9);
                    if (s.factors().prof() == 1 || s.factors().prof() == 2) {
                        assertEquals(SensorModel.clean(s, k, tau, 1), SensorModel.clean(s, k, nearest, 1), 0.0081);
                    }
                }
            }
        }
    }

    @Test
    void pngFramesDecodeToTheRawFrames() {
        SimulatorOptions raw =
                new SimulatorOptions().robots(1).durationMs(3_000).seed(2);
        List<SimEvent> a = run(raw);
        List<SimEvent> b = run(raw.copy().frameEncoding(FrameEncoding.PNG));
        assertEquals(a.size(), b.size());
        int n = 0;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).record() instanceof CameraFrame fa) {
                CameraFrame fb = (CameraFrame) b.get(i).record();
                assertEquals(FrameEncoding.PNG, fb.getEncoding());
                assertArrayEquals(bytes(fa.getData()), FrameCodec.decodePng(bytes(fb.getData())));
                n++;
            }
        }
        assertEquals(30, n);
    }

    @Test
    void faultInjectionDoesWhatItSays() {
        SimulatorOptions o = new SimulatorOptions()
                .robots(4)
                .durationMs(60_000)
                .seed(8)
                .malformedFraction(0.1)
                .duplicateFraction(0.05)
                .lateFraction(0.02)
                .lateDelayMs(5_000)
                .outOfOrderFraction(0.1)
                .maxOutOfOrderMs(400)
                .dropText(0.5);
        FleetSimulator sim = new FleetSimulator(o);
        List<SimEvent> events = new ArrayList<>();
        for (SimEvent e = sim.next(); e != null; e = sim.next()) events.add(e);
        SimulatorStats st = sim.stats();
        long data = st.rendered(SimStream.SENSOR) + st.rendered(SimStream.VISION) + st.rendered(SimStream.TEXT);
        assertEquals(4 * (600 + 600 + 60), data);
        // drops: about half the text lines, and the gaps show in seq
        assertEquals(
                st.rendered(SimStream.TEXT) - st.dropped(SimStream.TEXT),
                events.stream()
                        .filter(e -> e.stream() == SimStream.TEXT && !e.duplicate())
                        .count());
        assertTrue(st.dropped(SimStream.TEXT) > 80 && st.dropped(SimStream.TEXT) < 160);
        long sent = data - st.dropped(SimStream.TEXT);
        // malformed: ~10 %, every kind shows, and each one is what it says
        long malformed = events.stream()
                .filter(e -> e.malformation() != null && !e.duplicate())
                .count();
        assertEquals(st.malformedTotal(), malformed);
        assertTrue(malformed > sent * 0.08 && malformed < sent * 0.12, "malformed " + malformed + " of " + sent);
        for (Malformation m : Malformation.values()) assertTrue(st.malformed(m) > 0, m.toString());
        for (SimEvent e : events) {
            if (e.malformation() == null) continue;
            switch (e.malformation()) {
                case NAN_VALUES -> assertTrue(
                        ((SensorChunk) e.record()).getValues().stream().anyMatch(v -> !Float.isFinite(v)));
                case WRONG_SHAPE -> {
                    if (e.record() instanceof SensorChunk c) {
                        assertNotEquals(c.getNumSamples() * 4, c.getValues().size());
                    } else {
                        CameraFrame f = (CameraFrame) e.record();
                        assertNotEquals(
                                f.getWidth() * f.getHeight() * f.getChannels(),
                                f.getData().remaining());
                    }
                }
                case OVERSIZED_FRAME -> assertEquals(
                        512 * 512 * 3, ((CameraFrame) e.record()).getData().remaining());
                case ABSURD_TIMESTAMP -> {
                    assertTrue(Math.abs(e.eventTime() - e.nominalTime()) > 10L * 365 * 24 * 3600 * 1000);
                    assertEquals(e.nominalTime(), e.kafkaTimestamp());
                }
                default -> assertTrue(e.malformation().wireLevel());
            }
        }
        // duplicates: ~5 %, each right after its original
        long dups = events.stream().filter(SimEvent::duplicate).count();
        assertEquals(st.duplicates(), dups);
        assertTrue(dups > sent * 0.035 && dups < sent * 0.065, "duplicates " + dups);
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).duplicate()) {
                SimEvent orig = events.get(i - 1);
                assertEquals(orig.record(), events.get(i).record());
                assertFalse(orig.duplicate());
            }
        }
        // late: ~2 %, each sent after events at least lateDelay newer; out-of-order: after a newer event
        long late = 0, ooo = 0;
        long maxNominalSoFar = Long.MIN_VALUE;
        for (SimEvent e : events) {
            if (e.late() && !e.duplicate()) {
                late++;
                if (e.nominalTime() + 5_000 < o.startTimeMs() + 60_000 - 100) { // else flushed at the end
                    assertTrue(maxNominalSoFar >= e.nominalTime() + 5_000 - 100, "late event not late");
                }
            }
            if (e.outOfOrder() && !e.duplicate()) {
                ooo++;
                if (e.nominalTime() < o.startTimeMs() + 60_000 - 500) { // else flushed at the end
                    assertTrue(maxNominalSoFar > e.nominalTime(), e + " max " + maxNominalSoFar);
                }
                assertTrue(e.emitTime() - e.nominalTime() <= 400);
            }
            if (!e.late() && !e.outOfOrder() && e.stream() != SimStream.LABELS) {
                assertEquals(e.nominalTime(), e.emitTime());
            }
            maxNominalSoFar = Math.max(maxNominalSoFar, e.nominalTime());
        }
        assertEquals(st.late(), late);
        assertEquals(st.outOfOrder(), ooo);
        assertTrue(late > sent * 0.01 && late < sent * 0.03, "late " + late);
        assertTrue(ooo > sent * 0.08 && ooo < sent * 0.12, "out of order " + ooo);
        // emit order is the simulated send clock
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).emitTime() >= events.get(i - 1).emitTime());
        }
    }

    @Test
    void optionProblemsAreListed() {
        assertTrue(new SimulatorOptions().problems().isEmpty());
        List<String> p = new SimulatorOptions()
                .robots(-1)
                .durationMs(0)
                .lateFraction(1.5)
                .dropVision(-0.1)
                .jitterMs(-1)
                .colorMap(new int[] {0, 0, 1, 2})
                .problems();
        assertTrue(p.stream().anyMatch(s -> s.startsWith("robots")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("duration")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("late fraction must be in [0,1]")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("vision drop rate")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("jitter")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("colour map")), p.toString());
    }
}
