package io.braid.producers.sim;

import io.braid.avro.CameraFrame;
import io.braid.avro.FrameEncoding;
import io.braid.avro.SegmentLabels;
import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import io.braid.avro.TextKind;
import io.braid.serde.FloatList;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;

/**
 * N simulated robots as a pull stream of {@link SimEvent}s, Kafka-free. Each robot renders its segments (notes/methods.md
 * §6) as continuous functions of event time: sensor chunks, camera frames and text lines at their own rates, plus one
 * SegmentLabels per segment. Faults (drops, malformed records, jitter, clock skew, out-of-order, late and duplicate
 * sends) are drawn from their own random streams, so rendered content does not depend on the fault settings, and the
 * whole sequence is identical for a seed. Events come out in send order on the simulated clock.
 */
public final class FleetSimulator {
    private static final long ABSURD_FUTURE_MS = 100L * 365 * 24 * 3600 * 1000;
    static final int OVERSIZED_SIZE = 512;

    private final SimulatorOptions o;
    private final SegmentSampler sampler;
    private final Robot[] robots;
    private final PriorityQueue<Pending> queue = new PriorityQueue<>(PENDING_ORDER);
    private final ArrayDeque<SimEvent> ready = new ArrayDeque<>();
    private final SimulatorStats stats = new SimulatorStats();
    private final EnumMap<SimStream, List<Malformation>> applicable = new EnumMap<>(SimStream.class);
    private final long ticks;
    private final double tickMs;
    private final double sensorPeriodMs;
    private final double cameraPeriodMs;
    private final double textPeriodMs;
    private final int chunk;
    private final int[] colorMapList;
    private long tick;
    private long insertion;

    private record Pending(double emitAt, double nominal, int robot, int order, long insertion, SimEvent event) {}

    private static final Comparator<Pending> PENDING_ORDER = Comparator.comparingDouble(Pending::emitAt)
            .thenComparingDouble(Pending::nominal)
            .thenComparingInt(Pending::robot)
            .thenComparingInt(Pending::order)
            .thenComparingLong(Pending::insertion);

    public FleetSimulator(SimulatorOptions options) {
        this.o = options.copy().validate();
        this.sampler =
                new SegmentSampler(o.pBias(), o.colorMap(), o.colorRule(), o.minSegmentTicks(), o.maxSegmentTicks());
        this.colorMapList = o.colorMap();
        this.ticks = o.ticks();
        this.tickMs = o.tickMs();
        this.sensorPeriodMs = 1000.0 / o.effectiveSensorHz();
        this.cameraPeriodMs = 1000.0 / o.effectiveCameraHz();
        this.textPeriodMs = 1000.0 / o.effectiveTextHz();
        this.chunk = o.samplesPerChunk();
        for (SimStream s : SimStream.values()) {
            List<Malformation> kinds = new ArrayList<>();
            for (Malformation m : o.malformations()) if (m.appliesTo(s)) kinds.add(m);
            applicable.put(s, kinds);
        }
        SplittableRandom master = new SplittableRandom(o.seed());
        this.robots = new Robot[o.robots()];
        for (int r = 0; r < robots.length; r++) robots[r] = new Robot(r, master.split());
    }

    public SimulatorOptions options() {
        return o.copy();
    }

    public SimulatorStats stats() {
        return stats;
    }

    /** The source id (Kafka key) of robot {@code r}. */
    public static String sourceId(int r) {
        return "robot-" + r;
    }

    /** The next event in send order, or null when the run is over. */
    public SimEvent next() {
        while (ready.isEmpty()) {
            if (tick < ticks) {
                for (Robot r : robots) r.generate(tick);
                tick++;
                release(tick * tickMs);
            } else if (!queue.isEmpty()) {
                release(Double.POSITIVE_INFINITY);
            } else {
                return null;
            }
        }
        SimEvent e = ready.poll();
        stats.countEmitted(e);
        return e;
    }

