package io.braid.producers.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.CameraFrame;
import io.braid.avro.FrameEncoding;
import io.braid.avro.SegmentLabels;
import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The benchmark's segment-length and noise knobs on the fleet simulator (--segment-ticks, --sensor-noise, --pixel-noise). */
class SimulatorKnobsTest {
    private static final SimulatorOptions BASE =
            new SimulatorOptions().robots(2).durationMs(60_000).seed(11);

    /** Pinned from the simulator before the knobs existed (HEAD b0f93ff): defaults must keep every byte. */
    private static final String DEFAULT_SHA256 = "fcf9938bd6b8f1ec6d8c388e70a74f5f489cfc39cc2ab00841c09d81f6b55a11";

    /** Same, with p_bias 0.5, PNG frames and every kind of fault on. */
    private static final String FAULTY_SHA256 = "73127170508da48288780c140dbe153a76331de54b5f641e621bbe1be022f7f3";

    static SimulatorOptions faulty() {
        return BASE.copy()
                .seed(12)
                .pBias(0.5)
                .frameEncoding(FrameEncoding.PNG)
                .jitterMs(20)
                .clockSkewMs(100)
                .outOfOrderFraction(0.1)
                .duplicateFraction(0.05)
                .malformedFraction(0.05)
                .dropVision(0.1);
    }

    @Test
    void defaultsEmitTheBytesOfBefore() throws Exception {
        assertEquals(DEFAULT_SHA256, sha256(new FleetSimulator(BASE), 2_000));
        SimulatorOptions explicit = BASE.copy()
                .segmentTicks(Rendering.MIN_SEGMENT_TICKS, Rendering.MAX_SEGMENT_TICKS)
                .sensorNoise(0.25)
                .pixelNoise(0.03);
        assertEquals(DEFAULT_SHA256, sha256(new FleetSimulator(explicit), 2_000));
        assertEquals(FAULTY_SHA256, sha256(new FleetSimulator(faulty()), 2_000));
        assertEquals(
                "p_bias=1.0 color_rule=BIASED sensor_noise=0.25 pixel_noise=0.03 segment_ticks=8-24",
                new SimulatorOptions().benchmarkConfig());
    }

    @Test
    void segmentTicksBoundEverySegmentsLength() {
        for (int[] range : new int[][] {{1, 2}, {8, 24}}) {
            SimulatorOptions o = BASE.copy().segmentTicks(range[0], range[1]);
            List<SimEvent> events = FleetSimulatorTest.run(o);
            Map<String, TreeMap<Long, SegmentLabels>> labels = FleetSimulatorTest.labels(events);
            Set<Long> lengths = new HashSet<>();
            int segments = 0;
            for (TreeMap<Long, SegmentLabels> robot : labels.values()) {
                long expectedStart = o.startTimeMs(), expectedId = 0;
                for (SegmentLabels l : robot.values()) {
                    assertEquals(expectedStart, l.getStartTime().toEpochMilli(), "segments are contiguous");
                    assertEquals(expectedId++, l.getSegmentId());
                    long ticks =
                            (l.getEndTime().toEpochMilli() - l.getStartTime().toEpochMilli()) / o.tickMs();
                    assertTrue(ticks >= range[0] && ticks <= range[1], ticks + " ticks");
                    lengths.add(ticks);
                    expectedStart = l.getEndTime().toEpochMilli();
                    segments++;
                }
            }
            // every segment shows in the sensor stream (10 chunks per tick), under its own id
            Map<String, Set<Long>> sensorSegments = new HashMap<>();
            for (SimEvent e : events) {
                if (e.record() instanceof SensorChunk c) {
                    SegmentLabels l = FleetSimulatorTest.at(
                            labels.get(c.getSourceId()), c.getStartTime().toEpochMilli());
                    assertEquals(l.getSegmentId(), e.segmentId());
                    sensorSegments
                            .computeIfAbsent(c.getSourceId(), k -> new HashSet<>())
                            .add(e.segmentId());
                }
            }
            assertEquals(
                    segments,
                    sensorSegments.values().stream().mapToInt(Set::size).sum());
            if (range[1] == 2) {
                assertEquals(Set.of(1L, 2L), lengths);
                assertTrue(segments >= 2 * 30, segments + " segments of 1-2 ticks in 2 x 60 ticks");
            } else {
                assertTrue(segments <= 2 * 8, segments + " segments of 8-24 ticks in 2 x 60 ticks");
            }
        }
    }

