package io.braid.trainer.cli;

import io.braid.cli.support.DurationConverter;
import io.braid.cli.support.HelpSections;
import io.braid.topics.TopicCatalog;
import io.braid.trainer.score.ScoringApp;
import io.braid.trainer.score.ScoringMetrics;
import io.braid.trainer.score.ScoringOptions;
import io.braid.trainer.score.StalenessPolicy;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code braid score}: the Kafka Streams scoring job (see {@link ScoringApp}); its flags are {@link ScoringOptions}. */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = "Score mm.windows into mm.embeddings and mm.predictions with the newest model on mm.models"
                + " (Kafka Streams, exactly-once, hot swap).")
public final class ScoreCommand implements Callable<Integer>, HelpSections.Declared {
    private static final ScoringOptions DEFAULTS = ScoringOptions.defaults();

    @Mixin
    KafkaEndpoints kafka = new KafkaEndpoints();

    @Option(
            names = "--application-id",
            defaultValue = "braid-scorer",
            description = "Kafka Streams application id: consumer group, state and internal topic prefix"
                    + " (default: ${DEFAULT-VALUE})")
    String applicationId;

    @Option(
            names = "--streams-config",
            description = "Kafka Streams / client properties file applied over the defaults (security, tuning)")
    Path streamsConfig;

    @Option(
            names = "--windows-topic",
            defaultValue = TopicCatalog.WINDOWS,
            description = "input windows (default: ${DEFAULT-VALUE})")
    String windowsTopic;

    @Option(
            names = "--models-topic",
            defaultValue = TopicCatalog.MODELS,
            description = "model versions, read into a global store (default: ${DEFAULT-VALUE})")
    String modelsTopic;

    @Option(
            names = "--embeddings-topic",
            defaultValue = TopicCatalog.EMBEDDINGS,
            description = "output embeddings (default: ${DEFAULT-VALUE})")
    String embeddingsTopic;

    @Option(
            names = "--predictions-topic",
            defaultValue = TopicCatalog.PREDICTIONS,
            description = "output predictions of models with class heads (default: ${DEFAULT-VALUE})")
    String predictionsTopic;

    @Option(
            names = "--dlq-topic",
            defaultValue = TopicCatalog.DLQ,
            description = "dead letters: undecodable or invalid windows, waiting-buffer overflow"
                    + " (default: ${DEFAULT-VALUE})")
    String dlqTopic;

    @Option(
            names = "--objective",
            converter = Objective.Converter.class,
            description = "score only versions of this objective (comm | decur | cross | crossself | dimml);"
                    + " default: the newest version of any")
    Objective objective;

    @Option(
            names = "--model-store-dir",
            description = "where to look for an artifact when its published path does not exist here"
                    + " (the trainer's --model-dir mounted elsewhere)")
    Path modelStoreDir;

    @Option(
            names = "--model-cache-dir",
            description = "keeps the last verified artifacts by checksum, so a restart loads without the store")
    Path modelCacheDir;

    @Option(
            names = "--max-model-age",
            defaultValue = "10m",
            converter = DurationConverter.class,
            description = "event-time staleness: window end minus the model's trained-through above this is stale;"
                    + " 0 = off (default: ${DEFAULT-VALUE})")
    Duration maxModelAge;

    @Option(
            names = "--staleness-policy",
            defaultValue = "FLAG",
            description = "FLAG: score and set stale=true | HOLD: buffer until a fresh enough model"
                    + " (default: ${DEFAULT-VALUE})")
    StalenessPolicy stalenessPolicy;

    @Option(
            names = "--max-batch-size",
            defaultValue = "32",
            description = "windows per forward pass (default: ${DEFAULT-VALUE})")
    int maxBatchSize;

    @Option(
            names = "--max-batch-wait",
            defaultValue = "100ms",
            converter = DurationConverter.class,
            description = "longest a window waits for its batch to fill (default: ${DEFAULT-VALUE})")
    Duration maxBatchWait;

    @Option(
            names = "--max-waiting-windows",
            defaultValue = "10000",
            description = "windows buffered per task while no (fresh enough) model is there; beyond it the oldest"
                    + " goes to the DLQ (default: ${DEFAULT-VALUE})")
    int maxWaitingWindows;

    @Option(
            names = "--stream-threads",
            defaultValue = "1",
            description = "Kafka Streams threads (default: ${DEFAULT-VALUE})")
    int streamThreads;