    /** Fraction of the run generated so far, 0..1. */
    public double progress() {
        return ticks == 0 ? 1 : Math.min(1.0, tick / (double) ticks);
    }

    private void release(double frontier) {
        while (!queue.isEmpty() && queue.peek().emitAt() < frontier)
            ready.add(queue.poll().event());
    }

    private long abs(double relMs) {
        return o.startTimeMs() + Math.round(relMs);
    }

    private static final class Placed {
        final Segment segment;
        final long start;
        final long end;
        boolean announced;

        Placed(Segment segment, long start) {
            this.segment = segment;
            this.start = start;
            this.end = start + segment.length();
        }
    }

    private final class Robot {
        final int index;
        final String id;
        final long skew;
        final SplittableRandom segRng;
        final SplittableRandom sensorNoise;
        final SplittableRandom pixelNoise;
        final SplittableRandom textRng;
        final SplittableRandom faultRng;
        final SplittableRandom jitterRng;
        final ArrayDeque<Placed> segments = new ArrayDeque<>();
        long nextSegmentId;
        long nextSegmentStart;
        long nextChunk;
        long nextFrame;
        long nextText;
        long sensorSeq;
        long frameSeq;
        long textSeq;

        Robot(int index, SplittableRandom rng) {
            this.index = index;
            this.id = sourceId(index);
            this.segRng = rng.split();
            this.sensorNoise = rng.split();
            this.pixelNoise = rng.split();
            this.textRng = rng.split();
            this.faultRng = rng.split();
            this.jitterRng = rng.split();
            long s = o.clockSkewMs();
            this.skew = s == 0 ? 0 : rng.nextLong(-s, s + 1);
        }

        Placed segmentAt(long g) {
            while (nextSegmentStart <= g) {
                Placed p = new Placed(sampler.next(segRng, nextSegmentId++), nextSegmentStart);
                segments.add(p);
                nextSegmentStart = p.end;
            }
            for (Placed p : segments) if (g >= p.start && g < p.end) return p;
            throw new IllegalStateException("no segment for tick " + g + " of " + id);
        }

        void generate(long g) {
            while (!segments.isEmpty() && segments.peekFirst().end <= g) segments.pollFirst();
            Placed current = segmentAt(g);
            if (!current.announced) {
                current.announced = true;
                labels(current);
            }
            double end = Math.min((g + 1) * tickMs, (double) o.durationMs());
            while (nextChunk * chunk * sensorPeriodMs < end) sensorChunk(nextChunk++);
            while ((nextFrame + 0.5) * cameraPeriodMs < end) frame(nextFrame++);
            while ((nextText + 0.5) * textPeriodMs < end) text(nextText++);
        }

        void labels(Placed p) {
            SegmentFactors f = p.segment.factors();
            long start = o.startTimeMs() + p.start * o.tickMs() + skew;
            long endTime = o.startTimeMs() + p.end * o.tickMs() + skew;
            List<Integer> map = Arrays.stream(colorMapList).boxed().toList();
            SegmentLabels l = new SegmentLabels(
                    id,
                    p.segment.id(),
                    Instant.ofEpochMilli(start),
                    Instant.ofEpochMilli(endTime),
                    f.obj(),
                    f.prof(),
                    f.tex(),
                    f.verb(),
                    f.rhythm(),
                    f.color(),
                    f.drift(),
                    f.zone(),
                    map,
                    f.biased());
            double nominal = p.start * tickMs;
            stats.countSegment();
            SimEvent e = new SimEvent(
                    SimStream.LABELS,
                    index,
                    id,
                    start,
                    start,
                    abs(nominal),
                    abs(nominal),
                    l,
                    null,
                    false,
                    false,
                    false,
                    p.segment.id(),
                    0);
            queue.add(new Pending(nominal, nominal, index, -1, insertion++, e));
        }

