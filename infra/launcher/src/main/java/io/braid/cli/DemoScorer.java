package io.braid.cli;

import io.braid.avro.Embedding;
import io.braid.avro.ModelVersion;
import io.braid.serde.SerdeConfig;
import io.braid.topics.Topics;
import io.braid.trainer.score.ScoringApp;
import io.braid.trainer.score.ScoringMetrics;
import io.braid.trainer.score.ScoringOptions;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.NativeHistogramBucket;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The demo's scorer: {@link ScoringApp} (Kafka Streams, exactly_once_v2) in the demo's JVM on mm.windows and mm.models,
 * writing mm.embeddings and mm.predictions. The live columns come from its {@link ScoringMetrics}; the report reads
 * mm.embeddings back (read_committed) for the windows each version scored and their latency.
 */
final class DemoScorer {
    /**
     * A window waits at most 10 ms for its batch (the scorer's default 100 ms would dominate its latency at the demo's
     * 32 windows/s). Under exactly_once_v2 outputs become readable at commit; the demo keeps Streams' 100 ms EOS
     * commit interval: the Flink job upstream makes windows readable only at its checkpoints (seconds), so a shorter
     * interval would cost transactions on the demo's two cores for no visible freshness ({@code ./braid bench score}
     * measures the scorer alone with 10 ms).
     */
    static final Duration MAX_BATCH_WAIT = Duration.ofMillis(10);

    static final long COMMIT_INTERVAL_MS = 100;

    private final ScoringApp app;
    private final Map<Integer, Long> lastBuckets = new HashMap<>();
    private long lastZero;
    private double lastScored;
    private long lastSampleNanos = System.nanoTime();

    private DemoScorer(ScoringApp app) {
        this.app = app;
    }

