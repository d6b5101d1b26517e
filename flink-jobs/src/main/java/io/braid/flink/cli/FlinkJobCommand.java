package io.braid.flink.cli;

import io.braid.cli.support.DurationConverter;
import io.braid.flink.JobCounters;
import io.braid.flink.KafkaConnection;
import io.braid.flink.LocalWindowJob;
import io.braid.flink.WindowJobOptions;
import java.time.Duration;
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
            "mm.windows, mm.train (exactly once by default), mm.late and mm.dlq. Prints counters every few seconds."
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
        } catch (IllegalArgumentException e) {
            System.err.println("flink-job: " + e.getMessage());
            return 2;
        }
        long deadline = duration.isZero() ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        try (LocalWindowJob job = LocalWindowJob.start(connection, options)) {
            Runtime.getRuntime().addShutdownHook(new Thread(job::close));
            System.err.println("flink-job: pipeline " + job.pipelineVersion() + " reading "
                    + connection.bootstrapServers + " registry " + connection.schemaRegistryUrl);
            JobCounters last = JobCounters.ZERO;
            while (System.nanoTime() < deadline && !job.status().isGloballyTerminalState()) {
                Thread.sleep(Math.min(reportEvery.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                JobCounters c = job.counters();
                if (c.windowsEmitted() > 0 || c.inputEvents() > 0) last = c;
                System.err.println("flink-job: " + last);
            }
            if (job.status().isGloballyTerminalState()) {
                last = job.awaitFinished(Duration.ofSeconds(30));
            }
            System.out.println("flink-job: " + last);
            System.out.println("flink-job: not emitted: " + last.notEmitted());
        }
        return 0;
    }
}
