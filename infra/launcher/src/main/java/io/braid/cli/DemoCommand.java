package io.braid.cli;

import io.braid.cli.support.DurationConverter;
import io.braid.cli.support.HelpSections;
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
import java.io.PrintWriter;
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
        description = {
            "Run the pipeline on the embedded default and watch it: robots -> Kafka -> Flink windows.",
            "",
            "Starts the local stack (in-JVM Kafka, schema registry, topics) unless --bootstrap-servers is given,",
            "simulated robots in real time and the align + window + augment Flink job, prints every topic's rate",
            "and the windows' completeness every few seconds until Ctrl-C or --duration, then a report.",
            "Every simulator option (faults included) and every job option can be given too.",
            ""
        })
public final class DemoCommand implements Callable<Integer>, HelpSections.Declared {
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

    @Mixin
    SimulatorMixin simulator;

    @Mixin
    WindowJobOptions job;

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("Connection", "--bootstrap-servers", "--schema-registry-url")
                .add("Run", "--report-every", "--state-dir", "--from-savepoint", "--from-checkpoint", "--fresh");
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        long reportEveryMs = reportEvery.toMillis();
        if (reportEveryMs < 100) throw new CommandLine.ParameterException(cmd, "--report-every must be at least 100ms");
        if (registryUrl != null && bootstrapServers == null) {
            throw new CommandLine.ParameterException(cmd, "--schema-registry-url needs --bootstrap-servers too");
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
        try (LocalStack stack = LocalStack.start(bootstrapServers, 0, 2)) {
            String registry = registryUrl != null ? registryUrl : stack.registryUrl();
            out.printf(
                    Locale.ROOT, "  kafka %s   registry %s   (%.1f s)%n", stack.bootstrapServers(), registry, secs(t0));
            out.println("starting the Flink job (align + window + augment, exactly-once)...");
            // Against a lasting Kafka the demo keeps its state in .braid/state/braid-demo and resumes from it; the
            // in-JVM broker dies with the demo, so there every run starts fresh from a temporary state directory.
            KafkaConnection connection = new KafkaConnection(stack.bootstrapServers(), registry);
            boolean lasting = bootstrapServers != null;
            try (LocalWindowJob flink = lasting
                            ? LocalWindowJob.start(connection, job, new LocalRunOptions("braid-demo", null))
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
                CountDownLatch finished = new CountDownLatch(1);
                AtomicBoolean interrupted = new AtomicBoolean();
                Thread hook = new Thread(() -> {
                    interrupted.set(true);
                    runner.stop();
                    awaitQuietly(finished);
                });
                Runtime.getRuntime().addShutdownHook(hook);
                out.printf(
                        Locale.ROOT,
                        "%d robots streaming in real time%s%n",
                        sim.robots(),
                        bounded ? " for " + sim.durationMs() / 1000 + " s" : "; Ctrl-C to stop");
                robots.start();
                TopicRates rates = new TopicRates(admin, WATCHED);
                out.println(header());
                while (robots.isAlive()) {
                    robots.join(reportEveryMs);
                    out.println(line(rates.sample(), flink.counters()));
                }
                // let the last windows close: the job sees no new data, so idleness advances the watermark
                // Ctrl-C: Flink's shutdown safeguard halts the JVM within seconds, so report at once from the counters
                if (!interrupted.get()) Thread.sleep(Math.min(3000, job.idlenessMs));
                out.println(line(rates.sample(), flink.counters()));
                report(
                        out,
                        interrupted.get() ? null : stack.clientProps(),
                        rates,
                        flink.counters(),
                        produced.get(),
                        failure.get(),
                        secs(t0));
                if (lasting && !interrupted.get()) {
                    out.println("  stopped with savepoint " + flink.stopWithSavepoint(java.time.Duration.ofMinutes(2))
                            + " (the next demo against this Kafka resumes from it)");
                }
                finished.countDown();
                removeHook(hook);
                return failure.get() == null ? 0 : 1;
            }
        }
    }

    private static String header() {
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
                "windows: total complete partial late dlq");
    }

    private static String line(Map<String, Double> r, JobCounters c) {
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
                c.dlqRecords());
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

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running and waits for the report
        }
    }
}