        /** Segment and tick-within-segment for relative time t; tau is returned through {@code tauOut[0]}. */
        private Placed locate(double t, double[] tauOut, int[] tickOut) {
            long g = (long) Math.floor(t / tickMs);
            Placed p = segmentAt(g);
            tauOut[0] = (t - g * tickMs) / tickMs;
            tickOut[0] = (int) (g - p.start);
            return p;
        }

        private final double[] tau = new double[1];
        private final int[] localTick = new int[1];

        void sensorChunk(long c) {
            long first = c * chunk;
            float[] values = new float[chunk * SensorModel.CHANNELS];
            Placed p = null;
            for (int i = 0; i < chunk; i++) {
                double t = (first + i) * sensorPeriodMs;
                Placed q = locate(t, tau, localTick);
                if (p == null) p = q;
                for (int ch = 0; ch < SensorModel.CHANNELS; ch++) {
                    double v = SensorModel.noisy(q.segment, localTick[0], tau[0], ch, sensorNoise, o.sensorNoise());
                    values[i * SensorModel.CHANNELS + ch] = (float) v;
                }
            }
            double nominal = first * sensorPeriodMs;
            long seq = sensorSeq++;
            Faults f = faults(SimStream.SENSOR, nominal);
            if (f == null) return;
            float[] out = values;
            long field = f.stamp;
            if (f.malformation == Malformation.NAN_VALUES) {
                SplittableRandom r = new SplittableRandom(f.seed);
                out[r.nextInt(out.length)] = Float.NaN;
                out[r.nextInt(out.length)] = r.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            } else if (f.malformation == Malformation.WRONG_SHAPE) {
                out = Arrays.copyOf(values, values.length - 1);
            } else if (f.malformation == Malformation.ABSURD_TIMESTAMP) {
                field = absurd(f);
            }
            SensorChunk rec = new SensorChunk(
                    id,
                    seq,
                    Instant.ofEpochMilli(field),
                    o.effectiveSensorHz(),
                    Rendering.CHANNEL_NAMES,
                    chunk,
                    new FloatList(out));
            enqueue(SimStream.SENSOR, nominal, field, f, rec, p.segment.id());
        }

        void frame(long n) {
            double nominal = (n + 0.5) * cameraPeriodMs;
            Placed p = locate(nominal, tau, localTick);
            // rendered into a fresh array: a raw frame is the record's data as is (no copy)
            byte[] frame = new byte[ImageRenderer.BYTES];
            ImageRenderer.render(p.segment, localTick[0], pixelNoise, o.pixelNoise(), frame);
            long seq = frameSeq++;
            Faults f = faults(SimStream.VISION, nominal);
            if (f == null) return;
            int width = ImageRenderer.SIZE, height = ImageRenderer.SIZE;
            FrameEncoding enc = o.frameEncoding();
            byte[] data;
            long field = f.stamp;
            if (f.malformation == Malformation.OVERSIZED_FRAME) {
                width = OVERSIZED_SIZE;
                height = OVERSIZED_SIZE;
                enc = FrameEncoding.RAW_U8;
                data = upscale(frame, OVERSIZED_SIZE);
            } else {
                data = enc == FrameEncoding.PNG ? FrameCodec.png(frame, width, height) : frame;
                if (f.malformation == Malformation.WRONG_SHAPE) width = width - 1;
                if (f.malformation == Malformation.ABSURD_TIMESTAMP) field = absurd(f);
            }
            CameraFrame rec = new CameraFrame(
                    id,
                    seq,
                    Instant.ofEpochMilli(field),
                    width,
                    height,
                    ImageRenderer.CHANNELS,
                    enc,
                    ByteBuffer.wrap(data),
                    null);
            enqueue(SimStream.VISION, nominal, field, f, rec, p.segment.id());
        }

