package io.braid.cli;

import io.braid.avro.ModelVersion;
import io.braid.trainer.cli.TorchThreads;
import io.braid.trainer.online.OnlineTrainer;
import io.braid.trainer.online.TrainerMetrics;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo's online trainer: {@link OnlineTrainer} on its own thread in the demo's JVM, its live figures read from the
 * same metrics its Prometheus endpoint serves, and the versions it published for the report.
 */
final class DemoTrainer {
    private final OnlineTrainer trainer;
    private final Thread thread;
    private final AtomicReference<OnlineTrainer.Result> result = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private double firstLoss = Double.NaN;
    private long firstLossStep;

    private DemoTrainer(OnlineTrainer.Options options) {
        this.trainer = new OnlineTrainer(options, msg -> System.err.println("  trainer: " + msg));
        this.thread = new Thread(
                () -> {
                    try {
                        result.set(trainer.run());
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                },
                "braid-demo-trainer");
        thread.setDaemon(true);
    }

    static DemoTrainer start(OnlineTrainer.Options options) {
        // one intra-op thread: the Flink job and the simulator need the other core
        TorchThreads.set(1);
        DemoTrainer t = new DemoTrainer(options);
        t.thread.start();
        return t;
    }

    Throwable failure() {
        return failure.get();
    }

    /** The trainer's scrape URL once its endpoint is up, else null. */
    String metricsUrl() {
        TrainerMetrics m = trainer.metrics();
        return m == null ? null : m.url();
    }

    /** {@code loss pairs/s versions} for the live line. */
    String liveColumns() {
        if (failure.get() != null) return "failed: " + failure.get().getMessage();
        TrainerMetrics m = trainer.metrics();
        if (m == null) return "starting";
        TrainerMetrics.Snapshot s = m.snapshot();
        if (s.steps() < 1 || Double.isNaN(s.lossSmoothed()))
            return String.format(Locale.ROOT, "waiting (%.0f pairs buffered)", s.lagRecords());
        if (Double.isNaN(firstLoss)) {
            firstLoss = s.lossSmoothed();
            firstLossStep = (long) s.steps();
        }
        return String.format(
                Locale.ROOT, "%.3f (avg %.3f) %5.1f %d", s.loss(), s.lossSmoothed(), s.pairsPerSecond(), (long)
                        s.versionsPublished());
    }

    /** Stops the trainer (final checkpoint and version) and waits for it. */
    Outcome finish() throws InterruptedException {
        trainer.stop();
        thread.join(120_000);
        Throwable f = failure.get();
        if (f == null && thread.isAlive()) f = new IllegalStateException("the trainer did not stop within 2 min");
        return new Outcome(result.get(), f, firstLoss, firstLossStep);
    }

    private static double lastSmoothed(OnlineTrainer.Result r) {
        if (r.published().isEmpty()) return r.lastLoss();
        return r.published().get(r.published().size() - 1).getMetrics().getOrDefault("loss_smoothed", r.lastLoss());
    }

    record Outcome(OnlineTrainer.Result result, Throwable failure, double firstLoss, long firstLossStep) {
        void report(PrintWriter out) {
            if (failure != null) {
                out.println("  the trainer failed: " + failure);
                return;
            }
            OnlineTrainer.Result r = result;
            out.printf(
                    Locale.ROOT,
                    "  trainer: %d steps, %d pairs, %.1f pairs/s, loss (moving average) %.3f at step %d -> %.3f, %d dead letters,"
                            + " %d skipped steps, %d versions on mm.models%n",
                    r.steps(),
                    r.pairsTrained(),
                    r.pairsPerSecond(),
                    firstLoss,
                    firstLossStep,
                    lastSmoothed(r),
                    r.deadLetters(),
                    r.skippedSteps(),
                    r.published().size());
            if (!r.published().isEmpty())
                out.printf(
                        Locale.ROOT,
                        "  %-14s %7s %8s %8s  %s%n",
                        "version",
                        "steps",
                        "loss",
                        "avg loss",
                        "trained-through");
            for (ModelVersion v : r.published())
                out.printf(
                        Locale.ROOT,
                        "  %-14s %7.0f %8.4f %8.4f  %s%n",
                        v.getVersion(),
                        v.getMetrics().getOrDefault("steps", Double.NaN),
                        v.getMetrics().getOrDefault("loss", Double.NaN),
                        v.getMetrics().getOrDefault("loss_smoothed", Double.NaN),
                        v.getTrainedThrough());
        }
    }
}