    @Test
    void withoutNoiseTheSensorIsTheCleanSignalAndTheBackgroundGrey() {
        SimulatorOptions o =
                BASE.copy().durationMs(20_000).segmentTicks(1, 3).sensorNoise(0).pixelNoise(0);
        List<SimEvent> events = FleetSimulatorTest.run(o);
        Map<Integer, List<Placed>> segments = replay(o, events);
        int samples = 0, frames = 0;
        for (SimEvent e : events) {
            if (e.record() instanceof SensorChunk c) {
                for (int i = 0; i < c.getNumSamples(); i++) {
                    Sample s = sample(o, segments.get(e.robot()), c.getSeq() * o.samplesPerChunk() + i);
                    for (int ch = 0; ch < SensorModel.CHANNELS; ch++) {
                        float expected = (float) SensorModel.clean(s.segment(), s.tick(), s.tau(), ch);
                        assertEquals(expected, c.getValues().get(i * SensorModel.CHANNELS + ch), 0f);
                        // what the trainer standardises with the fixed statistics is then the clean window
                        assertEquals(
                                SensorModel.standardise(expected, ch),
                                SensorModel.standardise(c.getValues().get(i * SensorModel.CHANNELS + ch), ch),
                                0f);
                    }
                    samples++;
                }
            } else if (e.record() instanceof CameraFrame f) {
                Placed p = frameSegment(o, segments.get(e.robot()), f.getSeq());
                ImageRenderer.Layer layer = p.segment().layer(p.tick());
                byte[] expected = layer.pixels().clone();
                byte grey = (byte) Math.round(Rendering.BACKGROUND * 255); // 128
                for (int off : layer.background()) {
                    expected[off] = grey;
                    expected[off + 1] = grey;
                    expected[off + 2] = grey;
                }
                assertTrue(layer.background().length > 0);
                assertArrayEquals(expected, FleetSimulatorTest.bytes(f.getData()), "frame " + f.getSeq());
                frames++;
            }
        }
        assertEquals(2 * 20 * 100, samples);
        assertEquals(2 * 20 * 10, frames);

        // the noise has its own random streams: labels and text are the ones of the default noise
        List<SimEvent> noisy =
                FleetSimulatorTest.run(BASE.copy().durationMs(20_000).segmentTicks(1, 3));
        assertEquals(events.size(), noisy.size());
        int differing = 0;
        for (int i = 0; i < events.size(); i++) {
            SpecificRecord a = events.get(i).record(), b = noisy.get(i).record();
            if (a instanceof SegmentLabels || a instanceof TextEvent) assertEquals(a, b);
            else if (!a.equals(b)) differing++;
        }
        assertEquals(2 * 20 * (10 + 10), differing, "every sensor chunk and frame carries noise by default");
    }

    @Test
    void noiseLevelsAreTheStdOfTheResiduals() {
        SimulatorOptions o = BASE.copy().durationMs(20_000).sensorNoise(0.5).pixelNoise(0.1);
        List<SimEvent> events = FleetSimulatorTest.run(o);
        Map<Integer, List<Placed>> segments = replay(o, events);
        double s2 = 0, p2 = 0;
        long sn = 0, pn = 0;
        for (SimEvent e : events) {
            if (e.record() instanceof SensorChunk c) {
                for (int i = 0; i < c.getNumSamples(); i++) {
                    Sample s = sample(o, segments.get(e.robot()), c.getSeq() * o.samplesPerChunk() + i);
                    for (int ch = 0; ch < SensorModel.CHANNELS; ch++) {
                        double r = c.getValues().get(i * SensorModel.CHANNELS + ch)
                                - SensorModel.clean(s.segment(), s.tick(), s.tau(), ch);
                        s2 += r * r;
                        sn++;
                    }
                }
            } else if (e.record() instanceof CameraFrame f) {
                Placed p = frameSegment(o, segments.get(e.robot()), f.getSeq());
                byte[] data = FleetSimulatorTest.bytes(f.getData());
                for (int off : p.segment().layer(p.tick()).background()) {
                    double r = (data[off] & 0xff) / 255.0 - Rendering.BACKGROUND;
                    p2 += r * r;
                    pn++;
                }
            }
        }
        assertEquals(0.5, Math.sqrt(s2 / sn), 0.02, "sensor noise std over " + sn + " samples");
        assertEquals(0.1, Math.sqrt(p2 / pn), 0.005, "background noise std over " + pn + " pixels");
    }

    @Test
    void badKnobsAreListed() {
        assertEquals(
                List.of("segment ticks must satisfy 1 <= min <= max, got 0..2"),
                new SimulatorOptions().segmentTicks(0, 2).problems());
        assertEquals(
                List.of("segment ticks must satisfy 1 <= min <= max, got 5..4"),
                new SimulatorOptions().segmentTicks(5, 4).problems());
        assertEquals(
                List.of(
                        "sensor noise must be finite and >= 0, got -0.1",
                        "pixel noise must be finite and >= 0, got NaN"),
                new SimulatorOptions().sensorNoise(-0.1).pixelNoise(Double.NaN).problems());
        assertEquals(
                List.of("sensor noise must be finite and >= 0, got Infinity"),
                new SimulatorOptions().sensorNoise(Double.POSITIVE_INFINITY).problems());
        assertEquals(
                List.of(),
                new SimulatorOptions()
                        .segmentTicks(1, 1)
                        .sensorNoise(0)
                        .pixelNoise(0)
                        .problems());
        SimulatorOptions o =
                new SimulatorOptions().segmentTicks(2, 3).sensorNoise(0.1).pixelNoise(0.2);
        SimulatorOptions c = o.copy();
        assertEquals(2, c.minSegmentTicks());
        assertEquals(3, c.maxSegmentTicks());
        assertEquals(0.1, c.sensorNoise());
        assertEquals(0.2, c.pixelNoise());
        assertEquals(
                "p_bias=1.0 color_rule=BIASED sensor_noise=0.1 pixel_noise=0.2 segment_ticks=2-3", c.benchmarkConfig());
        assertNotEquals(new SimulatorOptions().benchmarkConfig(), c.benchmarkConfig());
    }

