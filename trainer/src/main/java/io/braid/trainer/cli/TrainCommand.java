package io.braid.trainer.cli;

import io.braid.avro.ModelVersion;
import io.braid.cli.support.DurationConverter;
import io.braid.cli.support.HelpSections;
import io.braid.topics.TopicCatalog;
import io.braid.trainer.model.DeviceChoice;
import io.braid.trainer.online.OnlineTrainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code braid train}: the online trainer on mm.train (see {@link OnlineTrainer}). */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train online from mm.train, checkpoint into a model store and publish versions on mm.models.")
public final class TrainCommand implements Callable<Integer>, HelpSections.Declared {
    @Mixin
    TrainerIo endpoints = new TrainerIo();

    @Option(
            names = "--objective",
            defaultValue = "comm",
            converter = Objective.Converter.class,
            description = "comm | decur | cross | crossself (default: ${DEFAULT-VALUE})")
    Objective objective;

    @Option(
            names = "--model-dir",
            defaultValue = "models",
            description =
                    "model store directory (any mounted path) for checkpoints = versions (default: ${DEFAULT-VALUE})")
    Path modelDir;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "100",
            description = "checkpoint and publish a version every N steps (default: ${DEFAULT-VALUE})")
    int checkpointEverySteps;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "... or after this much wall time with new steps (default: ${DEFAULT-VALUE})")
    Duration checkpointEvery;

    @Option(
            names = "--keep-versions",
            defaultValue = "5",
            description = "artifacts kept in the store; the one mm.models names as latest is never deleted"
                    + " (default: ${DEFAULT-VALUE})")
    int keep;

    @Option(names = "--batch-size", defaultValue = "64", description = "pairs per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--max-wait",
            defaultValue = "2s",
            converter = DurationConverter.class,
            description = "longest a buffered pair waits before a (smaller) batch is drawn (default: ${DEFAULT-VALUE})")
    Duration maxWait;

    @Option(
            names = "--shuffle-buffer",
            defaultValue = "256",
            description = "pairs buffered to mix sources before drawing a batch (default: ${DEFAULT-VALUE})")
    int shuffle;

    @Option(
            names = "--max-per-source",
            defaultValue = "4",
            description = "most pairs of one source within --source-span in one batch (default: ${DEFAULT-VALUE})")
    int perSource;

    @Option(
            names = "--source-span",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "event-time span of the per-source bound (default: ${DEFAULT-VALUE})")
    Duration sourceSpan;

    @Option(
            names = "--false-negative-span",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description =
                    "pairs of one source closer than this are not each other's negatives (default: ${DEFAULT-VALUE})")
    Duration fnSpan;

    @Option(names = "--lr", defaultValue = "1e-3", description = "AdamW learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(
            names = "--weight-decay",
            defaultValue = "1e-2",
            description = "decoupled weight decay (default: ${DEFAULT-VALUE})")
    double wd;

    @Option(names = "--seed", defaultValue = "7", description = "init and shuffle seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--metrics-port",
            defaultValue = "9404",
            description = "Prometheus endpoint port, 0 any free port, -1 off (default: ${DEFAULT-VALUE})")
    int metricsPort;

    @Option(
            names = "--duration",
            defaultValue = "0s",
            converter = DurationConverter.class,
            description = "stop after this long, 0 = run until interrupted (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--threads", defaultValue = "1", description = "torch intra-op threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(
            names = "--probe-labels-topic",
            defaultValue = TopicCatalog.LABELS,
            description = "ground-truth labels for R/U/S probe metrics in each version; probes run when this topic and "
                    + "--probe-windows-topic exist, and the held-out windows' pairs are then not trained on; "
                    + "'' = off (default: ${DEFAULT-VALUE})")
    String probeLabelsTopic;

    @Option(
            names = "--probe-windows-topic",
            defaultValue = TopicCatalog.WINDOWS,
            description = "un-augmented windows the probe set is drawn from (default: ${DEFAULT-VALUE})")
    String probeWindowsTopic;

    @Option(
            names = "--probe-held-out",
            defaultValue = "10",
            description = "percent of window ids held out for probing, 1..50 (default: ${DEFAULT-VALUE})")
    int probeHeldOut;

    @Option(
            names = "--probe-windows",
            defaultValue = "300",
            description = "size of the probe set; it stays fixed once full (default: ${DEFAULT-VALUE})")
    int probeWindows;

    @Option(
            names = "--probe-min-windows",
            defaultValue = "40",
            description = "fewer labelled probe windows than this: probes skipped, reason logged "
                    + "(default: ${DEFAULT-VALUE})")
    int probeMinWindows;

    @Option(
            names = "--until-end",
            description = "bounded, deterministic run: train up to the end offsets mm.train has at start (partitions"
                    + " merged by event time), then checkpoint, publish and exit; a restart resumes it exactly")
    boolean untilEnd;

    @Option(
            names = "--device",
            defaultValue = "cpu",
            converter = DeviceChoice.Converter.class,
            description = "cpu | gpu | auto (the GPU when DJL sees one); gpu without one fails at once"
                    + " (default: ${DEFAULT-VALUE})")
    DeviceChoice device;

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("Connection", "--bootstrap-servers", "--schema-registry-url", "--train-topic")
                .add(
                        "Training",
                        "--objective",
                        "--batch-size",
                        "--lr",
                        "--weight-decay",
                        "--seed",
                        "--threads",
                        "--device",
                        "--duration",
                        "--until-end")
                .add(
                        "Batching",
                        "--max-wait",
                        "--shuffle-buffer",
                        "--max-per-source",
                        "--source-span",
                        "--false-negative-span")
                .add(
                        "Checkpoints and versions",
                        "--model-dir",
                        "--checkpoint-every",
                        "--checkpoint-interval",
                        "--keep-versions")
                .add(
                        "Probes in versions",
                        "--probe-labels-topic",
                        "--probe-windows-topic",
                        "--probe-held-out",
                        "--probe-windows",
                        "--probe-min-windows")
                .add("Topics", "--models-topic", "--dlq-topic")
                .add("Metrics", "--metrics-port");
    }

    @Override
    public Integer call() throws Exception {
        TorchThreads.set(threads);
        try {
            System.err.println("train: device " + device.resolve());
        } catch (IllegalArgumentException e) {
            System.err.println("train: " + e.getMessage());
            return 2;
        }
        OnlineTrainer.Options o = new OnlineTrainer.Options();
        endpoints.applyTo(o, endpoints.trainTopic);
        o.objective = objective.id();
        o.modelDir = modelDir;
        o.checkpointEverySteps = checkpointEverySteps;
        o.checkpointEveryMs = checkpointEvery.toMillis();
        o.keepVersions = keep;
        o.batchSize = batch;
        o.maxWaitMs = maxWait.toMillis();
        o.shuffleBuffer = shuffle;
        o.maxPerSourceSpan = perSource;
        o.sourceSpanMs = sourceSpan.toMillis();
        o.falseNegativeSpanMs = fnSpan.toMillis();
        o.lr = lr;
        o.wd = wd;
        o.seed = seed;
        o.metricsPort = metricsPort;
        o.durationMs = duration.toMillis();
        o.probeLabelsTopic = probeLabelsTopic;
        o.probeWindowsTopic = probeWindowsTopic;
        o.probeHeldOutPercent = probeHeldOut;
        o.probeMaxWindows = probeWindows;
        o.probeMinWindows = probeMinWindows;
        o.bounded = untilEnd;
        o.device = device;
        if (objective == Objective.DIMML) {
            System.err.println(
                    "train: dimml needs robot.labels and is not online yet; use comm, decur, cross or crossself");
            return 2;
        }
        OnlineTrainer t = new OnlineTrainer(o, msg -> System.err.println("train: " + msg));
        Runtime.getRuntime().addShutdownHook(new Thread(t::stop));
        OnlineTrainer.Result r = t.run();
        System.out.printf(
                "train: %d steps, %d pairs, %.1f pairs/s, loss %.4f, %d dead letters, %d skipped steps, %d versions%n",
                r.steps(),
                r.pairsTrained(),
                r.pairsPerSecond(),
                r.lastLoss(),
                r.deadLetters(),
                r.skippedSteps(),
                r.published().size());
        for (ModelVersion v : r.published()) System.out.println("  " + v.getVersion() + " " + v.getArtifactUri());
        return 0;
    }
}