        void text(long n) {
            double nominal = (n + 0.5) * textPeriodMs;
            Placed p = locate(nominal, tau, localTick);
            String line = TextRenderer.line(p.segment.factors(), textRng);
            long seq = textSeq++;
            Faults f = faults(SimStream.TEXT, nominal);
            if (f == null) return;
            long field = f.malformation == Malformation.ABSURD_TIMESTAMP ? absurd(f) : f.stamp;
            TextEvent rec = new TextEvent(id, seq, Instant.ofEpochMilli(field), TextKind.LOG, line);
            enqueue(SimStream.TEXT, nominal, field, f, rec, p.segment.id());
        }

        private long absurd(Faults f) {
            return (f.seed & 1) == 0 ? 0L : f.stamp + ABSURD_FUTURE_MS;
        }

        /** Draws every fault decision for one event (a fixed number of draws); null when the event is dropped. */
        private Faults faults(SimStream s, double nominal) {
            stats.countRendered(s);
            long jitter = o.jitterMs() == 0 ? 0 : jitterRng.nextLong(-o.jitterMs(), o.jitterMs() + 1);
            double uDrop = faultRng.nextDouble();
            double uMal = faultRng.nextDouble();
            int kindPick = faultRng.nextInt(Integer.MAX_VALUE);
            double uTiming = faultRng.nextDouble();
            double uDelay = faultRng.nextDouble();
            double uDup = faultRng.nextDouble();
            long seed = faultRng.nextLong();
            if (uDrop < o.dropRate(s)) {
                stats.countDropped(s);
                return null;
            }
            Faults f = new Faults();
            f.stamp = o.startTimeMs() + Math.round(nominal) + skew + jitter;
            f.seed = seed;
            List<Malformation> kinds = applicable.get(s);
            if (uMal < o.malformedFraction() && !kinds.isEmpty()) {
                f.malformation = kinds.get(kindPick % kinds.size());
                stats.countMalformed(f.malformation);
            }
            f.emitAt = nominal;
            if (uTiming < o.lateFraction()) {
                f.late = true;
                f.emitAt = nominal + o.lateDelayMs();
                stats.countLate();
            } else if (uTiming < o.lateFraction() + o.outOfOrderFraction()) {
                f.outOfOrder = true;
                f.emitAt = nominal + o.maxOutOfOrderMs() * (0.5 + 0.5 * uDelay);
                stats.countOutOfOrder();
            }
            f.duplicate = uDup < o.duplicateFraction();
            return f;
        }

        private void enqueue(SimStream s, double nominal, long field, Faults f, SpecificRecord rec, long segmentId) {
            long kafkaTs = f.malformation == Malformation.ABSURD_TIMESTAMP ? f.stamp : field;
            SimEvent e = new SimEvent(
                    s,
                    index,
                    id,
                    field,
                    kafkaTs,
                    abs(nominal),
                    abs(f.emitAt),
                    rec,
                    f.malformation,
                    false,
                    f.late,
                    f.outOfOrder,
                    segmentId,
                    f.seed);
            queue.add(new Pending(f.emitAt, nominal, index, s.ordinal(), insertion++, e));
            if (f.duplicate)
                queue.add(new Pending(f.emitAt, nominal, index, s.ordinal(), insertion++, e.asDuplicate()));
        }
    }

    private static final class Faults {
        long stamp;
        long seed;
        double emitAt;
        Malformation malformation;
        boolean late;
        boolean outOfOrder;
        boolean duplicate;
    }

    static byte[] upscale(byte[] hwc, int size) {
        int f = size / ImageRenderer.SIZE;
        byte[] out = new byte[size * size * 3];
        for (int y = 0; y < size; y++) {
            int sy = y / f;
            for (int x = 0; x < size; x++) {
                int s = (sy * ImageRenderer.SIZE + x / f) * 3, d = (y * size + x) * 3;
                out[d] = hwc[s];
                out[d + 1] = hwc[s + 1];
                out[d + 2] = hwc[s + 2];
            }
        }
        return out;
    }
}
