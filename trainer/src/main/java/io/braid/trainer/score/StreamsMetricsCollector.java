package io.braid.trainer.score;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Kafka Streams' own client metrics (threads, tasks, stores, and the embedded consumer and producer:
 * {@code KafkaStreams.metrics()}) named {@code braid_scorer_streams_<group>_<name>} with the Kafka tags as labels, read
 * at scrape time so nothing is copied between scrapes: Kafka's cumulative {@code *-total} metrics become counters
 * ({@code ..._total}), the rest gauges. Non-numeric metrics (version strings) are left out.
 */
final class StreamsMetricsCollector implements MultiCollector {
    static final String PREFIX = "braid_scorer_streams_";

    private final Supplier<? extends Map<MetricName, ? extends Metric>> metrics;

    StreamsMetricsCollector(Supplier<? extends Map<MetricName, ? extends Metric>> metrics) {
        this.metrics = metrics;
    }

    /** The Prometheus name of a Kafka metric: group (without "-metrics") and name (a counter's without "-total"). */
    static String name(MetricName m) {
        String group = m.group().endsWith("-metrics")
                ? m.group().substring(0, m.group().length() - "-metrics".length())
                : m.group();
        String name = counter(m) ? m.name().substring(0, m.name().length() - "-total".length()) : m.name();
        return PrometheusNaming.prometheusName(
                (PREFIX + group + "_" + name).replace('-', '_').replaceAll("[^a-zA-Z0-9_:]", "_"));
    }

    static boolean counter(MetricName m) {
        return m.name().endsWith("-total");
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, List<GaugeSnapshot.GaugeDataPointSnapshot>> byName = new LinkedHashMap<>();
        Map<String, List<CounterSnapshot.CounterDataPointSnapshot>> counters = new LinkedHashMap<>();
        Map<String, Labels> firstLabels = new LinkedHashMap<>();
        Map<String, Set<Labels>> seen = new LinkedHashMap<>();
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.get().entrySet()) {
            Object v;
            try {
                v = e.getValue().metricValue();
            } catch (RuntimeException ex) {
                continue; // a metric whose owner is closing
            }
            if (!(v instanceof Number n)) continue;
            String name = name(e.getKey());
            Labels labels = labels(e.getKey().tags());
            Labels first = firstLabels.putIfAbsent(name, labels);
            // one label set per name (a name with two tag layouts keeps the first), no duplicate series
            if (first != null && !first.hasSameNames(labels)) continue;
            if (!seen.computeIfAbsent(name, k -> new HashSet<>()).add(labels)) continue;
            if (counter(e.getKey()))
                counters.computeIfAbsent(name, k -> new ArrayList<>())
                        .add(CounterSnapshot.CounterDataPointSnapshot.builder()
                                .value(Math.max(0, n.doubleValue()))
                                .labels(labels)
                                .build());
            else
                byName.computeIfAbsent(name, k -> new ArrayList<>())
                        .add(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                                .value(n.doubleValue())
                                .labels(labels)
                                .build());
        }
        List<MetricSnapshot> out = new ArrayList<>(byName.size() + counters.size());
        counters.forEach((name, points) -> {
            if (byName.containsKey(name)) return; // a gauge of the same base name keeps it
            try {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help("Kafka Streams client metric");
                points.forEach(b::dataPoint);
                out.add(b.build());
            } catch (IllegalArgumentException invalid) {
                // a name Prometheus reserves: left out rather than failing the whole scrape
            }
        });
        byName.forEach((name, points) -> {
            try {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help("Kafka Streams client metric");
                points.forEach(b::dataPoint);
                out.add(b.build());
            } catch (IllegalArgumentException invalid) {
                // as above
            }
        });
        return new MetricSnapshots(out);
    }

    private static Labels labels(Map<String, String> tags) {
        Labels.Builder b = Labels.builder();
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, String> t : new java.util.TreeMap<>(tags).entrySet()) {
            String n = PrometheusNaming.sanitizeLabelName(t.getKey());
            if (names.add(n)) b.label(n, t.getValue() == null ? "" : t.getValue());
        }
        return b.build();
    }
}
