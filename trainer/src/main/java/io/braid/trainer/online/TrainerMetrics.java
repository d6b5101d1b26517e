package io.braid.trainer.online;

import io.braid.trainer.MetricsEndpoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;

/**
 * The online trainer's Prometheus metrics (text exposition on {@code /metrics}). One registry per trainer, not the
 * default one, so several trainers in one JVM (tests) do not collide. The names are what dashboards query.
 */
public final class TrainerMetrics extends MetricsEndpoint {
    final Counter pairs = Counter.builder()
            .name("braid_trainer_pairs")
            .help("training pairs that went into a step")
            .register(registry);
    final Counter steps = Counter.builder()
            .name("braid_trainer_steps")
            .help("applied optimiser steps")
            .register(registry);
    final Counter skipped = Counter.builder()
            .name("braid_trainer_skipped_steps")
            .help("steps refused for a non-finite loss or gradient")
            .register(registry);
    final Counter rollbacks = Counter.builder()
            .name("braid_trainer_rollbacks")
            .help("rollbacks to the last good checkpoint")
            .register(registry);
    final Counter deadLetters = Counter.builder()
            .name("braid_trainer_dead_letters")
            .help("mm.train records sent to mm.dlq, by reason")
            .labelNames("reason")
            .register(registry);
    final Gauge pairsPerSecond = Gauge.builder()
            .name("braid_trainer_pairs_per_second")
            .help("pairs trained per second over the last few seconds")
            .register(registry);
    final Gauge loss = Gauge.builder()
            .name("braid_trainer_loss")
            .help("loss of the last step")
            .register(registry);
    final Gauge lossSmoothed = Gauge.builder()
            .name("braid_trainer_loss_smoothed")
            .help("exponential moving average of the step loss (about the last 20 steps): the trend under the noise")
            .register(registry);
    final Histogram stepSeconds = Histogram.builder()
            .name("braid_trainer_step_seconds")
            .help("wall time of one training step")
            .register(registry);
    final Gauge lagRecords = Gauge.builder()
            .name("braid_trainer_consumer_lag_records")
            .help("mm.train records not yet trained: behind the consumer position, queued or buffered")
            .register(registry);
    final Gauge lagSeconds = Gauge.builder()
            .name("braid_trainer_consumer_lag_seconds")
            .help("event time between the newest pair read and the trained-through watermark")
            .register(registry);
    final Gauge paused = Gauge.builder()
            .name("braid_trainer_paused")
            .help("1 while the consumer's partitions are paused because training is behind")
            .register(registry);
    final Gauge checkpointAge = Gauge.builder()
            .name("braid_trainer_checkpoint_age_seconds")
            .help("wall time since the last checkpoint")
            .register(registry);
    final Gauge checkpointSeconds = Gauge.builder()
            .name("braid_trainer_checkpoint_duration_seconds")
            .help("wall time the last checkpoint took (write, fsync, rename, publish)")
            .register(registry);
    final Gauge modelVersion = Gauge.builder()
            .name("braid_trainer_model_version")
            .help("step of the newest published model version")
            .register(registry);
    final Counter versions = Counter.builder()
            .name("braid_trainer_versions_published")
            .help("model versions published on mm.models by this run")
            .register(registry);
    final Gauge device = Gauge.builder()
            .name("braid_trainer_device")
            .help("1 for the DJL device the trainer runs on")
            .labelNames("device")
            .register(registry);

    private double ema = Double.NaN;

    /** Sets the loss of an applied step and its moving average. */
    void stepLoss(double l) {
        loss.set(l);
        ema = Double.isNaN(ema) ? l : ema + EMA_ALPHA * (l - ema);
        lossSmoothed.set(ema);
    }

    static final double EMA_ALPHA = 0.1;

    /** The values the demo's live line and the bench read (the same the endpoint serves). */
    public record Snapshot(
            double pairs,
            double steps,
            double skippedSteps,
            double deadLetters,
            double loss,
            double lossSmoothed,
            double pairsPerSecond,
            double meanStepSeconds,
            double lagRecords,
            double lagSeconds,
            double checkpointAgeSeconds,
            double checkpointSeconds,
            double modelVersion,
            double versionsPublished) {}

    public Snapshot snapshot() {
        HistogramSnapshot.HistogramDataPointSnapshot st =
                stepSeconds.collect().getDataPoints().get(0);
        double dead = 0;
        for (var d : deadLetters.collect().getDataPoints()) dead += d.getValue();
        return new Snapshot(
                pairs.get(),
                steps.get(),
                skipped.get(),
                dead,
                loss.get(),
                lossSmoothed.get(),
                pairsPerSecond.get(),
                st.getCount() == 0 ? Double.NaN : st.getSum() / st.getCount(),
                lagRecords.get(),
                lagSeconds.get(),
                checkpointAge.get(),
                checkpointSeconds.get(),
                modelVersion.get(),
                versions.get());
    }
}
