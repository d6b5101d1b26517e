package io.braid.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Samples the end offsets (log end, so transactional records count when appended, not when committed) of a job's output
 * topic while the job runs, to time its steady state from the growth of its output rather than from job submit to
 * finish (which includes MiniCluster start-up, source split discovery and the final checkpoint).
 */
public final class OutputProgress implements AutoCloseable {
    /** One sample: wall-clock nanos and the records appended to the output since the sampler started. */
    public record Sample(long nanos, long records) {}

    /** Timing of the output's growth; {@code steadyS} spans the output going from 10% to 90% of its final count. */
    public record Span(
            long finalRecords, double firstOutputS, double lastOutputS, double steadyS, double steadyFraction) {
        /** The rate at which {@code total} units of input were processed in the 10-90% span, assuming output tracks input. */
        public double steadyRate(long total) {
            return steadyS > 0 ? total * steadyFraction / steadyS : Double.NaN;
        }
    }

    private final Admin admin;
    private final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    private final long base;
    private final long startNanos;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public OutputProgress(Properties adminProps, String topic, int partitions, long periodMs) throws Exception {
        this.admin = Admin.create(adminProps);
        for (int p = 0; p < partitions; p++) request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        this.base = endOffsets();
        this.startNanos = System.nanoTime();
        this.thread = new Thread(
                () -> {
                    while (running) {
                        try {
                            long n = endOffsets() - base;
                            synchronized (samples) {
                                samples.add(new Sample(System.nanoTime(), n));
                            }
                            Thread.sleep(periodMs);
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            // a slow or failed poll: the next sample covers it
                        }
                    }
                },
                "bench-output-progress");
        thread.setDaemon(true);
        thread.start();
    }

    private long endOffsets() throws Exception {
        ListOffsetsResult r = admin.listOffsets(request);
        long sum = 0;
        for (TopicPartition tp : request.keySet())
            sum += r.partitionResult(tp).get(10, TimeUnit.SECONDS).offset();
        return sum;
    }

    /** Stops sampling (after one last sample) and returns the output's growth, times relative to construction. */
    public Span stop() throws Exception {
        running = false;
        thread.interrupt();
        thread.join(10_000);
        List<Sample> s;
        synchronized (samples) {
            samples.add(new Sample(System.nanoTime(), endOffsets() - base));
            s = new ArrayList<>(samples);
        }
        return span(s, startNanos);
    }

    static Span span(List<Sample> s, long startNanos) {
        long fin = s.isEmpty() ? 0 : s.get(s.size() - 1).records();
        if (fin <= 0) return new Span(0, Double.NaN, Double.NaN, Double.NaN, 0.8);
        long lo = (long) Math.ceil(fin * 0.10);
        long hi = (long) Math.floor(fin * 0.90);
        long first = -1, last = -1, tLo = -1, tHi = -1, nLo = 0, nHi = 0;
        for (Sample x : s) {
            if (first < 0 && x.records() > 0) first = x.nanos();
            if (last < 0 && x.records() >= fin) last = x.nanos();
            if (tLo < 0 && x.records() >= lo) {
                tLo = x.nanos();
                nLo = x.records();
            }
            if (tHi < 0 && x.records() >= hi) {
                tHi = x.nanos();
                nHi = x.records();
            }
        }
        double steadyS = (tHi - tLo) / 1e9;
        // the fraction of the output actually produced between the two samples (the samples overshoot 10% and 90%)
        double fraction = (double) (nHi - nLo) / fin;
        return new Span(fin, (first - startNanos) / 1e9, (last - startNanos) / 1e9, steadyS, fraction);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        admin.close();
    }
}
