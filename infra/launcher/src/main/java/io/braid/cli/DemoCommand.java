package io.braid.cli;

import io.braid.cli.support.DurationConverter;
import io.braid.cli.support.HelpSections;
import io.braid.cli.support.StopSignal;
import io.braid.flink.JobCounters;
import io.braid.flink.KafkaConnection;
import io.braid.flink.LocalRunOptions;
import io.braid.flink.LocalWindowJob;
import io.braid.flink.WindowJobOptions;
import io.braid.producers.KafkaClients;
import io.braid.producers.ProduceRunner;
import io.braid.producers.cli.SimulatorMixin;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.serde.ConfluentAvroSerializer;
import io.braid.serde.SerdeConfig;
import io.braid.topics.TopicCatalog;
import io.braid.trainer.cli.Objective;
import io.braid.trainer.model.DeviceChoice;
import io.braid.trainer.online.OnlineTrainer;
import io.braid.trainer.score.ScoringOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `./braid demo`: the pipeline on the embedded default, with a live line per interval and a closing report. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        defaultValueProvider = DemoCommand.Defaults.class,
        description = {
            "Run the pipeline on the embedded default and watch it: robots -> Kafka -> Flink windows -> online trainer",
            "-> scorer.",
            "",
            "Starts the local stack (in-JVM Kafka, schema registry, topics) unless --bootstrap-servers is given,",
            "simulated robots in real time, the align + window + augment Flink job and the online trainer on mm.train",
            "(in this JVM, CPU by default) and the scorer (Kafka Streams, exactly-once: mm.windows + mm.models ->",
            "mm.embeddings + mm.predictions, hot-swapping each new version), prints every topic's rate, the windows'",
            "completeness, the trainer's loss, pairs/s and published versions and the scorer's embeddings/s, p99",
            "latency and model version every few seconds until Ctrl-C or --duration, then a report with every version. Ctrl-C stops like --duration: final checkpoint, and against a lasting Kafka a savepoint.",
            "The demo runs " + DemoCommand.DEFAULT_ROBOTS + " robots by default (enough pairs for the trainer to"
                    + " publish versions within a minute); every simulator option (faults included) and every job"
                    + " option can be given too.",
            ""
        })
public final class DemoCommand implements Callable<Integer>, HelpSections.Declared {
    /**
     * At 4 robots in real time mm.train carries ~5 pairs/s: minutes per version. 32 give ~32 pairs/s (one per robot and window), a batch of 32
     * about every second, so the loss falls visibly and a version is published every --version-every, while the job,
     * the simulator and the trainer still share 2 cores.
     */
    static final int DEFAULT_ROBOTS = 32;