    @Option(
            names = "--threads",
            defaultValue = "1",
            description = "torch intra-op threads per forward pass (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--state-dir", description = "Kafka Streams state directory (default: Kafka Streams' own)")
    Path stateDir;

    @Option(
            names = "--metrics-port",
            defaultValue = "9405",
            description = "Prometheus endpoint port, 0 any free port, -1 off (default: ${DEFAULT-VALUE})")
    int metricsPort;

    @Option(
            names = "--duration",
            defaultValue = "0s",
            converter = DurationConverter.class,
            description = "stop after this long, 0 = run until interrupted (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(
            names = "--start-timeout",
            defaultValue = "2m",
            converter = DurationConverter.class,
            description = "longest to wait for the app to be RUNNING (default: ${DEFAULT-VALUE})")
    Duration startTimeout;

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add(
                        "Connection",
                        "--bootstrap-servers",
                        "--schema-registry-url",
                        "--application-id",
                        "--streams-config")
                .add(
                        "Topics",
                        "--windows-topic",
                        "--models-topic",
                        "--embeddings-topic",
                        "--predictions-topic",
                        "--dlq-topic")
                .add(
                        "Models",
                        "--objective",
                        "--model-store-dir",
                        "--model-cache-dir",
                        "--max-model-age",
                        "--staleness-policy")
                .add("Batching", "--max-batch-size", "--max-batch-wait", "--max-waiting-windows")
                .add("Run", "--stream-threads", "--threads", "--state-dir", "--duration", "--start-timeout")
                .add("Metrics", "--metrics-port");
    }

    /** The options these flags describe. */
    ScoringOptions options() {
        ScoringOptions.Builder b = DEFAULTS.toBuilder();
        b.bootstrapServers = kafka.bootstrap;
        b.registryUrl = kafka.registry;
        b.applicationId = applicationId;
        b.windowsTopic = windowsTopic;
        b.modelsTopic = modelsTopic;
        b.embeddingsTopic = embeddingsTopic;
        b.predictionsTopic = predictionsTopic;
        b.dlqTopic = dlqTopic;
        b.objective = objective == null ? null : objective.id();
        b.modelStoreDir = modelStoreDir;
        b.modelCacheDir = modelCacheDir;
        b.maxModelAge = maxModelAge;
        b.stalenessPolicy = stalenessPolicy;
        b.maxBatchSize = maxBatchSize;
        b.maxBatchWait = maxBatchWait;
        b.maxWaitingWindows = maxWaitingWindows;
        b.streamThreads = streamThreads;
        b.stateDir = stateDir;
        b.metricsPort = metricsPort;
        return b.build();
    }

    @Override
    public Integer call() throws Exception {
        ScoringOptions o;
        try {
            o = options();
        } catch (IllegalArgumentException e) {
            System.err.println("score: " + e.getMessage());
            return 2;
        }
        TorchThreads.set(threads);
        Properties overrides = new Properties();
        if (streamsConfig != null)
            try (InputStream in = Files.newInputStream(streamsConfig)) {
                overrides.load(in);
            }
        CountDownLatch stop = new CountDownLatch(1), closed = new CountDownLatch(1);
        // on SIGTERM the hook wakes the main thread and keeps the JVM alive until the app has committed and closed
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        closed.await(90, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "braid-score-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (ScoringApp app = ScoringApp.start(o, overrides, startTimeout, m -> System.err.println("score: " + m))) {
            System.err.println("score: running, " + o.windowsTopic() + " -> " + o.embeddingsTopic() + ", "
                    + o.predictionsTopic() + (app.metricsPort() >= 0 ? ", metrics on :" + app.metricsPort() : ""));
            if (duration.isZero()) stop.await();
            else stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            ScoringMetrics.Snapshot s = app.metrics().snapshot();
            System.out.printf(
                    Locale.ROOT,
                    "score: %.0f windows scored (%.0f stale), %.0f predictions, %.0f dead letters, %.0f model swaps,"
                            + " %.0f load failures, model %s%n",
                    s.windowsScored(),
                    s.staleWindows(),
                    s.predictions(),
                    s.deadLetters(),
                    s.swaps(),
                    s.loadFailures(),
                    app.models().current() == null
                            ? "none"
                            : app.models().current().getVersion());
        } finally {
            closed.countDown();
        }
        return 0;
    }
}
