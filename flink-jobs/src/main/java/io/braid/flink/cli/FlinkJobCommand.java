package io.braid.flink.cli;

import io.braid.cli.support.DurationConverter;
import io.braid.cli.support.StopSignal;
import io.braid.flink.JobCounters;
import io.braid.flink.KafkaConnection;
import io.braid.flink.LocalRunOptions;
import io.braid.flink.LocalWindowJob;
import io.braid.flink.WindowJobOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./braid flink-job}: the align-and-augment job on a local MiniCluster against any Kafka and registry. */
@Command(
        name = "flink-job",
        mixinStandardHelpOptions = true,
        description = {
            "Run the align + window + augment Flink job in a local MiniCluster.",
            "",
            "Runs the Flink align-and-augment job in a local MiniCluster: robot.sensor/vision/text ->",
            "mm.windows, mm.train (exactly once by default), mm.late and mm.dlq. Prints counters every few seconds.",
            "Checkpoints are retained in --state-dir: after a crash the same command resumes from the newest one;",
            "Ctrl-C and --duration stop with a savepoint there, which the next start resumes from."
        })
public final class FlinkJobCommand implements Callable<Integer> {
    /** Standalone entry point (the launcher registers the command itself). */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new FlinkJobCommand()).execute(args));
    }

    @Mixin
    KafkaConnection connection = new KafkaConnection();

    @Mixin
    WindowJobOptions options = new WindowJobOptions();

    @Mixin
    LocalRunOptions run = new LocalRunOptions();

    @Option(
            names = "--duration",
            converter = DurationConverter.class,
            description =
                    "Stop after this long (e.g. 60s, 5m); 0 runs until Ctrl-C or, with --bounded, the end of input"
                            + " (default: ${DEFAULT-VALUE}).")
    Duration duration = Duration.ZERO;

    @Option(
            names = "--report-every",
            converter = DurationConverter.class,
            description = "Counter report interval (default: ${DEFAULT-VALUE}).")
    Duration reportEvery = Duration.ofSeconds(5);

    @Override
    public Integer call() throws Exception {
        try {
            options.validate();
            run.validate();
        } catch (IllegalArgumentException e) {
            System.err.println("flink-job: " + e.getMessage());
            return 2;
        }
        StopSignal stop = StopSignal.install("flink-job", System.err);
        boolean signals = stop.installed();
        long deadline = duration.isZero() ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        LocalWindowJob started;
        try {
            started = LocalWindowJob.start(connection, options, run);
        } catch (IllegalArgumentException | IllegalStateException e) {
            stop.close();
            System.err.println("flink-job: " + e.getMessage());
            return 2;
        }
        try (stop;
                LocalWindowJob job = started) {
            // without signal handlers a Ctrl-C at least cancels; the newest checkpoint stays for the next start
            if (!signals) Runtime.getRuntime().addShutdownHook(new Thread(job::close));
            System.err.println("flink-job: "
                    + job.restoredFrom()
                            .map(s -> "resuming from " + s + " (written " + Instant.ofEpochMilli(s.writtenAtMs()) + ")")
                            .orElse("starting fresh: no checkpoint in " + job.stateDir() + "; sources start at "
                                    + options.resolvedStartingOffsets().name().toLowerCase(java.util.Locale.ROOT)
                                    + " offsets"));
            System.err.println("flink-job: pipeline " + job.pipelineVersion() + " reading "
                    + connection.bootstrapServers + " registry " + connection.schemaRegistryUrl + ", state "
                    + job.stateDir() + ", transactional ids " + job.transactionalIdPrefix() + "-*");
            JobCounters last = JobCounters.ZERO;
            long nextReport = System.nanoTime() + reportEvery.toNanos();
            while (System.nanoTime() < deadline && !job.finished()) {
                long waitNs = Math.min(Math.min(nextReport, deadline) - System.nanoTime(), 500_000_000L);
                if (stop.await(waitNs)) break;
                if (System.nanoTime() < nextReport) continue;
                nextReport += reportEvery.toNanos();
                JobCounters c = job.counters();
                if (c.windowsEmitted() > 0 || c.inputEvents() > 0) last = c;
                System.err.println("flink-job: " + last);
            }
            if (!job.finished()) {
                System.err.println("flink-job: stopping with a savepoint ...");
                try {
                    String sp = job.stopWithSavepoint(Duration.ofMinutes(2));
                    System.err.println("flink-job: stopped with savepoint " + sp + " (the next start resumes from it)");
                } catch (Exception e) {
                    System.err.println("flink-job: stop-with-savepoint failed (" + e
                            + "); cancelling, the next start resumes from the newest checkpoint");
                    job.close();
                    return 1;
                }
            }
            JobCounters end = job.awaitFinished(Duration.ofSeconds(30));
            if (end.windowsEmitted() > 0 || end.inputEvents() > 0) last = end;
            System.out.println("flink-job: " + last);
            System.out.println("flink-job: not emitted: " + last.notEmitted());
        }
        return 0;
    }
}