    /** The demo's own defaults for options of the shared mixins. */
    public static final class Defaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            if (arg instanceof CommandLine.Model.OptionSpec o && o.longestName().equals("--robots"))
                return Integer.toString(DEFAULT_ROBOTS);
            return null;
        }
    }

    private static final List<String> WATCHED = List.of(
            TopicCatalog.SENSOR,
            TopicCatalog.VISION,
            TopicCatalog.TEXT,
            TopicCatalog.LABELS,
            TopicCatalog.WINDOWS,
            TopicCatalog.TRAIN,
            TopicCatalog.LATE,
            TopicCatalog.DLQ);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap-servers", description = "Use this Kafka instead of the in-JVM broker.")
    String bootstrapServers;

    @Option(
            names = "--schema-registry-url",
            description = "Use this schema registry instead of the embedded one (needs --bootstrap-servers).")
    String registryUrl;

    @Option(
            names = "--report-every",
            defaultValue = "2s",
            converter = DurationConverter.class,
            description = "Interval of the live line. Default: ${DEFAULT-VALUE}.")
    Duration reportEvery;

    @Option(
            names = "--state-dir",
            description = "Flink state (checkpoints, savepoints) against a lasting Kafka. Default:"
                    + " .braid/state/braid-demo.")
    Path stateDir;

    @Option(names = "--no-trainer", description = "Do not run the online trainer (the pipeline up to mm.train only).")
    boolean noTrainer;

    @Option(
            names = "--objective",
            defaultValue = "comm",
            converter = Objective.Converter.class,
            description = "Objective the trainer learns: comm, decur, cross, crossself. Default: ${DEFAULT-VALUE}.")
    Objective objective;

    @Option(
            names = "--device",
            defaultValue = "cpu",
            converter = DeviceChoice.Converter.class,
            description = "Trainer device: cpu, gpu or auto (the GPU when DJL sees one). Default: ${DEFAULT-VALUE}.")
    DeviceChoice device;

    @Option(
            names = "--train-batch-size",
            defaultValue = "32",
            description = "Pairs per training step. Default: ${DEFAULT-VALUE}.")
    int trainBatch;

    @Option(
            names = "--version-every",
            defaultValue = "15s",
            converter = DurationConverter.class,
            description = "The trainer checkpoints and publishes a version on mm.models this often. Default:"
                    + " ${DEFAULT-VALUE}.")
    Duration versionEvery;

    @Option(
            names = "--trainer-metrics-port",
            defaultValue = "0",
            description = "Port of the trainer's Prometheus endpoint, 0 any free port, -1 off. Default:"
                    + " ${DEFAULT-VALUE}.")
    int trainerMetricsPort;

    @Option(
            names = "--model-dir",
            description = "Model store of the trainer. Default: a temporary directory with the in-JVM broker,"
                    + " .braid/models/braid-demo (resumed) against a lasting Kafka.")
    Path modelDir;

    @Option(
            names = "--no-scorer",
            description = "Do not run the scorer (no embeddings or predictions from mm.windows).")
    boolean noScorer;

    @Option(
            names = "--scorer-metrics-port",
            defaultValue = "0",
            description = "Port of the scorer's Prometheus endpoint, 0 any free port, -1 off. Default:"
                    + " ${DEFAULT-VALUE}.")
    int scorerMetricsPort;

    @Mixin
    SimulatorMixin simulator;

    @Mixin
    WindowJobOptions job;

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("Connection", "--bootstrap-servers", "--schema-registry-url")
                .add("Run", "--report-every", "--state-dir", "--from-savepoint", "--from-checkpoint", "--fresh")
                .add(
                        "Trainer",
                        "--no-trainer",
                        "--objective",
                        "--device",
                        "--train-batch-size",
                        "--version-every",
                        "--trainer-metrics-port",
                        "--model-dir")
                .add("Scorer", "--no-scorer", "--scorer-metrics-port");
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        long reportEveryMs = reportEvery.toMillis();
        if (reportEveryMs < 100) throw new CommandLine.ParameterException(cmd, "--report-every must be at least 100ms");
        if (registryUrl != null && bootstrapServers == null) {
            throw new CommandLine.ParameterException(cmd, "--schema-registry-url needs --bootstrap-servers too");
        }
        if (!noTrainer) {
            if (objective == Objective.DIMML)
                throw new CommandLine.ParameterException(cmd, "--objective dimml is not online yet");
            if (trainBatch < 2) throw new CommandLine.ParameterException(cmd, "--train-batch-size must be >= 2");
            if (versionEvery.toMillis() < 1000)
                throw new CommandLine.ParameterException(cmd, "--version-every must be at least 1s");
            try {
                device.resolve(); // --device gpu without a GPU: say so before anything starts
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, e.getMessage());
            }
        }
        // Without --duration the demo runs until Ctrl-C: the simulator gets (practically) unbounded event time.
        boolean bounded = cmd.getParseResult().hasMatchedOption("--duration");
        SimulatorOptions sim = simulator.toOptions(cmd, System.currentTimeMillis());
        if (!bounded) sim.durationMs(365L * 24 * 3600 * 1000);
        job.validate();

        PrintWriter out = cmd.getOut();
        long t0 = System.nanoTime();
        out.println(
                bootstrapServers == null
                        ? "starting the local stack (in-JVM Kafka + schema registry)..."
                        : "connecting...");
        try (StopSignal stop = StopSignal.install("demo", System.err);
                LocalStack stack = LocalStack.start(bootstrapServers, 0, 2)) {
            String registry = registryUrl != null ? registryUrl : stack.registryUrl();
            out.printf(
                    Locale.ROOT, "  kafka %s   registry %s   (%.1f s)%n", stack.bootstrapServers(), registry, secs(t0));
            out.println("starting the Flink job (align + window + augment, exactly-once)...");
            // Against a lasting Kafka the demo keeps its state in .braid/state/braid-demo and resumes from it; the
            // in-JVM broker dies with the demo, so there every run starts fresh from a temporary state directory.
            KafkaConnection connection = new KafkaConnection(stack.bootstrapServers(), registry);
            boolean lasting = bootstrapServers != null;
            Path models = modelDir != null
                    ? modelDir
                    : lasting ? Path.of(".braid", "models", "braid-demo") : Files.createTempDirectory("braid-models-");
            try (LocalWindowJob flink = lasting
                            ? LocalWindowJob.start(connection, job, new LocalRunOptions("braid-demo", stateDir))
                            : LocalWindowJob.start(connection, job);
                    Admin admin = Admin.create(stack.clientProps());
                    Producer<byte[], byte[]> producer =
                            new KafkaProducer<>(KafkaClients.producer(stack.bootstrapServers(), null));
                    ConfluentAvroSerializer<Object> serializer = new ConfluentAvroSerializer<>(
                            null, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry), false)) {
                out.printf(
                        Locale.ROOT,
                        "  job %s, pipeline %s (%.1f s)%n",
                        flink.client().getJobID(),
                        flink.pipelineVersion(),
                        secs(t0));
                flink.restoredFrom().ifPresent(r -> out.println("  resuming from " + r));
                DemoTrainer trainer = noTrainer ? null : DemoTrainer.start(trainerOptions(stack, registry, models));
                if (trainer != null)
                    out.printf(
                            Locale.ROOT,
                            "starting the online trainer (%s, %s, batch %d, a version every %s, models in %s)...%n",
                            objective.id(),
                            device.resolve(),
                            trainBatch,
                            versionEvery.toString().substring(2).toLowerCase(Locale.ROOT),
                            models.toAbsolutePath());
                DemoScorer scorer = null;
                if (!noScorer) {
                    out.printf(
                            Locale.ROOT,
                            "starting the scorer (Kafka Streams, exactly-once, max batch wait %d ms, commit every %d"
                                    + " ms)...%n",
                            DemoScorer.MAX_BATCH_WAIT.toMillis(),
                            DemoScorer.COMMIT_INTERVAL_MS);
                    scorer = DemoScorer.start(
                            scorerOptions(stack, registry, models), msg -> System.err.println("  scorer: " + msg));
                    if (scorer.metricsUrl() != null) out.println("  scorer metrics " + scorer.metricsUrl());
                }
                ProduceRunner runner = new ProduceRunner(sim, producer, serializer, true, 0, line -> {});
                AtomicReference<ProduceRunner.Result> produced = new AtomicReference<>();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread robots = new Thread(
                        () -> {
                            try {
                                produced.set(runner.run());
                            } catch (Throwable e) {
                                failure.set(e);
                            }
                        },
                        "braid-demo-robots");
                // where the JVM offers no signal handlers, Ctrl-C is JVM shutdown: stop the robots and report fast
                CountDownLatch finished = new CountDownLatch(1);
                AtomicBoolean shutdown = new AtomicBoolean();
                Thread hook = new Thread(() -> {
                    shutdown.set(true);
                    runner.stop();
                    awaitQuietly(finished);
                });
                if (!stop.installed()) Runtime.getRuntime().addShutdownHook(hook);
                out.printf(
                        Locale.ROOT,
                        "%d robots streaming in real time%s%n",
                        sim.robots(),
                        bounded ? " for " + sim.durationMs() / 1000 + " s" : "; Ctrl-C to stop");
                robots.start();
                TopicRates rates = new TopicRates(admin, WATCHED);
                boolean urlShown = false;
                out.println(header(trainer != null, scorer != null));
                while (robots.isAlive()) {
                    if (stop.await(reportEveryMs * 1_000_000L)) runner.stop();
                    robots.join(stop.requested() ? 10_000 : 1);
                    if (!urlShown && trainer != null && trainer.metricsUrl() != null) {
                        out.println("  trainer metrics " + trainer.metricsUrl());
                        urlShown = true;
                    }
                    out.println(line(rates.sample(), flink.counters(), trainer, scorer));
                    if (trainer != null && trainer.failure() != null) runner.stop();
                }
                // let the last windows close: the job sees no new data, so idleness advances the watermark
                if (!shutdown.get() && !stop.requested()) Thread.sleep(Math.min(3000, job.idlenessMs));
                out.println(line(rates.sample(), flink.counters(), trainer, scorer));
                DemoTrainer.Outcome trained = trainer == null ? null : trainer.finish();
                if (scorer != null && !shutdown.get())
                    Thread.sleep(1000); // the trainer's last version, the last commit
                DemoScorer.Outcome scored =
                        scorer == null ? null : scorer.finish(shutdown.get() ? null : stack.clientProps());
                report(
                        out,
                        shutdown.get() ? null : stack.clientProps(),
                        rates,
                        flink.counters(),
                        produced.get(),
                        failure.get(),
                        secs(t0));
                if (trained != null) trained.report(out);
                if (scored != null) scored.report(out);
                if (lasting && !shutdown.get()) {
                    out.println("  stopped with savepoint " + flink.stopWithSavepoint(Duration.ofMinutes(2))
                            + " (the next demo against this Kafka resumes from it)");
                }
                finished.countDown();
                if (!stop.installed()) removeHook(hook);
                if (modelDir == null && !lasting) deleteTree(models);
                if (scorer != null) deleteTree(scorer.options().stateDir());
                boolean ok = failure.get() == null
                        && (trained == null || trained.failure() == null)
                        && (scored == null || scored.failure() == null);
                return ok ? 0 : 1;
            }
        }
    }

    private OnlineTrainer.Options trainerOptions(LocalStack stack, String registry, Path models) {
        OnlineTrainer.Options o = new OnlineTrainer.Options();
        o.bootstrapServers = stack.bootstrapServers();
        o.registryUrl = registry;
        o.trainTopic = job.trainTopic;
        o.objective = objective.id();
        o.device = device;
        o.modelDir = models;
        o.batchSize = trainBatch;
        o.minBatch = Math.min(8, trainBatch);
        o.shuffleBuffer = Math.max(4 * trainBatch, 64);
        // versions by time only: the demo shows one every --version-every
        o.checkpointEverySteps = Integer.MAX_VALUE;
        o.checkpointEveryMs = versionEvery.toMillis();
        o.metricsPort = trainerMetricsPort;
        return o;
    }

    private ScoringOptions scorerOptions(LocalStack stack, String registry, Path models) throws java.io.IOException {
        ScoringOptions.Builder b = ScoringOptions.defaults().toBuilder();
        b.bootstrapServers = stack.bootstrapServers();
        b.registryUrl = registry;
        b.applicationId = "braid-demo-scorer";
        b.windowsTopic = job.windowsTopic;
        b.dlqTopic = job.dlqTopic;
        b.objective = objective.id();
        b.modelStoreDir = models;
        b.maxBatchWait = DemoScorer.MAX_BATCH_WAIT;
        b.metricsPort = scorerMetricsPort;
        b.stateDir = Files.createTempDirectory("braid-demo-scorer-");
        return b.build();
    }

    private static String header(boolean trainer, boolean scorer) {
        return String.format(
                        Locale.ROOT,
                        "%8s %8s %8s %7s %10s %8s %6s %6s  %s",
                        "sensor/s",
                        "vision/s",
                        "text/s",
                        "label/s",
                        "windows/s",
                        "train/s",
                        "late/s",
                        "dlq/s",
                        "windows: total complete partial late dlq")
                + (trainer ? " | trainer: loss (avg) pairs/s versions" : "")
                + (scorer ? " | scorer: emb/s p99ms version" : "");
    }

    private static String line(Map<String, Double> r, JobCounters c, DemoTrainer trainer, DemoScorer scorer) {
        return String.format(
                        Locale.ROOT,
                        "%8.0f %8.0f %8.0f %7.1f %10.1f %8.1f %6.1f %6.1f  %d %.1f%% %d %d %d",
                        r.get(TopicCatalog.SENSOR),
                        r.get(TopicCatalog.VISION),
                        r.get(TopicCatalog.TEXT),
                        r.get(TopicCatalog.LABELS),
                        r.get(TopicCatalog.WINDOWS),
                        r.get(TopicCatalog.TRAIN),
                        r.get(TopicCatalog.LATE),
                        r.get(TopicCatalog.DLQ),
                        c.windowsEmitted(),
                        100 * c.completeness(),
                        c.windowsPartial(),
                        c.lateEvents(),
                        c.dlqRecords())
                + (trainer == null ? "" : " | " + trainer.liveColumns())
                + (scorer == null ? "" : " | " + scorer.liveColumns());
    }

    private static void report(
            PrintWriter out,
            java.util.Properties clientProps,
            TopicRates rates,
            JobCounters c,
            ProduceRunner.Result produced,
            Throwable failure,
            double seconds) {
        out.println();
        out.printf(Locale.ROOT, "demo report (%.0f s)%n", seconds);
        if (clientProps == null) out.println("  (interrupted: per-topic committed counts skipped)");
        else
            rates.committedTotals(clientProps)
                    .forEach((topic, n) -> out.printf(Locale.ROOT, "  %-14s %9d records%n", topic, n));
        out.printf(
                Locale.ROOT,
                "  windows emitted %d: %.1f%% complete, %d partial (missing sensor %d, vision %d, text %d), %d dropped%n",
                c.windowsEmitted(),
                100 * c.completeness(),
                c.windowsPartial(),
                c.missingSensor(),
                c.missingVision(),
                c.missingText(),
                c.windowsDropped());
        out.printf(
                Locale.ROOT,
                "  input events %d, late %d, dead letters %d, duplicates %d, training pairs %d%n",
                c.inputEvents(),
                c.lateEvents(),
                c.dlqRecords(),
                c.duplicates(),
                c.trainPairs());
        out.printf(Locale.ROOT, "  not emitted: %s%n", c.notEmitted());
        if (produced != null) {
            out.printf(
                    Locale.ROOT,
                    "  produced %d records (%.1f MB), %d segments%n",
                    produced.totalRecords(),
                    produced.totalBytes() / 1e6,
                    produced.stats().segments());
        }
        if (failure != null) out.println("  the simulator failed: " + failure);
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path p) {
        try (var files = Files.walk(p)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        } catch (java.io.IOException | RuntimeException ignored) {
            // a temporary directory: best effort
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running and waits for the report
        }
    }
}
