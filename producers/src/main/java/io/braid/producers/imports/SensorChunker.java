package io.braid.producers.imports;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups one topic's consecutive samples into SensorChunk-shaped chunks. The rate of a chunk is measured from its own
 * stamps ((n - 1) intervals over its span); a chunk ends at its size limit, or before a sample whose interval is longer
 * than gapFactor times the chunk's mean interval (a gap stays a gap: nothing is interpolated across it), or before a
 * stamp that does not move forward. A chunk of one sample takes the topic's last measured rate.
 */
public final class SensorChunker {
    /** A finished chunk: start time (ns), rate (Hz), samples row-major. */
    public record Chunk(long startNs, double rateHz, int samples, float[] values) {}

    private final int channels;
    private final int maxSamples;
    private final double gapFactor;
    private final List<float[]> rows = new ArrayList<>();
    private long firstNs;
    private long lastNs;
    private double lastRateHz;
    private boolean measured;
    /** Before any rate is measured, the first interval of a topic may be up to a second. */
    private static final double FIRST_INTERVAL_LIMIT_NS = 1e9;

    public SensorChunker(int channels, int maxSamples, double gapFactor, double initialRateHz) {
        this.channels = channels;
        this.maxSamples = maxSamples;
        this.gapFactor = gapFactor;
        this.lastRateHz = initialRateHz;
    }

    /** Adds a sample; returns the chunk it closed, if any. */
    public Chunk add(long tNs, float[] values) {
        Chunk closed = null;
        if (!rows.isEmpty()) {
            long dt = tNs - lastNs;
            double mean = rows.size() > 1
                    ? (double) (lastNs - firstNs) / (rows.size() - 1)
                    : measured ? 1e9 / lastRateHz : FIRST_INTERVAL_LIMIT_NS / gapFactor;
            if (dt <= 0 || dt > gapFactor * mean) closed = flush();
        }
        if (rows.isEmpty()) firstNs = tNs;
        rows.add(values);
        lastNs = tNs;
        if (rows.size() >= maxSamples) {
            Chunk full = flush();
            if (closed != null) throw new IllegalStateException("two chunks closed by one sample");
            return full;
        }
        return closed;
    }

    /** Closes the open chunk (end of the bag); null when there is none. */
    public Chunk flush() {
        if (rows.isEmpty()) return null;
        int n = rows.size();
        double rate = n > 1 ? (n - 1) * 1e9 / (lastNs - firstNs) : lastRateHz;
        if (n > 1) {
            lastRateHz = rate;
            measured = true;
        }
        float[] v = new float[n * channels];
        for (int i = 0; i < n; i++) System.arraycopy(rows.get(i), 0, v, i * channels, channels);
        rows.clear();
        return new Chunk(firstNs, rate, n, v);
    }
}
