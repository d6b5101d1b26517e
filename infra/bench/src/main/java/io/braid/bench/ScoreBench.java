package io.braid.bench;

import io.braid.avro.Embedding;
import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.serde.SerdeConfig;
import io.braid.text.Tokenizer;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import io.braid.topics.Topics;
import io.braid.trainer.cli.TorchThreads;
import io.braid.trainer.model.InferenceModel;
import io.braid.trainer.model.LocalModelStore;
import io.braid.trainer.model.ModelConfig;
import io.braid.trainer.model.ModelStore;
import io.braid.trainer.online.OnlineLearner;
import io.braid.trainer.online.SimulatedPairs;
import io.braid.trainer.online.StepGuard;
import io.braid.trainer.score.ScoringApp;
import io.braid.trainer.score.ScoringOptions;
import io.braid.trainer.score.WindowScorer;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The core of {@code bench score}, on a broker and registry it is given: a real checkpoint of the default CoMM model
 * published on a models topic, one {@link ScoringApp} (exactly_once_v2) on its own topics, and a read_committed
 * reader of its embeddings. Phases, one after the other on the same app: warm-up, saturation (a backlog written while
 * the app is paused, then scored as fast as it goes), paced latency, freshness at the demo's rate; and, without Kafka,
 * {@link WindowScorer#score} on the same windows one at a time vs micro-batched.
 */
public final class ScoreBench {
    /** The bench's load and the scorer's latency settings. */
    public record Settings(
            double rate,
            Duration pacedDuration,
            Duration warmup,
            int saturationWindows,
            Duration freshnessDuration,
            int robots,
            int compareWindows,
            int partitions,
            int maxBatchSize,
            Duration maxBatchWait,
            Duration commitInterval,
            Duration saturationBatchWait,
            Duration saturationCommitInterval,
            int torchThreads,
            int streamThreads,
            long seed) {}

    /** Nearest-rank percentiles of one sample, in ms. */
    public record Percentiles(int n, double p50, double p99, double max) {
        static Percentiles of(List<Double> values) {
            if (values.isEmpty()) return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN);
            double[] v =
                    values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Percentiles(v.length, rank(v, 0.50), rank(v, 0.99), v[v.length - 1]);
        }

        private static double rank(double[] sorted, double q) {
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }

        String text() {
            return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms (n %d)", p50, p99, max, n);
        }
    }

    /** Every figure of one run. */
    public record Result(
            Settings settings,
            String modelConfig,
            double pacedRate,
            Percentiles pacedScorer,
            Percentiles pacedEndToEnd,
            int saturationWindows,
            double saturationSeconds,
            double maxWindowsPerS,
            double lowLatencySaturationSeconds,
            double lowLatencyMaxWindowsPerS,
            double freshRate,
            Percentiles freshScorer,
            Percentiles freshness,
            double batchVsSingleMaxAbsDiff,
            double singleWindowsPerS,
            double batchedWindowsPerS,
            long duplicates,
            double deadLetters) {

        public String resultLine() {
            return String.format(
                    Locale.ROOT,
                    "RESULT score p50_ms=%.1f p99_ms=%.1f e2e_p50_ms=%.1f e2e_p99_ms=%.1f max_windows_per_s=%.0f"
                            + " freshness_p50_ms=%.1f freshness_p99_ms=%.1f batch_vs_single_max_abs_diff=%.3g"
                            + " paced_windows_per_s=%.1f offline_batched_windows_per_s=%.0f"
                            + " max_windows_per_s_low_latency_settings=%.0f",
                    pacedScorer.p50,
                    pacedScorer.p99,
                    pacedEndToEnd.p50,
                    pacedEndToEnd.p99,
                    maxWindowsPerS,
                    freshness.p50,
                    freshness.p99,
                    batchVsSingleMaxAbsDiff,
                    pacedRate,
                    batchedWindowsPerS,
                    lowLatencyMaxWindowsPerS);
        }

        public void print(PrintStream out) {
            Settings s = settings;
            out.printf(
                    Locale.ROOT,
                    "model     %s (untrained step-0 checkpoint; inference cost does not depend on the weights)%n",
                    modelConfig);
            out.printf(
                    Locale.ROOT,
                    "scorer    exactly_once_v2, %d partitions, max batch %d, max batch wait %d ms, commit.interval.ms"
                            + " %d, poll.ms %d, %d torch thread(s), %d stream thread(s), GC %s%n",
                    s.partitions,
                    s.maxBatchSize,
                    s.maxBatchWait.toMillis(),
                    s.commitInterval.toMillis(),
                    pollMs(s),
                    s.torchThreads,
                    s.streamThreads,
                    ManagementFactory.getGarbageCollectorMXBeans().stream()
                            .map(GarbageCollectorMXBean::getName)
                            .toList());
            out.printf(
                    Locale.ROOT,
                    "paced     %.1f windows/s for %d s (target %.0f):%n",
                    pacedRate,
                    s.pacedDuration.toSeconds(),
                    s.rate);
            out.println("  scorer latency (Embedding.latency_ms: read -> output produced)   " + pacedScorer.text());
            out.println("  end to end (produce -> readable by a read_committed consumer)    " + pacedEndToEnd.text());
            out.printf(
                    Locale.ROOT,
                    "saturated %.0f windows/s: a backlog of %d windows, first to last output (scored_at) %.2f s, on a"
                            + " second scorer with max batch wait %d ms, commit.interval.ms %d%n",
                    maxWindowsPerS,
                    saturationWindows,
                    saturationSeconds,
                    s.saturationBatchWait.toMillis(),
                    s.saturationCommitInterval.toMillis());
            out.printf(
                    Locale.ROOT,
                    "          %.0f windows/s (%.2f s) with the latency settings above"
                            + " on the same kind of backlog%n",
                    lowLatencyMaxWindowsPerS,
                    lowLatencySaturationSeconds);
            out.printf(
                    Locale.ROOT,
                    "freshness %.1f windows/s (%d robots, one window each per second, window_end = now) for %d s:%n",
                    freshRate,
                    s.robots,
                    s.freshnessDuration.toSeconds());
            out.println("  window end -> readable by a read_committed consumer             " + freshness.text());
            out.println("  scorer latency (Embedding.latency_ms)                            " + freshScorer.text());
            out.printf(
                    Locale.ROOT,
                    "batching  WindowScorer.score on %d windows: batch 1 %.0f windows/s, batch %d %.0f windows/s"
                            + " (x%.2f); fused vectors max abs diff %.3g%n",
                    s.compareWindows,
                    singleWindowsPerS,
                    s.maxBatchSize,
                    batchedWindowsPerS,
                    batchedWindowsPerS / singleWindowsPerS,
                    batchVsSingleMaxAbsDiff);
            out.printf(
                    Locale.ROOT,
                    "ratios    saturated / offline batched %.2f; paced p99 / target 10 ms %.2f; saturated / target"
                            + " 2000 windows/s %.2f%n",
                    maxWindowsPerS / batchedWindowsPerS,
                    pacedScorer.p99 / 10.0,
                    maxWindowsPerS / 2000.0);
            out.printf(Locale.ROOT, "checks    duplicates %d, dead letters %.0f%n", duplicates, deadLetters);
        }
    }

    private ScoreBench() {}

    static long pollMs(Settings s) {
        return Math.max(1, Math.min(s.maxBatchWait.toMillis(), s.commitInterval.toMillis()));
    }

    /** Runs every phase against {@code clientProps}' broker and {@code registryUrl}; progress goes to {@code log}. */
    public static Result run(Settings s, Properties clientProps, String registryUrl, PrintStream log) throws Exception {
        TorchThreads.set(s.torchThreads);
        String bootstrap = clientProps.getProperty("bootstrap.servers");
        Path dir = Files.createTempDirectory("braid-bench-score-");
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            SimulatedDataset data = SimulatedDataset.generate(DatasetSpec.defaults(s.seed, 256));
            ModelConfig cfg = ModelConfig.defaults(
                    ModelConfig.COMM, Tokenizer.defaultTokenizer().vocabularySize(), s.seed);
            log.println("bench score: writing a checkpoint of the default CoMM model ...");
            LocalModelStore store = new LocalModelStore(dir.resolve("models"));
            long created = System.currentTimeMillis();
            ModelStore.Artifact artifact;
            try (OnlineLearner l = new OnlineLearner(
                    store, cfg, Tokenizer.VERSION, "bench", 1e-3, 1e-2, s.seed, new StepGuard(5, 3), m -> {})) {
                artifact = l.checkpoint(created).artifact();
            }
            ModelVersion version = ModelVersion.newBuilder()
                    .setVersion(artifact.name())
                    .setObjective(ModelConfig.COMM)
                    .setArtifactUri(artifact.uri())
                    .setSha256(artifact.sha256())
                    .setCreatedAt(Instant.ofEpochMilli(created))
                    .setTrainedThrough(Instant.ofEpochMilli(created))
                    .setOffsets(List.of())
                    .setConfigJson(cfg.toJson())
                    .build();
            String modelText = String.format(
                    Locale.ROOT, "comm d=%d fusion layers %d heads %d", cfg.d(), cfg.fusionLayers(), cfg.fusionHeads());

            // 4. micro-batched vs one at a time, no Kafka
            log.printf(
                    Locale.ROOT,
                    "bench score: WindowScorer.score on %d windows, batch 1 vs %d ...%n",
                    s.compareWindows,
                    s.maxBatchSize);
            double[] compare = compare(s, data, version, Path.of(URI.create(artifact.uri())));

            String run = "bench-score." + Long.toString(System.currentTimeMillis(), 36);
            String windows = run + ".windows", models = run + ".models", embeddings = run + ".embeddings";
            String predictions = run + ".predictions", dlq = run + ".dlq";
            try (Admin admin = Admin.create(clientProps)) {
                TopicCatalog.ensure(
                        admin,
                        List.of(
                                new TopicSpec(windows, s.partitions, (short) 1, Map.of()),
                                new TopicSpec(models, 1, (short) 1, Map.of()),
                                new TopicSpec(embeddings, s.partitions, (short) 1, Map.of()),
                                new TopicSpec(predictions, s.partitions, (short) 1, Map.of()),
                                new TopicSpec(dlq, 1, (short) 1, Map.of())));
            }
            Map<String, Object> serde = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
            Feeder feeder = new Feeder(bootstrap, serde, windows, data);
            owned.add(0, feeder);
            feeder.publish(models, version);
            Reader reader = new Reader(clientProps, serde, embeddings, s.partitions);
            owned.add(0, reader);

            ScoringOptions.Builder ob = ScoringOptions.defaults().toBuilder();
            ob.bootstrapServers = bootstrap;
            ob.registryUrl = registryUrl;
            ob.applicationId = run + ".scorer";
            ob.windowsTopic = windows;
            ob.modelsTopic = models;
            ob.embeddingsTopic = embeddings;
            ob.predictionsTopic = predictions;
            ob.dlqTopic = dlq;
            ob.maxBatchSize = s.maxBatchSize;
            ob.maxBatchWait = s.maxBatchWait;
            ob.streamThreads = s.streamThreads;
            ob.maxWaitingWindows = Math.max(ob.maxWaitingWindows, s.saturationWindows + s.maxBatchSize);
            ob.modelStoreDir = store.dir();
            ob.metricsPort = -1;
            ob.stateDir = dir.resolve("state");
            log.println("bench score: starting the scorer ...");
            ScoringApp app = ScoringApp.start(
                    ob.build(), overrides(s), Duration.ofSeconds(90), m -> log.println("bench score: scorer: " + m));
            owned.add(0, app);
            awaitModel(app);

            log.printf(
                    Locale.ROOT, "bench score: warm-up, %.0f windows/s for %d s ...%n", s.rate, s.warmup.toSeconds());
            int warm = feeder.pace("warm", s.rate, s.warmup.toMillis(), s.robots);
            reader.await("warm", warm, 120_000);

            log.printf(
                    Locale.ROOT,
                    "bench score: saturation (latency settings), a backlog of %d windows ...%n",
                    s.saturationWindows);
            double[] satLow = saturate(app, feeder, reader, "satlow", s);

            log.printf(
                    Locale.ROOT,
                    "bench score: paced, %.0f windows/s for %d s ...%n",
                    s.rate,
                    s.pacedDuration.toSeconds());
            long p0 = System.nanoTime();
            int paced = feeder.pace("paced", s.rate, s.pacedDuration.toMillis(), s.robots);
            double pacedRate = paced / ((System.nanoTime() - p0) / 1e9);
            reader.await("paced", paced, 120_000);
            List<Reader.Seen> ps = reader.seen("paced");

            log.printf(
                    Locale.ROOT,
                    "bench score: freshness, %d robots x 1 window/s for %d s ...%n",
                    s.robots,
                    s.freshnessDuration.toSeconds());
            long f0 = System.nanoTime();
            int fresh = feeder.pace("fresh", s.robots, s.freshnessDuration.toMillis(), s.robots);
            double freshRate = fresh / ((System.nanoTime() - f0) / 1e9);
            reader.await("fresh", fresh, 120_000);
            List<Reader.Seen> fs = reader.seen("fresh");
            double deadLetters = app.metrics().snapshot().deadLetters();
            owned.remove(app);
            app.close();

            // saturation with throughput settings: a second scorer on its own windows topic, same models and outputs
            log.printf(
                    Locale.ROOT,
                    "bench score: saturation (max batch wait %d ms, commit.interval.ms %d), a backlog of %d windows"
                            + " ...%n",
                    s.saturationBatchWait.toMillis(),
                    s.saturationCommitInterval.toMillis(),
                    s.saturationWindows);
            try (Admin admin = Admin.create(clientProps)) {
                TopicCatalog.ensure(admin, List.of(new TopicSpec(windows + "-sat", s.partitions, (short) 1, Map.of())));
            }
            Feeder satFeeder = new Feeder(bootstrap, serde, windows + "-sat", data);
            owned.add(0, satFeeder);
            ob.applicationId = run + ".scorer-sat";
            ob.windowsTopic = windows + "-sat";
            ob.maxBatchWait = s.saturationBatchWait;
            ob.stateDir = dir.resolve("state-sat");
            Properties satProps = new Properties();
            satProps.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(s.saturationCommitInterval.toMillis()));
            ScoringApp satApp = ScoringApp.start(
                    ob.build(), satProps, Duration.ofSeconds(90), m -> log.println("bench score: scorer: " + m));
            owned.add(0, satApp);
            awaitModel(satApp);
            double[] sat = saturate(satApp, satFeeder, reader, "sat", s);
            deadLetters += satApp.metrics().snapshot().deadLetters();

            return new Result(
                    s,
                    modelText,
                    pacedRate,
                    Percentiles.of(ps.stream().map(Reader.Seen::latencyMs).toList()),
                    Percentiles.of(ps.stream()
                            .map(x -> (double) (x.readAt() - x.producedAt()))
                            .toList()),
                    s.saturationWindows,
                    sat[1],
                    sat[0],
                    satLow[1],
                    satLow[0],
                    freshRate,
                    Percentiles.of(fs.stream().map(Reader.Seen::latencyMs).toList()),
                    Percentiles.of(fs.stream()
                            .map(x -> (double) (x.readAt() - x.windowEnd()))
                            .toList()),
                    compare[0],
                    compare[1],
                    compare[2],
                    reader.duplicates(),
                    deadLetters);
        } finally {
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // shutting down
                }
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void awaitModel(ScoringApp app) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (app.models().current() == null) {
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("no model after 60 s");
            Thread.sleep(20);
        }
    }

    /**
     * A backlog written while {@code app} is paused, then scored as fast as it goes: {windows/s, seconds} from the
     * first to the last output's scored_at. The first batch's stamp is taken after its forward pass, so its windows
     * are not in the timed span.
     */
    private static double[] saturate(ScoringApp app, Feeder feeder, Reader reader, String phase, Settings s)
            throws InterruptedException {
        app.streams().pause();
        for (int i = 0; i < s.saturationWindows; i++) feeder.send(phase, i, s.robots, System.currentTimeMillis());
        feeder.flush();
        app.streams().resume();
        reader.await(phase, s.saturationWindows, Math.max(120_000, s.saturationWindows * 20L));
        List<Reader.Seen> sat = reader.seen(phase);
        long first = sat.stream().mapToLong(Reader.Seen::scoredAt).min().orElse(0);
        long last = sat.stream().mapToLong(Reader.Seen::scoredAt).max().orElse(0);
        long firstBatch = sat.stream().filter(x -> x.scoredAt() == first).count();
        double seconds = (last - first) / 1000.0;
        return new double[] {last > first ? (sat.size() - firstBatch) / seconds : Double.NaN, seconds};
    }

    /**
     * Kafka Streams settings for latency. Under exactly_once_v2 an output becomes visible to read_committed consumers
     * only when its transaction commits, so commit.interval.ms (100 ms by default under EOS) bounds the end-to-end
     * latency from below; poll.ms no longer than the batch wait and the commit interval, so an idle poll does not
     * delay the batch punctuator or the commit.
     */
    static Properties overrides(Settings s) {
        Properties p = new Properties();
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(s.commitInterval.toMillis()));
        p.put(StreamsConfig.POLL_MS_CONFIG, Long.toString(pollMs(s)));
        return p;
    }

    /** {max abs diff of the fused vectors, windows/s at batch 1, windows/s at the max batch size}. */
    static double[] compare(Settings s, SimulatedDataset data, ModelVersion version, Path artifact) throws Exception {
        List<WindowScorer.Input> inputs = new ArrayList<>(s.compareWindows);
        long end = System.currentTimeMillis();
        for (int i = 0; i < s.compareWindows; i++)
            inputs.add(new WindowScorer.Input(Feeder.window(data, "cmp", i, s.robots, end), end));
        try (InferenceModel model = InferenceModel.fromCheckpoint(Files.readAllBytes(artifact), version.getVersion())) {
            // warm-up of both shapes, untimed
            score(model, version, inputs.subList(0, Math.min(s.maxBatchSize, inputs.size())), 1);
            score(model, version, inputs.subList(0, Math.min(s.maxBatchSize, inputs.size())), s.maxBatchSize);
            long t0 = System.nanoTime();
            List<float[]> single = score(model, version, inputs, 1);
            long t1 = System.nanoTime();
            List<float[]> batched = score(model, version, inputs, s.maxBatchSize);
            long t2 = System.nanoTime();
            double diff = 0;
            for (int i = 0; i < single.size(); i++)
                for (int k = 0; k < single.get(i).length; k++)
                    diff = Math.max(diff, Math.abs(single.get(i)[k] - batched.get(i)[k]));
            return new double[] {diff, inputs.size() / ((t1 - t0) / 1e9), inputs.size() / ((t2 - t1) / 1e9)};
        }
    }

    private static List<float[]> score(
            InferenceModel model, ModelVersion version, List<WindowScorer.Input> inputs, int batch) {
        List<float[]> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i += batch)
            for (WindowScorer.Result r : WindowScorer.score(
                    model,
                    version,
                    inputs.subList(i, Math.min(inputs.size(), i + batch)),
                    Duration.ZERO,
                    System::currentTimeMillis)) {
                if (!(r instanceof WindowScorer.Scored sc))
                    throw new IllegalStateException("the model refused a simulated window: " + r);
                List<Float> f = sc.embedding().getFused();
                float[] a = new float[f.size()];
                for (int k = 0; k < a.length; k++) a[k] = f.get(k);
                out.add(a);
            }
        return out;
    }

    /**
     * Writes windows: the n-th of a phase comes from robot {@code n % robots}, its content from a pool of simulated
     * ticks, its window_end given (now, for freshness), its Kafka timestamp the wall time of the send (the scorer
     * copies it onto the embedding, which gives the end-to-end latency).
     */
    static final class Feeder implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final Serializer<MultimodalWindow> serializer;
        private final Serializer<ModelVersion> versions;
        private final String topic;
        private final SimulatedDataset data;

        Feeder(String bootstrap, Map<String, Object> serde, String topic, SimulatedDataset data) {
            this.topic = topic;
            this.data = data;
            producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            bootstrap,
                            ProducerConfig.ACKS_CONFIG,
                            "all",
                            ProducerConfig.LINGER_MS_CONFIG,
                            0),
                    new ByteArraySerializer(),
                    new ByteArraySerializer());
            serializer = Topics.WINDOWS.valueSerde(serde).serializer();
            versions = Topics.MODELS.valueSerde(serde).serializer();
        }

        static MultimodalWindow window(SimulatedDataset d, String phase, int n, int robots, long windowEnd) {
            String source = "robot-" + (n % robots);
            int i = n % d.size();
            return MultimodalWindow.newBuilder()
                    .setWindowId(phase + "/" + source + "@" + (windowEnd - 1000) + "/" + n)
                    .setSourceId(source)
                    .setWindowStart(Instant.ofEpochMilli(windowEnd - 1000))
                    .setWindowEnd(Instant.ofEpochMilli(windowEnd))
                    .setPipelineVersion("bench-score")
                    .setSensorSteps(SimulatedDataset.SENSOR_STEPS)
                    .setSensorChannels(SimulatedDataset.SENSOR_CHANNELS)
                    .setSensor(SimulatedPairs.floats(d.sensor(i)))
                    .setSensorGaps(Collections.nCopies(SimulatedDataset.SENSOR_STEPS, false))
                    .setImageWidth(SimulatedDataset.IMAGE_SIZE)
                    .setImageHeight(SimulatedDataset.IMAGE_SIZE)
                    .setImageChannels(3)
                    .setImage(ByteBuffer.wrap(d.image(i)))
                    .setTokens(Arrays.stream(d.tokens(i)).boxed().toList())
                    .setVocabVersion(Tokenizer.VERSION)
                    .setPresence(SimulatedPairs.all())
                    .setOffsets(List.of())
                    .build();
        }

        void publish(String modelsTopic, ModelVersion v) throws Exception {
            producer.send(new ProducerRecord<>(
                            modelsTopic,
                            v.getObjective().getBytes(StandardCharsets.UTF_8),
                            versions.serialize(modelsTopic, v)))
                    .get(30, TimeUnit.SECONDS);
        }

        void send(String phase, int n, int robots, long windowEnd) {
            MultimodalWindow w = window(data, phase, n, robots, windowEnd);
            byte[] value = serializer.serialize(topic, w);
            producer.send(new ProducerRecord<>(
                    topic, null, System.currentTimeMillis(), w.getSourceId().getBytes(StandardCharsets.UTF_8), value));
        }

        /** Sends {@code rate} windows/s for {@code ms}, each with window_end = now; returns how many. */
        int pace(String phase, double rate, long ms, int robots) throws InterruptedException {
            long t0 = System.nanoTime();
            int sent = 0;
            while (true) {
                long el = (System.nanoTime() - t0) / 1_000_000;
                if (el >= ms) break;
                long due = (long) (rate * el / 1000.0) + 1;
                while (sent < due) send(phase, sent++, robots, System.currentTimeMillis());
                Thread.sleep(1);
            }
            producer.flush();
            return sent;
        }

        void flush() {
            producer.flush();
        }

        @Override
        public void close() {
            serializer.close();
            versions.close();
            producer.close(Duration.ofSeconds(10));
        }
    }

    /**
     * Reads the embeddings with read_committed (assign + seek to the beginning, no group) on its own thread and notes,
     * per record, the wall time its poll returned; the phase is the window id's prefix.
     */
    static final class Reader implements AutoCloseable {
        record Seen(double latencyMs, long producedAt, long windowEnd, long scoredAt, long readAt) {}

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Deserializer<Embedding> deserializer;
        private final Map<String, ConcurrentLinkedQueue<Seen>> seen = new ConcurrentHashMap<>();
        private final Set<String> ids = new HashSet<>();
        private final AtomicInteger duplicates = new AtomicInteger();
        private final Thread thread;
        private volatile boolean running = true;
        private volatile Throwable failure;

        Reader(Properties clientProps, Map<String, Object> serde, String topic, int partitions) {
            Properties p = new Properties();
            p.putAll(clientProps);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            deserializer = Topics.EMBEDDINGS.valueSerde(serde).deserializer();
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) tps.add(new TopicPartition(topic, i));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            thread = new Thread(this::loop, "bench-score-reader");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            try {
                while (running) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    long readAt = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        Embedding e = deserializer.deserialize(r.topic(), r.value());
                        String id = e.getWindowId();
                        if (!ids.add(id)) duplicates.incrementAndGet();
                        seen.computeIfAbsent(id.substring(0, id.indexOf('/')), k -> new ConcurrentLinkedQueue<>())
                                .add(new Seen(
                                        e.getLatencyMs(),
                                        r.timestamp(),
                                        e.getWindowEnd().toEpochMilli(),
                                        e.getScoredAt().toEpochMilli(),
                                        readAt));
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        int count(String phase) {
            var q = seen.get(phase);
            return q == null ? 0 : q.size();
        }

        List<Seen> seen(String phase) {
            var q = seen.get(phase);
            return q == null ? List.of() : List.copyOf(q);
        }

        long duplicates() {
            return duplicates.get();
        }

        /** Waits until {@code n} embeddings of {@code phase} were read. */
        void await(String phase, int n, long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (count(phase) < n) {
                if (failure != null) throw new IllegalStateException("the embeddings reader failed", failure);
                if (System.currentTimeMillis() > deadline)
                    throw new IllegalStateException(
                            phase + ": " + count(phase) + " of " + n + " embeddings after " + timeoutMs + " ms");
                Thread.sleep(10);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5_000);
            consumer.close(Duration.ofSeconds(5));
            deserializer.close();
        }
    }
}