    /** A segment placed at its first tick of the robot's timeline, or a tick within it. */
    record Placed(Segment segment, long start, int tick) {}

    record Sample(Segment segment, int tick, double tau) {}

    /**
     * Every robot's segments, drawn again as {@link FleetSimulator} draws them (robot r's random stream is the r-th
     * split of the seed's, and its first split feeds the sampler), checked against the emitted labels.
     */
    static Map<Integer, List<Placed>> replay(SimulatorOptions o, List<SimEvent> events) {
        Map<String, TreeMap<Long, SegmentLabels>> labels = FleetSimulatorTest.labels(events);
        SplittableRandom master = new SplittableRandom(o.seed());
        Map<Integer, List<Placed>> out = new HashMap<>();
        for (int r = 0; r < o.robots(); r++) {
            SplittableRandom segRng = master.split().split();
            SegmentSampler sampler = new SegmentSampler(
                    o.pBias(), o.colorMap(), o.colorRule(), o.minSegmentTicks(), o.maxSegmentTicks());
            List<Placed> placed = new ArrayList<>();
            long start = 0;
            for (SegmentLabels l : labels.get(FleetSimulator.sourceId(r)).values()) {
                Segment s = sampler.next(segRng, placed.size());
                assertEquals(l.getStartTime().toEpochMilli(), o.startTimeMs() + start * o.tickMs());
                assertEquals(l.getEndTime().toEpochMilli(), o.startTimeMs() + (start + s.length()) * o.tickMs());
                SegmentFactors f = s.factors();
                assertEquals(
                        List.of(f.obj(), f.prof(), f.tex(), f.verb(), f.rhythm(), f.color(), f.drift(), f.zone()),
                        List.of(
                                l.getObj(),
                                l.getProf(),
                                l.getTex(),
                                l.getVerb(),
                                l.getRhythm(),
                                l.getColor(),
                                l.getDrift(),
                                l.getZone()));
                placed.add(new Placed(s, start, 0));
                start += s.length();
            }
            out.put(r, placed);
        }
        return out;
    }

    /** The segment and tick of the robot's global tick {@code g}. */
    static Placed at(List<Placed> segments, long g) {
        for (Placed p : segments)
            if (g >= p.start() && g < p.start() + p.segment().length())
                return new Placed(p.segment(), p.start(), (int) (g - p.start()));
        throw new AssertionError("no segment at tick " + g);
    }

    /** Sensor sample {@code n} of a robot, timed as the simulator times it. */
    static Sample sample(SimulatorOptions o, List<Placed> segments, long n) {
        double tickMs = o.tickMs(), t = n * (1000.0 / o.effectiveSensorHz());
        long g = (long) Math.floor(t / tickMs);
        Placed p = at(segments, g);
        return new Sample(p.segment(), p.tick(), (t - g * tickMs) / tickMs);
    }

    /** The segment and tick of camera frame {@code n}, sampled mid-period. */
    static Placed frameSegment(SimulatorOptions o, List<Placed> segments, long n) {
        double t = (n + 0.5) * (1000.0 / o.effectiveCameraHz());
        return at(segments, (long) Math.floor(t / o.tickMs()));
    }

    /** SHA-256 of the first {@code n} events: every SimEvent field and the record's Avro binary encoding. */
    static String sha256(FleetSimulator sim, int n) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DataOutputStream meta = new DataOutputStream(buf);
        BinaryEncoder enc = null;
        int i = 0;
        for (SimEvent e = sim.next(); e != null && i < n; e = sim.next(), i++) {
            buf.reset();
            meta.writeInt(e.stream().ordinal());
            meta.writeInt(e.robot());
            meta.writeUTF(e.sourceId());
            meta.writeLong(e.eventTime());
            meta.writeLong(e.kafkaTimestamp());
            meta.writeLong(e.nominalTime());
            meta.writeLong(e.emitTime());
            meta.writeUTF(String.valueOf(e.malformation()));
            meta.writeBoolean(e.duplicate());
            meta.writeBoolean(e.late());
            meta.writeBoolean(e.outOfOrder());
            meta.writeLong(e.segmentId());
            meta.writeLong(e.faultSeed());
            meta.flush();
            SpecificRecord r = e.record();
            enc = EncoderFactory.get().binaryEncoder(buf, enc);
            new SpecificDatumWriter<SpecificRecord>(r.getSchema()).write(r, enc);
            enc.flush();
            md.update(buf.toByteArray());
        }
        assertEquals(n, i, "the run emits at least " + n + " events");
        return HexFormat.of().formatHex(md.digest());
    }
}