    static DemoScorer start(ScoringOptions options, Consumer<String> log) throws Exception {
        Properties p = new Properties();
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(COMMIT_INTERVAL_MS));
        p.put(StreamsConfig.POLL_MS_CONFIG, Long.toString(MAX_BATCH_WAIT.toMillis()));
        return new DemoScorer(ScoringApp.start(options, p, Duration.ofSeconds(120), log));
    }

    ScoringOptions options() {
        return app.options();
    }

    /** The scorer's scrape URL, or null when the endpoint is off. */
    String metricsUrl() {
        return app.metrics().url();
    }

    /** {@code embeddings/s p99-ms version} since the previous call. */
    String liveColumns() {
        ScoringMetrics.Snapshot s = app.metrics().snapshot();
        long now = System.nanoTime();
        double rate = (s.windowsScored() - lastScored) / Math.max(1e-3, (now - lastSampleNanos) / 1e9);
        lastScored = s.windowsScored();
        lastSampleNanos = now;
        double p99 = intervalP99Ms();
        ModelVersion v = app.models().current();
        return String.format(
                Locale.ROOT,
                "%6.1f %7s %s",
                rate,
                Double.isNaN(p99) ? "-" : String.format(Locale.ROOT, "%.0f", p99),
                v == null ? "waiting for a model" : v.getVersion());
    }

    /**
     * The 99th percentile of braid_scorer_latency_seconds over the windows scored since the last call, from the
     * histogram's native buckets (the upper bound of the bucket that holds the rank, about 2 % wide); NaN when none.
     */
    private double intervalP99Ms() {
        HistogramSnapshot.HistogramDataPointSnapshot h = latency();
        if (h == null || !h.hasNativeHistogramData()) return Double.NaN;
        double base = Math.pow(2, Math.pow(2, -h.getNativeSchema()));
        Map<Integer, Long> now = new TreeMap<>();
        for (NativeHistogramBucket b : h.getNativeBucketsForPositiveValues()) now.put(b.getBucketIndex(), b.getCount());
        long zero = h.getNativeZeroCount() - lastZero;
        long total = zero;
        Map<Integer, Long> delta = new TreeMap<>();
        for (Map.Entry<Integer, Long> e : now.entrySet()) {
            long d = e.getValue() - lastBuckets.getOrDefault(e.getKey(), 0L);
            if (d > 0) delta.put(e.getKey(), d);
            total += Math.max(0, d);
        }
        lastBuckets.clear();
        lastBuckets.putAll(now);
        lastZero = h.getNativeZeroCount();
        if (total == 0) return Double.NaN;
        long rank = (long) Math.ceil(0.99 * total), seen = zero;
        if (seen >= rank) return 0;
        for (Map.Entry<Integer, Long> e : delta.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) return 1000 * Math.pow(base, e.getKey());
        }
        return Double.NaN;
    }

    private HistogramSnapshot.HistogramDataPointSnapshot latency() {
        for (MetricSnapshot m : app.metrics().registry.scrape())
            if (m instanceof HistogramSnapshot h
                    && h.getMetadata().getPrometheusName().startsWith("braid_scorer_latency")
                    && !h.getDataPoints().isEmpty()) return h.getDataPoints().get(0);
        return null;
    }

    /** Closes the scorer (its last commit) and reads back what it wrote. */
    Outcome finish(Properties clientProps) {
        ScoringMetrics.Snapshot s = app.metrics().snapshot();
        ScoringOptions o = app.options();
        Throwable failure = null;
        try {
            app.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        s = app.metrics().snapshot();
        Map<String, Long> byVersion = new TreeMap<>();
        List<double[]> latencies = new ArrayList<>();
        if (clientProps != null) readBack(clientProps, o, byVersion, latencies);
        return new Outcome(s, byVersion, latencies, failure);
    }

    /** mm.embeddings from the beginning to its end (read_committed, assign + seek, no group). */
    private static void readBack(
            Properties clientProps, ScoringOptions o, Map<String, Long> byVersion, List<double[]> latencies) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> c =
                        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                Deserializer<Embedding> d = Topics.EMBEDDINGS
                        .valueSerde(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, o.registryUrl()))
                        .deserializer()) {
            List<TopicPartition> tps = c.partitionsFor(o.embeddingsTopic()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.currentTimeMillis() + 30_000;
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline)
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    Embedding e = d.deserialize(r.topic(), r.value());
                    byVersion.merge(e.getModelVersion(), 1L, Long::sum);
                    latencies.add(
                            new double[] {e.getLatencyMs(), e.getScoredAt().toEpochMilli()});
                }
        }
    }

    /** {@code latencies}: {latency_ms, scored_at} of each embedding read back. */
    record Outcome(
            ScoringMetrics.Snapshot metrics, Map<String, Long> byVersion, List<double[]> latencies, Throwable failure) {
        void report(PrintWriter out) {
            if (failure != null) out.println("  the scorer failed: " + failure);
            // windows read before the first model was in use waited for it (seconds): their latency is no scoring
            // latency, so they are counted apart; the first model was in use from the first scored_at on
            double firstScored = latencies.stream().mapToDouble(x -> x[1]).min().orElse(0);
            double[] l = latencies.stream()
                    .filter(x -> x[1] - x[0] >= firstScored)
                    .mapToDouble(x -> x[0])
                    .sorted()
                    .toArray();
            double[] waited = latencies.stream()
                    .filter(x -> x[1] - x[0] < firstScored)
                    .mapToDouble(x -> x[0])
                    .sorted()
                    .toArray();
            out.printf(
                    Locale.ROOT,
                    "  scorer: %.0f windows scored, %.0f predictions, %.0f dead letters, %.0f model swaps; %d embeddings"
                            + " on mm.embeddings (read_committed)%n",
                    metrics.windowsScored(),
                    metrics.predictions(),
                    metrics.deadLetters(),
                    metrics.swaps(),
                    latencies.size());
            out.printf(
                    Locale.ROOT,
                    "  scorer latency (read -> output) p50 %s ms, p99 %s ms over %d windows read with a model in use;"
                            + " %d windows waited for the first model (up to %s ms)%n",
                    rank(l, 0.50),
                    rank(l, 0.99),
                    l.length,
                    waited.length,
                    rank(waited, 1.0));
            if (!byVersion.isEmpty())
                out.println("  scored with: "
                        + String.join(
                                ", ",
                                byVersion.entrySet().stream()
                                        .map(e -> e.getKey() + " (" + e.getValue() + ")")
                                        .toList()));
        }

        private static String rank(double[] sorted, double q) {
            if (sorted.length == 0) return "-";
            int i = Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1));
            return String.format(Locale.ROOT, "%.0f", sorted[i]);
        }
    }
}
