package io.braid.bench;

import io.braid.avro.TrainingPair;
import io.braid.cli.support.DurationConverter;
import io.braid.cli.support.HelpSections;
import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.serde.SerdeConfig;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import io.braid.topics.Topics;
import io.braid.trainer.cli.BenchTrainCommand;
import io.braid.trainer.cli.TorchThreads;
import io.braid.trainer.online.OnlineTrainer;
import io.braid.trainer.online.SimulatedPairs;
import io.braid.trainer.online.TrainerMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The online trainer against its offline speed: TrainingPairs (built from the simulator, no Flink job) fed to an
 * in-JVM broker at the demo's rate for {@code --duration} (the lag must not grow), then a pre-filled backlog trained
 * as fast as the trainer goes (saturation), against {@code bench train}'s offline pairs/s of the same model config and
 * batch size measured in the same run; native memory (RSS − the JVM's committed heap and non-heap, after GC) of the
 * paced trainer from the end of its warm-up to the end of its run, with the broker and registry in a child JVM.
 */
@Command(
        name = "trainer",
        mixinStandardHelpOptions = true,
        description = "Benchmark the online trainer on mm.train: paced lag, saturation pairs/s vs offline, memory.")
public final class BenchTrainerCommand implements Callable<Integer>, HelpSections.Declared {
    @Option(
            names = "--duration",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "Length of the paced phase (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            names = "--rate",
            defaultValue = "32",
            description = "Pairs/s of the paced phase: what ./braid demo's defaults put on mm.train"
                    + " (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--sources",
            defaultValue = "32",
            description = "Robots the pairs come from, as in the demo (default: ${DEFAULT-VALUE}).")
    int sources;

    @Option(
            names = "--saturation-pairs",
            defaultValue = "6000",
            description = "Backlog written before the saturation phase (default: ${DEFAULT-VALUE}).")
    int saturationPairs;

    @Option(
            names = "--batch-size",
            defaultValue = "32",
            description = "Pairs per step, online and offline; the demo's default (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--objective", defaultValue = "comm", description = "Objective (default: ${DEFAULT-VALUE}).")
    String objective;

    @Option(
            names = "--offline-steps",
            defaultValue = "60",
            description = "Timed steps of each offline measurement (default: ${DEFAULT-VALUE}).")
    int offlineSteps;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("Load", "--duration", "--rate", "--sources", "--saturation-pairs")
                .add("Model", "--objective", "--batch-size", "--offline-steps", "--seed");
    }

    /** One lag sample of the paced phase. */
    private record Sample(double minutes, double lag) {}

    @Override
    public Integer call() throws Exception {
        if (rate <= 0 || sources < 1 || batch < 2 || saturationPairs < 10 * batch || duration.toSeconds() < 30) {
            System.err.println("bench trainer: --rate > 0, --sources >= 1, --batch-size >= 2, --saturation-pairs >= 10"
                    + " batches and --duration >= 30s");
            return 2;
        }
        // as in the demo: one intra-op thread, the other core decodes (poll thread) and feeds
        TorchThreads.set(1);
        List<AutoCloseable> owned = new ArrayList<>();
        Path models = Files.createTempDirectory("braid-bench-trainer-");
        try {
            System.err.println("bench trainer: offline pairs/s (bench train's measurement, batch " + batch + ") ...");
            double offline0 = BenchTrainCommand.offlinePairsPerSecond(objective, batch, offlineSteps, 5, seed);
            System.err.printf(Locale.ROOT, "bench trainer: offline %.1f pairs/s%n", offline0);

            // the broker runs in a child JVM: in this one it would add its heap, threads and mapped files to the
            // RSS whose growth the memory figure is about
            System.err.println("bench trainer: starting a Kafka broker and registry in a child JVM ...");
            BrokerProcess broker = BrokerProcess.start();
            owned.add(0, broker);
            String run = "bench." + Long.toString(System.currentTimeMillis(), 36);
            String train = run + ".train", modelsTopic = run + ".models", dlq = run + ".dlq";
            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()))) {
                TopicCatalog.ensure(
                        admin,
                        List.of(
                                new TopicSpec(train, 2, (short) 1, Map.of()),
                                new TopicSpec(modelsTopic, 1, (short) 1, Map.of()),
                                new TopicSpec(dlq, 1, (short) 1, Map.of())));
            }
            Feeder feeder = new Feeder(broker.bootstrapServers(), broker.registryUrl(), train);
            owned.add(0, feeder);

            // paced phase: the demo's rate, the trainer keeps up or the lag grows
            long pacedMs = duration.toMillis();
            System.err.printf(
                    Locale.ROOT,
                    "bench trainer: paced phase: %.1f pairs/s from %d sources for %d s ...%n",
                    rate,
                    sources,
                    pacedMs / 1000);
            OnlineTrainer paced = new OnlineTrainer(options(broker, train, modelsTopic, dlq, models, 0), m -> {
                if (!m.startsWith("published")) System.err.println("bench trainer: trainer: " + m);
            });
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread t = trainerThread(paced, failed, new AtomicReference<>());
            t.start();
            List<Sample> samples = new ArrayList<>();
            double[] memStart = null;
            long warmupMs = Math.min(60_000, pacedMs / 5);
            long t0 = System.nanoTime(), nextMem = 0;
            long sent = 0, lastReport = 0;
            while (true) {
                long el = (System.nanoTime() - t0) / 1_000_000;
                if (el >= pacedMs || failed.get() != null) break;
                long due = (long) (rate * el / 1000.0);
                while (sent < due) feeder.send(sent++, sources);
                TrainerMetrics m = paced.metrics();
                if (el >= warmupMs && m != null) {
                    samples.add(new Sample(el / 60_000.0, m.snapshot().lagRecords()));
                    if (memStart == null) {
                        memStart = BenchTrainCommand.memory();
                        System.err.printf(
                                Locale.ROOT,
                                "bench trainer: after %d s warm-up: RSS %.0f MB, native %.0f MB%n",
                                el / 1000,
                                memStart[0],
                                memStart[1]);
                        nextMem = el + 60_000;
                    } else if (el >= nextMem) {
                        double[] mem = BenchTrainCommand.memory();
                        System.err.printf(
                                Locale.ROOT,
                                "bench trainer: %d s: RSS %.0f MB, native %.0f MB%n",
                                el / 1000,
                                mem[0],
                                mem[1]);
                        nextMem = el + 60_000;
                    }
                }
                if (el - lastReport >= 15_000 && m != null) {
                    TrainerMetrics.Snapshot s = m.snapshot();
                    System.err.printf(
                            Locale.ROOT,
                            "bench trainer: %3d s sent %d trained %.0f lag %.0f records (%.1f s event time), loss %.4f,"
                                    + " %.1f pairs/s, step %.1f ms%n",
                            el / 1000,
                            sent,
                            s.pairs(),
                            s.lagRecords(),
                            s.lagSeconds(),
                            s.loss(),
                            s.pairsPerSecond(),
                            1000 * s.meanStepSeconds());
                    lastReport = el;
                }
                Thread.sleep(100);
            }
            // native memory of one long-running trainer: from the end of its warm-up to the end of its paced run
            // (the saturation phase starts a second trainer and writes a backlog, which is not steady state)
            double[] memEnd = BenchTrainCommand.memory();
            paced.stop();
            t.join(120_000);
            if (failed.get() != null) throw new IllegalStateException("the trainer failed", failed.get());
            double growth = slope(samples);
            double lagMean = samples.stream().mapToDouble(Sample::lag).average().orElse(Double.NaN);
            double lagMax = samples.stream().mapToDouble(Sample::lag).max().orElse(Double.NaN);
            System.err.printf(
                    Locale.ROOT,
                    "bench trainer: paced: %d pairs sent, lag mean %.1f max %.0f records, growth %.2f records/min%n",
                    sent,
                    lagMean,
                    lagMax,
                    growth);

            // saturation: a backlog on the topic, the trainer resumes from the paced run's checkpoint and drains it
            System.err.printf(Locale.ROOT, "bench trainer: writing a backlog of %d pairs ...%n", saturationPairs);
            for (int i = 0; i < saturationPairs; i++) feeder.send(sent++, sources);
            feeder.flush();
            OnlineTrainer sat = new OnlineTrainer(options(broker, train, modelsTopic, dlq, models, 3_000), m -> {
                if (m.startsWith("skipped") || m.startsWith("resuming"))
                    System.err.println("bench trainer: saturation trainer: " + m);
            });
            AtomicReference<OnlineTrainer.Result> satResult = new AtomicReference<>();
            Thread ts = trainerThread(sat, failed, satResult);
            ts.start();
            // rate between 10 % and 90 % of the backlog trained: start-up and the final partial batches excluded
            double lo = 0.1 * saturationPairs, hi = 0.9 * saturationPairs;
            long tLo = 0, tHi = 0;
            double pLo = 0, pHi = 0;
            while (ts.isAlive() && tHi == 0) {
                TrainerMetrics m = sat.metrics();
                if (m != null) {
                    double p = m.snapshot().pairs();
                    long now = System.nanoTime();
                    if (tLo == 0 && p >= lo) {
                        tLo = now;
                        pLo = p;
                    } else if (tLo != 0 && p >= hi) {
                        tHi = now;
                        pHi = p;
                    }
                }
                Thread.sleep(20);
            }
            ts.join(300_000);
            if (failed.get() != null) throw new IllegalStateException("the trainer failed", failed.get());
            if (tHi == 0) throw new IllegalStateException("the saturation run ended before 90 % of the backlog");
            double online = (pHi - pLo) / ((tHi - tLo) / 1e9);

            System.err.println("bench trainer: offline pairs/s again (same run, after the online phases) ...");
            double offline1 = BenchTrainCommand.offlinePairsPerSecond(objective, batch, offlineSteps, 5, seed);
            // the better offline figure: the least disturbed by the other jobs on the machine, a conservative ratio
            double offline = Math.max(offline0, offline1);
            double ratio = online / offline;
            double nativeGrowth = memStart == null ? Double.NaN : 100 * (memEnd[1] - memStart[1]) / memStart[1];
            OnlineTrainer.Result sr = satResult.get();
            System.out.printf(
                    Locale.ROOT,
                    "paced     %.1f pairs/s from %d sources for %d s: lag mean %.1f, max %.0f records; growth %.2f"
                            + " records/min (least squares after %d s warm-up)%n",
                    rate,
                    sources,
                    pacedMs / 1000,
                    lagMean,
                    lagMax,
                    growth,
                    warmupMs / 1000);
            System.out.printf(
                    Locale.ROOT,
                    "saturated %.1f pairs/s (10-90 %% of a %d-pair backlog), batch %d, %d steps, %d versions%n",
                    online,
                    saturationPairs,
                    batch,
                    sr == null ? 0 : sr.steps(),
                    sr == null ? 0 : sr.published().size());
            System.out.printf(
                    Locale.ROOT,
                    "offline   %.1f pairs/s (bench train's Pretrainer, %s, batch %d; before %.1f, after %.1f)%n",
                    offline,
                    objective,
                    batch,
                    offline0,
                    offline1);
            if (memStart != null)
                System.out.printf(
                        Locale.ROOT,
                        "memory    RSS %.0f -> %.0f MB, native (RSS - committed heap and non-heap, after GC) %.0f -> %.0f MB%n",
                        memStart[0],
                        memEnd[0],
                        memStart[1],
                        memEnd[1]);
            System.out.printf(
                    Locale.ROOT,
                    "RESULT trainer pairs_per_s=%.1f offline_ratio=%.3f lag_growth_per_min=%.2f"
                            + " native_rss_growth_pct=%.2f%n",
                    online,
                    ratio,
                    growth,
                    nativeGrowth);
            return 0;
        } finally {
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // shutting down
                }
            }
            try (Stream<Path> s = Files.walk(models)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private OnlineTrainer.Options options(
            BrokerProcess broker, String train, String modelsTopic, String dlq, Path models, long idleStopMs) {
        OnlineTrainer.Options o = new OnlineTrainer.Options();
        o.bootstrapServers = broker.bootstrapServers();
        o.registryUrl = broker.registryUrl();
        o.trainTopic = train;
        o.modelsTopic = modelsTopic;
        o.dlqTopic = dlq;
        o.objective = objective;
        o.seed = seed;
        o.modelDir = models;
        // the demo's batching
        o.batchSize = batch;
        o.minBatch = Math.min(8, batch);
        o.shuffleBuffer = Math.max(4 * batch, 64);
        o.checkpointEverySteps = Integer.MAX_VALUE;
        o.checkpointEveryMs = 60_000;
        o.metricsPort = -1;
        o.idleStopMs = idleStopMs;
        return o;
    }

    private static Thread trainerThread(
            OnlineTrainer t, AtomicReference<Throwable> failed, AtomicReference<OnlineTrainer.Result> result) {
        Thread th = new Thread(
                () -> {
                    try {
                        result.set(t.run());
                    } catch (Throwable e) {
                        failed.compareAndSet(null, e);
                    }
                },
                "bench-trainer");
        th.setDaemon(true);
        return th;
    }

    /** Least-squares slope of lag over time, records per minute. */
    static double slope(List<Sample> s) {
        int n = s.size();
        if (n < 2) return Double.NaN;
        double mx = 0, my = 0;
        for (Sample x : s) {
            mx += x.minutes();
            my += x.lag();
        }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0;
        for (Sample x : s) {
            sxy += (x.minutes() - mx) * (x.lag() - my);
            sxx += (x.minutes() - mx) * (x.minutes() - mx);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }

    /**
     * Writes the n-th pair: source {@code n % sources}, one 1 s window after another per source, the views from a
     * pool of simulated ticks (building a pair costs little next to a training step).
     */
    private final class Feeder implements AutoCloseable {
        static final int POOL = 1024;
        private final SimulatedDataset data = SimulatedDataset.generate(DatasetSpec.defaults(seed, POOL));
        private final KafkaProducer<byte[], byte[]> producer;
        private final Serializer<TrainingPair> serializer;
        private final String topic;
        private final long start = System.currentTimeMillis() / 1000 * 1000;

        Feeder(String bootstrap, String registryUrl, String topic) {
            this.topic = topic;
            Map<String, Object> c = Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap,
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.LINGER_MS_CONFIG,
                    5,
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                    TopicCatalog.DERIVED_MAX_MESSAGE_BYTES);
            producer = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
            serializer = Topics.TRAIN
                    .valueSerde(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl))
                    .serializer();
        }

        void send(long n, int sources) {
            String source = "robot-" + (n % sources);
            long windowEnd = start + (n / sources + 1) * 1000L;
            TrainingPair p = SimulatedPairs.pair(
                    data, (int) (n % POOL), source, windowEnd, SimulatedPairs.all(), SimulatedPairs.all());
            producer.send(new ProducerRecord<>(
                    topic, null, windowEnd, source.getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, p)));
        }

        void flush() {
            producer.flush();
        }

        @Override
        public void close() {
            serializer.close();
            producer.close(Duration.ofSeconds(10));
        }
    }
}
