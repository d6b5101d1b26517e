package io.braid.trainer.score;

import io.braid.trainer.MetricsEndpoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The scorer's Prometheus metrics ({@code braid_scorer_*}, text exposition on {@code /metrics}). One registry per
 * scorer, not the default one, so several scorers in one JVM (tests, the demo) do not collide. The names are what the
 * dashboards query; {@link #exportStreamsMetrics} adds Kafka Streams' own client metrics.
 */
public final class ScoringMetrics extends MetricsEndpoint {
    final Histogram latency = Histogram.builder()
            .name("braid_scorer_latency_seconds")
            .help("wall time from reading a window to producing its outputs (buffering and model wait included)")
            .register(registry);
    final Counter scored = Counter.builder()
            .name("braid_scorer_windows_scored")
            .help("windows scored (one embedding each)")
            .register(registry);
    final Counter staleScored = Counter.builder()
            .name("braid_scorer_stale_windows")
            .help("windows scored with a model older than the max model age (flagged stale)")
            .register(registry);
    final Counter predictions = Counter.builder()
            .name("braid_scorer_predictions")
            .help("predictions written (models with class heads: DI-MML)")
            .register(registry);
    final Gauge modelAge = Gauge.builder()
            .name("braid_scorer_model_age_seconds")
            .help("event time between the newest window scored and the trained-through time of its model")
            .register(registry);
    final Counter swaps = Counter.builder()
            .name("braid_scorer_model_swaps")
            .help("models loaded and swapped in (the first one included)")
            .register(registry);
    final Counter loadFailures = Counter.builder()
            .name("braid_scorer_model_load_failures")
            .help("model versions that could not be loaded and were skipped, by reason")
            .labelNames("reason")
            .register(registry);
    final Gauge waiting = Gauge.builder()
            .name("braid_scorer_waiting_windows")
            .help("windows buffered: waiting for a batch, for a first model, or (HOLD) for a fresh enough model")
            .register(registry);
    final Counter deadLetters = Counter.builder()
            .name("braid_scorer_dead_letters")
            .help("windows sent to mm.dlq, by stage and reason")
            .labelNames("stage", "reason")
            .register(registry);
    final Info model = Info.builder()
            .name("braid_scorer_model_info")
            .help("the model version scoring now")
            .labelNames("version", "objective")
            .register(registry);

    /** Exports {@code metrics} (KafkaStreams::metrics, or a test driver's) under {@code braid_scorer_streams_*}. */
    public void exportStreamsMetrics(Supplier<? extends Map<MetricName, ? extends Metric>> metrics) {
        registry.register(new StreamsMetricsCollector(metrics));
    }

    /** The values a bench or a live line reads (the same the endpoint serves). */
    public record Snapshot(
            double windowsScored,
            double staleWindows,
            double predictions,
            double deadLetters,
            double swaps,
            double loadFailures,
            double waiting,
            double modelAgeSeconds,
            double meanLatencySeconds) {}

    public Snapshot snapshot() {
        HistogramSnapshot.HistogramDataPointSnapshot l =
                latency.collect().getDataPoints().get(0);
        double dead = 0, failures = 0;
        for (var d : deadLetters.collect().getDataPoints()) dead += d.getValue();
        for (var d : loadFailures.collect().getDataPoints()) failures += d.getValue();
        return new Snapshot(
                scored.get(),
                staleScored.get(),
                predictions.get(),
                dead,
                swaps.get(),
                failures,
                waiting.get(),
                modelAge.get(),
                l.getCount() == 0 ? Double.NaN : l.getSum() / l.getCount());
    }

    /** Dead letters of one reason (all stages). */
    public double deadLetters(String reason) {
        double n = 0;
        for (var d : deadLetters.collect().getDataPoints())
            if (reason.equals(d.getLabels().get("reason"))) n += d.getValue();
        return n;
    }

    /** Load failures of one reason. */
    public double loadFailures(String reason) {
        double n = 0;
        for (var d : loadFailures.collect().getDataPoints())
            if (reason.equals(d.getLabels().get("reason"))) n += d.getValue();
        return n;
    }
}
