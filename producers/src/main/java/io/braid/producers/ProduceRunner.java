package io.braid.producers;

import io.braid.producers.sim.FleetSimulator;
import io.braid.producers.sim.SimEvent;
import io.braid.producers.sim.SimStream;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.producers.sim.SimulatorStats;
import io.braid.producers.sim.WireFaults;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Sends a {@link FleetSimulator}'s events to Kafka: the value serializer (Confluent wire format) encodes each record,
 * wire-level malformations are applied to the bytes, the key is the source id, the record timestamp the event time.
 * Real time paces sends to the simulated send clock; otherwise it goes as fast as the producer takes them.
 */
public final class ProduceRunner {
    /** What a run did: records and value bytes per topic, send errors, simulator statistics, elapsed wall time. */
    public record Result(
            Map<String, Long> records,
            Map<String, Long> bytes,
            long errors,
            String firstError,
            SimulatorStats stats,
            double seconds) {
        public long totalRecords() {
            return records.values().stream().mapToLong(Long::longValue).sum();
        }

        public long totalBytes() {
            return bytes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final SimulatorOptions options;
    private final Producer<byte[], byte[]> producer;
    private final Serializer<Object> serializer;
    private final boolean realtime;
    private final long progressEveryMs;
    private final Consumer<String> progress;
    private volatile boolean stopped;
    private Function<SimStream, String> topicOf = StreamTopics::of;
    private RecordTap tap;

    /** Sees every record sent: stream, robot and value size (the bench replays the same sizes). */
    @FunctionalInterface
    public interface RecordTap {
        void sent(SimStream stream, int robot, int valueBytes);
    }

    /** Sends to other topics than the catalog's (the bench uses its own). */
    public ProduceRunner topics(Function<SimStream, String> topicOf) {
        this.topicOf = topicOf;
        return this;
    }

    public ProduceRunner tap(RecordTap tap) {
        this.tap = tap;
        return this;
    }

    public ProduceRunner(
            SimulatorOptions options,
            Producer<byte[], byte[]> producer,
            Serializer<Object> serializer,
            boolean realtime,
            long progressEveryMs,
            Consumer<String> progress) {
        this.options = options.copy().validate();
        this.producer = producer;
        this.serializer = serializer;
        this.realtime = realtime;
        this.progressEveryMs = progressEveryMs;
        this.progress = progress;
    }

    /** Asks a running {@link #run()} to stop after the current record (e.g. on Ctrl-C). */
    public void stop() {
        stopped = true;
    }

    public Result run() throws InterruptedException {
        FleetSimulator sim = new FleetSimulator(options);
        SimStream[] streams = SimStream.values();
        long[] records = new long[streams.length];
        long[] bytes = new long[streams.length];
        String[] topics = new String[streams.length];
        for (SimStream s : streams) topics[s.ordinal()] = topicOf.apply(s);
        byte[][] keys = new byte[options.robots()][];
        for (int r = 0; r < keys.length; r++)
            keys[r] = FleetSimulator.sourceId(r).getBytes(StandardCharsets.UTF_8);
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long wallStart = System.nanoTime();
        long nextReport = progressEveryMs;
        long lastReportRecords = 0, lastReportBytes = 0, lastReportNs = wallStart;
        Callback onAck = (m, ex) -> {
            if (ex != null) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, ex.toString());
            }
        };
        for (SimEvent e = sim.next(); e != null && !stopped; e = sim.next()) {
            int s = e.stream().ordinal();
            byte[] value = serializer.serialize(topics[s], e.record());
            if (e.malformation() != null && e.malformation().wireLevel()) {
                value = WireFaults.apply(e.malformation(), value, new SplittableRandom(e.faultSeed()));
            }
            if (realtime) {
                long dueNs = wallStart + (e.emitTime() - options.startTimeMs()) * 1_000_000L;
                long waitNs = dueNs - System.nanoTime();
                if (waitNs > 0) Thread.sleep(waitNs / 1_000_000L, (int) (waitNs % 1_000_000L));
            }
            producer.send(new ProducerRecord<>(topics[s], null, e.kafkaTimestamp(), keys[e.robot()], value), onAck);
            records[s]++;
            bytes[s] += value.length;
            if (tap != null) tap.sent(e.stream(), e.robot(), value.length);
            if (progress != null && progressEveryMs > 0) {
                long now = System.nanoTime();
                long elapsedMs = (now - wallStart) / 1_000_000L;
                if (elapsedMs >= nextReport) {
                    long total = sum(records), totalBytes = sum(bytes);
                    double dt = (now - lastReportNs) / 1e9;
                    progress.accept(String.format(
                            "produce: %.0fs simulated %.0f%% sent=%d (%.0f rec/s, %.2f MB/s) sensor=%d vision=%d"
                                    + " text=%d labels=%d errors=%d",
                            elapsedMs / 1000.0,
                            100 * sim.progress(),
                            total,
                            (total - lastReportRecords) / dt,
                            (totalBytes - lastReportBytes) / dt / 1e6,
                            records[0],
                            records[1],
                            records[2],
                            records[3],
                            errors.get()));
                    lastReportRecords = total;
                    lastReportBytes = totalBytes;
                    lastReportNs = now;
                    nextReport = elapsedMs + progressEveryMs;
                }
            }
        }
        producer.flush();
        double seconds = (System.nanoTime() - wallStart) / 1e9;
        Map<String, Long> rec = new LinkedHashMap<>(), by = new LinkedHashMap<>();
        for (SimStream s : streams) {
            rec.put(topics[s.ordinal()], records[s.ordinal()]);
            by.put(topics[s.ordinal()], bytes[s.ordinal()]);
        }
        return new Result(rec, by, errors.get(), firstError.get(), sim.stats(), seconds);
    }

    private static long sum(long[] a) {
        long t = 0;
        for (long v : a) t += v;
        return t;
    }
}
