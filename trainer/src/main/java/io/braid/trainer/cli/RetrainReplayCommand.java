package io.braid.trainer.cli;

import io.braid.avro.ModelVersion;
import io.braid.avro.ReplayRange;
import io.braid.cli.support.Durations;
import io.braid.cli.support.HelpSections;
import io.braid.cli.support.ProgressLine;
import io.braid.trainer.model.LocalModelStore;
import io.braid.trainer.online.Checkpoint;
import io.braid.trainer.online.OnlineTrainer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code braid replay}: retrains on an event-time range of mm.train as a bounded, deterministic job (see
 * {@link OnlineTrainer.Options#bounded}) and publishes versions whose {@code replay_range} names the range.
 *
 * <p>mm.train's Kafka timestamps are the Flink job's write time, not event time, so the range is a filter on the
 * pairs' {@code window_end}: the job reads every partition from its beginning to its end offset at start and trains
 * only the pairs inside [from, to). {@code offsetsForTimes} on write time would be no safe lower bound: a backfill or
 * an accelerated simulator writes pairs whose event time is far from (even ahead of) the wall clock.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Retrain on an event-time range of mm.train (bounded, deterministic: the same range and seed give"
                + " the same batches and losses) and publish a version whose lineage names the range.")
public final class RetrainReplayCommand implements Callable<Integer>, HelpSections.Declared {
    @Mixin
    TrainerIo endpoints = new TrainerIo();

    /** Re-runs the Flink job over the raw topics into replay-namespaced topics; returns the rebuilt train topic. */
    public interface Rebuilder {
        String rebuild(String id, String bootstrap, String registry, Instant from, Instant to) throws Exception;
    }

    private final Rebuilder rebuilder;

    /** Without a rebuilder (this module's own entry point): {@code --rebuild} is refused. */
    public RetrainReplayCommand() {
        this(null);
    }

    public RetrainReplayCommand(Rebuilder rebuilder) {
        this.rebuilder = rebuilder;
    }

    @Option(
            names = "--from",
            required = true,
            description = "inclusive start of the event-time range (window_end; ISO-8601 instant or epoch ms)")
    String from;

    @Option(
            names = "--to",
            required = true,
            description = "exclusive end of the event-time range (ISO-8601 instant or epoch ms)")
    String to;

    @Option(
            names = "--objective",
            defaultValue = "comm",
            converter = Objective.Converter.class,
            description = "comm | decur | cross | crossself (default: ${DEFAULT-VALUE})")
    Objective objective;

    @Option(names = "--seed", defaultValue = "7", description = "init and shuffle seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--from-model",
            description = "start from this version's parameters (in --from-model-dir) instead of a fresh init")
    String fromModel;

    @Option(
            names = "--from-model-dir",
            defaultValue = "models",
            description = "model store holding --from-model (default: ${DEFAULT-VALUE})")
    Path fromModelDir;

    @Option(
            names = "--model-dir",
            description = "model store of the replay's checkpoints; an existing one is resumed"
                    + " (default: replay-models/<objective>-<from>-<to>-s<seed>)")
    Path modelDir;

    @Option(
            names = "--rebuild",
            description = "first re-run the Flink job (bounded) over the raw input topics into replay.<id>.* topics,"
                    + " then train from replay.<id>.mm.train")
    boolean rebuild;

    @Option(names = "--batch-size", defaultValue = "64", description = "pairs per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--shuffle-buffer",
            defaultValue = "256",
            description = "pairs buffered to mix sources before drawing a batch (default: ${DEFAULT-VALUE})")
    int shuffle;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "100",
            description = "checkpoint and publish a version every N steps, and at the end (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--lr", defaultValue = "1e-3", description = "AdamW learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--threads", defaultValue = "1", description = "torch intra-op threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("Range", "--from", "--to", "--rebuild")
                .add("Model", "--objective", "--seed", "--from-model", "--from-model-dir", "--model-dir")
                .add("Training", "--batch-size", "--shuffle-buffer", "--checkpoint-every", "--lr", "--threads")
                .add(
                        "Kafka",
                        "--bootstrap-servers",
                        "--schema-registry-url",
                        "--train-topic",
                        "--models-topic",
                        "--dlq-topic");
    }

    @Override
    public Integer call() throws Exception {
        long now = System.currentTimeMillis();
        Instant t1 = Instant.ofEpochMilli(Durations.parseInstant(from, now));
        Instant t2 = Instant.ofEpochMilli(Durations.parseInstant(to, now));
        if (!t1.isBefore(t2)) {
            System.err.println("replay: --from " + t1 + " must be before --to " + t2);
            return 2;
        }
        if (objective == Objective.DIMML) {
            System.err.println("replay: dimml is not online yet; use comm, decur, cross or crossself");
            return 2;
        }
        String id = objective.id() + "-" + t1.toEpochMilli() + "-" + t2.toEpochMilli() + "-s" + seed;
        String topic = endpoints.trainTopic;
        if (rebuild) {
            if (rebuilder == null) {
                System.err.println("replay: --rebuild needs the Flink job: run it through ./braid replay");
                return 2;
            }
            topic = rebuilder.rebuild(id, endpoints.kafka.bootstrap, endpoints.kafka.registry, t1, t2);
        }
        TorchThreads.set(threads);
        OnlineTrainer.Options o = new OnlineTrainer.Options();
        endpoints.applyTo(o, topic);
        o.objective = objective.id();
        o.seed = seed;
        o.modelDir = modelDir != null ? modelDir : Path.of("replay-models", id);
        o.batchSize = batch;
        o.shuffleBuffer = shuffle;
        o.checkpointEverySteps = checkpointEvery;
        o.checkpointEveryMs = Long.MAX_VALUE; // wall-time checkpoints would not change batches, but keep runs alike
        o.lr = lr;
        o.metricsPort = -1;
        o.bounded = true;
        o.eventFromMs = t1.toEpochMilli();
        o.eventToMs = t2.toEpochMilli();
        if (fromModel != null) o.initFrom = Checkpoint.open(new LocalModelStore(fromModelDir).read(fromModel));
        o.replayRange = ReplayRange.newBuilder()
                .setFrom(t1)
                .setTo(t2)
                .setSourceTopic(topic)
                .setRebuilt(rebuild)
                .setFromModel(fromModel)
                .build();
        ProgressLine progress = ProgressLine.stderr(Duration.ofSeconds(10));
        o.progress = (f, detail) -> progress.progress("replay " + t1 + " .. " + t2, f, detail);
        OnlineTrainer t = new OnlineTrainer(o, msg -> progress.println("replay: " + msg));
        Runtime.getRuntime().addShutdownHook(new Thread(t::stop));
        OnlineTrainer.Result r = t.run();
        progress.finish();
        System.out.printf(
                "replay: %d steps, %d pairs, loss %.4f, %d dead letters, %d versions, model dir %s%n",
                r.steps(),
                r.pairsTrained(),
                r.lastLoss(),
                r.deadLetters(),
                r.published().size(),
                o.modelDir);
        for (ModelVersion v : r.published()) System.out.println("  " + v.getVersion() + " " + v.getArtifactUri());
        return 0;
    }
}
