package io.braid.bench;

import io.braid.broker.EmbeddedKafkaBroker;
import io.braid.cli.support.DurationConverter;
import io.braid.cli.support.HelpSections;
import io.braid.registry.EmbeddedRegistryServer;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The scorer's latency, throughput and freshness on its own in-JVM broker and embedded registry, with a checkpoint of
 * the default CoMM model (see {@link ScoreBench} for the phases).
 */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark the scorer (Kafka Streams, exactly_once_v2) with a real CoMM checkpoint on an in-JVM broker:",
            "per-window latency at a paced rate (the Embedding's latency_ms and produce -> read_committed),",
            "saturation windows/s on a backlog, freshness at the demo's rate (window end -> read_committed), and",
            "WindowScorer micro-batched vs one at a time. Ends with RESULT score p50_ms=... p99_ms=...",
            "max_windows_per_s=... freshness_p99_ms=... batch_vs_single_max_abs_diff=..."
        })
public final class BenchScoreCommand implements Callable<Integer>, HelpSections.Declared {
    @Option(
            names = "--rate",
            defaultValue = "500",
            description = "Windows/s of the paced latency phase (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--duration",
            defaultValue = "20s",
            converter = DurationConverter.class,
            description = "Length of the paced latency phase (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            names = "--warmup",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Paced warm-up before the measured phases, not counted; on 2 cores the JIT is still busy for"
                    + " the first half-minute (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(
            names = "--saturation-windows",
            defaultValue = "5000",
            description = "Backlog written while the scorer is paused, then scored as fast as it goes"
                    + " (default: ${DEFAULT-VALUE}).")
    int saturationWindows;

    @Option(
            names = "--freshness-duration",
            defaultValue = "20s",
            converter = DurationConverter.class,
            description = "Length of the freshness phase at the demo's rate (default: ${DEFAULT-VALUE}).")
    Duration freshnessDuration;

    @Option(
            names = "--robots",
            defaultValue = "32",
            description = "Robots of the freshness phase, one window each per second, as in ./braid demo"
                    + " (default: ${DEFAULT-VALUE}).")
    int robots;

    @Option(
            names = "--compare-windows",
            defaultValue = "512",
            description = "Windows WindowScorer scores one at a time and micro-batched (default: ${DEFAULT-VALUE}).")
    int compareWindows;

    @Option(
            names = "--partitions",
            defaultValue = "2",
            description =
                    "Partitions of the windows and embeddings topics, as in the demo (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--max-batch-size",
            defaultValue = "32",
            description = "The scorer's --max-batch-size, and the batch of the comparison (default: ${DEFAULT-VALUE}).")
    int maxBatchSize;

    @Option(
            names = "--max-batch-wait",
            defaultValue = "1ms",
            converter = DurationConverter.class,
            description = "The scorer's --max-batch-wait: how long a window may wait for its batch to fill"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration maxBatchWait;

    @Option(
            names = "--commit-interval",
            defaultValue = "10ms",
            converter = DurationConverter.class,
            description = "Kafka Streams commit.interval.ms: under exactly_once_v2 outputs become readable"
                    + " (read_committed) at commit, so this bounds the end-to-end latency (Streams' EOS default is"
                    + " 100ms) (default: ${DEFAULT-VALUE}).")
    Duration commitInterval;

    @Option(
            names = "--saturation-batch-wait",
            defaultValue = "100ms",
            converter = DurationConverter.class,
            description = "--max-batch-wait of the second scorer that measures saturation, the scorer's default"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration saturationBatchWait;

    @Option(
            names = "--saturation-commit-interval",
            defaultValue = "100ms",
            converter = DurationConverter.class,
            description = "commit.interval.ms of the saturation scorer, Streams' exactly-once default"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration saturationCommitInterval;

    @Option(
            names = "--torch-threads",
            defaultValue = "1",
            description = "Torch intra-op threads; the other core runs Kafka (default: ${DEFAULT-VALUE}).")
    int torchThreads;

    @Option(
            names = "--stream-threads",
            defaultValue = "1",
            description = "The scorer's Kafka Streams threads (one per partition at most is useful)"
                    + " (default: ${DEFAULT-VALUE}).")
    int streamThreads;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add(
                        "Load",
                        "--rate",
                        "--duration",
                        "--warmup",
                        "--saturation-windows",
                        "--freshness-duration",
                        "--robots",
                        "--compare-windows",
                        "--partitions")
                .add(
                        "Scorer",
                        "--max-batch-size",
                        "--max-batch-wait",
                        "--commit-interval",
                        "--saturation-batch-wait",
                        "--saturation-commit-interval",
                        "--torch-threads",
                        "--stream-threads",
                        "--seed");
    }

    ScoreBench.Settings settings() {
        return new ScoreBench.Settings(
                rate,
                duration,
                warmup,
                saturationWindows,
                freshnessDuration,
                robots,
                compareWindows,
                partitions,
                maxBatchSize,
                maxBatchWait,
                commitInterval,
                saturationBatchWait,
                saturationCommitInterval,
                torchThreads,
                streamThreads,
                seed);
    }

    @Override
    public Integer call() throws Exception {
        if (rate <= 0
                || robots < 1
                || partitions < 1
                || maxBatchSize < 1
                || compareWindows < maxBatchSize
                || saturationWindows < 2 * maxBatchSize
                || maxBatchWait.isZero()
                || maxBatchWait.isNegative()
                || commitInterval.isNegative()
                || saturationBatchWait.isZero()
                || saturationBatchWait.isNegative()
                || saturationCommitInterval.isNegative()
                || duration.toMillis() < 1000
                || freshnessDuration.toMillis() < 1000) {
            System.err.println("bench score: --rate > 0, --robots, --partitions, --max-batch-size >= 1,"
                    + " --compare-windows >= --max-batch-size, --saturation-windows >= 2 batches, --max-batch-wait > 0,"
                    + " --commit-interval >= 0, --duration and --freshness-duration >= 1s");
            return 2;
        }
        System.err.println("bench score: starting an in-JVM Kafka broker and registry ...");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                EmbeddedRegistryServer registry = new EmbeddedRegistryServer(0).start()) {
            ScoreBench.Result r = ScoreBench.run(settings(), broker.clientProps(), registry.url(), System.err);
            r.print(System.out);
            System.out.println(r.resultLine());
            return 0;
        }
    }
}
