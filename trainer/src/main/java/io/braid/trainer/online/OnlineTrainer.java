package io.braid.trainer.online;

import ai.djl.Device;
import io.braid.avro.DeadLetter;
import io.braid.avro.LinearHead;
import io.braid.avro.ModelVersion;
import io.braid.avro.SourceOffset;
import io.braid.avro.TrainingPair;
import io.braid.serde.SerdeConfig;
import io.braid.serde.WireFormatException;
import io.braid.text.Tokenizer;
import io.braid.topics.DeadLetterBound;
import io.braid.topics.TopicCatalog;
import io.braid.topics.Topics;
import io.braid.trainer.model.DeviceChoice;
import io.braid.trainer.model.LocalModelStore;
import io.braid.trainer.model.ModelConfig;
import io.braid.trainer.model.ModelStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Learns from mm.train online and publishes every checkpoint as an immutable version on mm.models.
 *
 * <p>The consumer uses {@code assign()} with no group: offsets are authoritative in the checkpoint (a restart seeks to
 * them), so a group would only add rebalances, and without group membership a slow step can never cost a session
 * timeout. A poll thread decodes and validates (bad pairs to mm.dlq with a reason) into a queue; while the queue is
 * above its high mark the partitions are paused and polling goes on. The calling thread trains (DJL's gradient
 * collector is per JVM, djl.md §5.6), checkpoints every N steps or T seconds, and publishes.
 */
public final class OnlineTrainer {
    /** Typed options with the defaults {@code ./braid train} shows. */
    public static final class Options {
        public String bootstrapServers = "localhost:9092";
        public String registryUrl = "http://localhost:8081";
        public Map<String, Object> kafka = new HashMap<>();
        public String trainTopic = TopicCatalog.TRAIN, modelsTopic = TopicCatalog.MODELS, dlqTopic = TopicCatalog.DLQ;
        public String objective = ModelConfig.COMM;
        /** null: the §6.8 defaults for {@link #objective}. */
        public ModelConfig config;

        public String vocabVersion = Tokenizer.VERSION;
        public Path modelDir = Path.of("models");
        public int batchSize = 64, minBatch = 8, shuffleBuffer = 256, maxPerSourceSpan = 4;
        public long maxWaitMs = 2000, sourceSpanMs = 10_000, falseNegativeSpanMs = 5_000;
        public double lr = 1e-3, wd = 1e-2;
        public long seed = 7;
        public int checkpointEverySteps = 100;
        public long checkpointEveryMs = 60_000;
        public int keepVersions = 5;
        public int rollbackAfter = 5, maxRollbacks = 3;
        public int queueCapacity = 1024, maxPollRecords = 256;
        /** -1: no endpoint; 0: any free port. */
        public int metricsPort = -1;
        /** 0: run until stopped. */
        public long durationMs;
        /** > 0: stop once no record arrived for this long and the buffer is drained (bounded runs, tests). */
        public long idleStopMs;
        /** false: stop like a crash, without the final checkpoint (tests of resume). */
        public boolean checkpointOnStop = true;
        /**
         * Ground truth for the probe metrics of each version (null or empty: no probes). Probes are on when this topic
         * and {@link #probeWindowsTopic} exist; the held-out windows' pairs are then not trained on ({@link ProbeSet}).
         */
        public String probeLabelsTopic = TopicCatalog.LABELS;

        public String probeWindowsTopic = TopicCatalog.WINDOWS;
        public int probeHeldOutPercent = 10, probeMaxWindows = 300, probeMinWindows = 40;

        /**
         * Bounded, deterministic run (replay, {@code train --until-end}): reads every partition up to its end offset at
         * start, merges the partitions by (event time, partition, offset) ({@link OrderedFeed}), draws batches on count
         * only ({@link PairBatcher#nextFull}), and ends with a final checkpoint. Same input, seed and checkpoint: same
         * batches, also across a crash and resume.
         */
        public boolean bounded;
        /** Only pairs whose window_end lies in [eventFromMs, eventToMs) are trained; the others are consumed. */
        public long eventFromMs = Long.MIN_VALUE, eventToMs = Long.MAX_VALUE;
        /** The lineage every published version names (replay); null online. */
        public io.braid.avro.ReplayRange replayRange;
        /** Parameters to start from when the store is empty ({@code replay --from-model}). */
        public Checkpoint.Opened initFrom;
        /** Appends "pairs-before step hash loss" per step (audit of a run; the kill and replay tests compare these). */
        public Path batchLog;
        /** Called on the training thread after every step (tests: a deliberately slow step). */
        public Consumer<OnlineLearner.StepReport> afterStep;
        /** Progress of a bounded run: the fraction of its offset range consumed, and a detail line. */
        public java.util.function.BiConsumer<Double, String> progress;

        /** CPU unless asked (DJL alone would pick a visible GPU). */
        public DeviceChoice device = DeviceChoice.CPU;

        PairBatcher.Options batching() {
            return new PairBatcher.Options(
                    batchSize,
                    minBatch,
                    Math.max(shuffleBuffer, batchSize),
                    maxWaitMs,
                    maxPerSourceSpan,
                    sourceSpanMs,
                    falseNegativeSpanMs);
        }

        ModelConfig modelConfig() {
            return config != null
                    ? config.withObjective(objective)
                    : ModelConfig.defaults(
                            objective, Tokenizer.defaultTokenizer().vocabularySize(), seed);
        }
    }

    /** What a run did. */
    public record Result(
            long steps,
            long pairsTrained,
            long deadLetters,
            long skippedSteps,
            long rollbacks,
            double pairsPerSecond,
            double lastLoss,
            List<ModelVersion> published,
            String resumedFrom,
            int metricsPort) {}

    /** An entry from the poll thread: a buffered pair, or an offset consumed without training. */
    private record Entry(PairBatcher.Item item, int partition, long offset, long eventTime) {}

    /** Interval of the live pairs/s gauge. */
    static final long LIVE_RATE_MS = 5_000;

    private final Options o;
    private final Consumer<String> log;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<Integer> metricsPort = new AtomicReference<>(-1);
    /** Set once at start when probes are on: the poll thread skips held-out pairs, checkpoints add probe metrics. */
    private volatile ProbeSet probeSet;

    private volatile VersionProbes probes;
    private final AtomicLong heldOutPairs = new AtomicLong();
    private final AtomicLong pauses = new AtomicLong(), resumes = new AtomicLong();

    private volatile TrainerMetrics liveMetrics;

    public OnlineTrainer(Options options, Consumer<String> log) {
        this.o = options;
        this.log = log;
    }

    /** Asks a running {@link #run()} to finish (final checkpoint when configured). */
    public void stop() {
        stop.set(true);
    }

    /** How often the poll thread paused / resumed mm.train because training was behind. */
    public long pauses() {
        return pauses.get();
    }

    public long resumes() {
        return resumes.get();
    }

    /** The running trainer's metrics (what the endpoint serves), null before {@link #run()} set them up. */
    public TrainerMetrics metrics() {
        return liveMetrics;
    }

    /** Bound metrics port once the run started, -1 before or when disabled. */
    public int metricsPort() {
        return metricsPort.get();
    }

    Map<String, Object> serdeConfig() {
        Map<String, Object> m = new HashMap<>();
        m.put(SerdeConfig.SCHEMA_REGISTRY_URL, o.registryUrl);
        return m;
    }

    public Result run() throws IOException, InterruptedException {
        // before any connection: --device gpu without a GPU fails here with a clear message
        Device device = o.device.resolve();
        ModelStore store = new LocalModelStore(o.modelDir);
        StepGuard guard = new StepGuard(o.rollbackAfter, o.maxRollbacks);
        try (TrainerMetrics metrics = new TrainerMetrics();
                OnlineLearner learner = new OnlineLearner(
                        store,
                        o.modelConfig(),
                        o.vocabVersion,
                        o.trainTopic,
                        o.lr,
                        o.wd,
                        o.seed,
                        guard,
                        log,
                        o.initFrom,
                        device);
                KafkaConsumer<byte[], byte[]> consumer = consumer();
                KafkaProducer<byte[], byte[]> producer = producer()) {
            if (o.metricsPort >= 0) metricsPort.set(metrics.serve(o.metricsPort));
            metrics.device.labelValues(learner.device().toString()).set(1);
            liveMetrics = metrics;
            Checkpoint.Meta resumed = learner.resumedFrom();
            if (resumed != null)
                log.accept("resuming from " + resumed.version() + " (step " + resumed.step() + ", offsets "
                        + lowWatermarks(resumed.offsets()) + ")");
            Map<Integer, Long> from = assignAndSeek(consumer, learner.ledger());
            if (resumed != null) publishIfLost(learner, producer, metrics, store, resumed, from);
            startProbes(learner);
            try {
                if (o.bounded) {
                    Map<Integer, Long> end = new java.util.TreeMap<>();
                    for (Map.Entry<TopicPartition, Long> e :
                            consumer.endOffsets(consumer.assignment()).entrySet())
                        end.put(e.getKey().partition(), e.getValue());
                    return new Bounded(learner, consumer, producer, metrics, store, from, end, resumed).run();
                }
                return loop(learner, consumer, producer, metrics, store, from, resumed);
            } finally {
                if (probeSet != null) {
                    probeSet.close();
                    log.accept("held-out probe pairs not trained: " + heldOutPairs.get());
                }
            }
        }
    }

    /** Probe set and per-version probes when the labels topic exists (before the poll thread starts). */
    private void startProbes(OnlineLearner learner) {
        if (o.probeLabelsTopic == null || o.probeLabelsTopic.isEmpty()) return;
        ProbeSet set = new ProbeSet(
                new ProbeSet.Options(o.probeWindowsTopic, o.probeLabelsTopic, o.probeHeldOutPercent, o.probeMaxWindows),
                learner.adapter(),
                log);
        if (!set.start(o.bootstrapServers, o.kafka, serdeConfig())) return;
        probeSet = set;
        probes = new VersionProbes(
                set, learner.model().config(), learner.adapter().expectation().vocabVersion(), o.probeMinWindows, log);
        log.accept("probes on: " + o.probeHeldOutPercent + " % of windows held out (not trained on), up to "
                + o.probeMaxWindows + " from " + o.probeWindowsTopic + " + " + o.probeLabelsTopic);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> c = new HashMap<>(o.kafka);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrapServers);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, o.maxPollRecords);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> c = new HashMap<>(o.kafka);
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrapServers);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Assigns every partition of mm.train and seeks to the checkpoint's low watermarks; returns the start positions. */
    private Map<Integer, Long> assignAndSeek(KafkaConsumer<byte[], byte[]> consumer, OffsetLedger ledger) {
        List<TopicPartition> tps = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (tps.isEmpty()) {
            List<PartitionInfo> ps = consumer.partitionsFor(o.trainTopic);
            if (ps != null) for (PartitionInfo p : ps) tps.add(new TopicPartition(p.topic(), p.partition()));
            if (tps.isEmpty() && System.currentTimeMillis() > deadline)
                throw new IllegalStateException("topic " + o.trainTopic + " not found on " + o.bootstrapServers);
        }
        consumer.assign(tps);
        Map<Integer, Long> from = new LinkedHashMap<>();
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps);
        for (TopicPartition tp : tps) {
            long at = ledger.seekPosition(tp.partition());
            if (at < 0) at = begin.get(tp);
            consumer.seek(tp, at);
            from.put(tp.partition(), at);
        }
        return from;
    }

    private Result loop(
            OnlineLearner learner,
            KafkaConsumer<byte[], byte[]> consumer,
            KafkaProducer<byte[], byte[]> producer,
            TrainerMetrics metrics,
            ModelStore store,
            Map<Integer, Long> from,
            Checkpoint.Meta resumed)
            throws IOException, InterruptedException {
        LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
        AtomicLong deadLetters = new AtomicLong(), newestEvent = new AtomicLong(Long.MIN_VALUE);
        AtomicReference<Throwable> pollFailure = new AtomicReference<>();
        Poller poller = new Poller(consumer, producer, learner, queue, metrics, deadLetters, newestEvent);
        Thread pollThread = startPoller(poller, pollFailure);
        BatchLog batchLog = BatchLog.open(o.batchLog);

        PairBatcher batcher = new PairBatcher(o.batching(), learner.rng());
        List<ModelVersion> published = new ArrayList<>();
        Map<Integer, Long> rangeFrom = from;
        String protect = store.list().isEmpty()
                ? null
                : store.list().get(store.list().size() - 1).name();
        long start = System.currentTimeMillis(), lastInput = start, lastCkpt = start;
        long ckptStep = learner.step(), ckptPairs = learner.pairsTrained(), totalPairs = 0;
        long runStartPairs = learner.pairsTrained();
        double pairsPerS = 0;
        long rateAt = start, ratePairs = learner.pairsTrained();
        List<Entry> drained = new ArrayList<>();
        try {
            while (!stop.get()) {
                if (pollFailure.get() != null) throw new IllegalStateException("poll thread failed", pollFailure.get());
                long now = System.currentTimeMillis();
                if (o.durationMs > 0 && now - start >= o.durationMs) break;
                // wait for input only when no full draw is possible: while the consumer is paused the queue stays
                // empty with the shuffle buffer full, and a 20 ms wait per step cost a quarter of saturated throughput
                Entry first =
                        batcher.buffered() >= o.shuffleBuffer ? queue.poll() : queue.poll(20, TimeUnit.MILLISECONDS);
                drained.clear();
                if (first != null) drained.add(first);
                queue.drainTo(drained);
                now = System.currentTimeMillis();
                if (!drained.isEmpty()) lastInput = now;
                for (Entry e : drained) {
                    if (e.item() != null) {
                        learner.ledger().buffered(e.partition(), e.offset());
                        batcher.add(e.item());
                    } else learner.ledger().passed(e.partition(), e.offset());
                }
                poller.buffered.set(batcher.buffered());
                boolean idle = o.idleStopMs > 0 && now - lastInput >= o.idleStopMs && queue.isEmpty();
                PairBatcher.Drawn d = batcher.next(now, idle);
                if (d != null) {
                    totalPairs +=
                            trainOne(learner, d, metrics, newestEvent, batchLog).pairs();
                    // a long step is not idle input time: the partitions may have been paused throughout it
                    lastInput = Math.max(lastInput, System.currentTimeMillis());
                }
                metrics.checkpointAge.set((now - lastCkpt) / 1000.0);
                if (now - rateAt >= LIVE_RATE_MS) { // the live rate; versions carry the checkpoint interval's
                    metrics.pairsPerSecond.set((learner.pairsTrained() - ratePairs) * 1000.0 / (now - rateAt));
                    rateAt = now;
                    ratePairs = learner.pairsTrained();
                }
                boolean due = learner.step() - ckptStep >= o.checkpointEverySteps
                        || (now - lastCkpt >= o.checkpointEveryMs && learner.step() > ckptStep);
                if (due && !learner.savedCurrentStep()) {
                    double secs = Math.max(1e-3, (now - lastCkpt) / 1000.0);
                    pairsPerS = (learner.pairsTrained() - ckptPairs) / secs;
                    ModelVersion v = checkpoint(learner, producer, metrics, store, rangeFrom, pairsPerS, protect);
                    if (v != null) {
                        published.add(v);
                        protect = v.getVersion();
                        rangeFrom = toMap(v.getOffsets());
                    }
                    lastCkpt = System.currentTimeMillis();
                    ckptStep = learner.step();
                    ckptPairs = learner.pairsTrained();
                }
                if (idle && d == null && batcher.buffered() < o.minBatch) break;
            }
            if (o.checkpointOnStop && learner.step() > ckptStep && !learner.savedCurrentStep()) {
                double secs = Math.max(1e-3, (System.currentTimeMillis() - lastCkpt) / 1000.0);
                pairsPerS = (learner.pairsTrained() - ckptPairs) / secs;
                ModelVersion v = checkpoint(learner, producer, metrics, store, rangeFrom, pairsPerS, protect);
                if (v != null) published.add(v);
            }
        } finally {
            poller.running.set(false);
            pollThread.join(10_000);
            if (batchLog != null) batchLog.close();
        }
        return result(learner, totalPairs, deadLetters.get(), published, pairsPerS, runStartPairs, start, resumed);
    }

    /** A run's result; pairs/s of the last checkpoint interval, or of the whole run when nothing was published. */
    private Result result(
            OnlineLearner learner,
            long totalPairs,
            long deadLetters,
            List<ModelVersion> published,
            double pairsPerS,
            long runStartPairs,
            long start,
            Checkpoint.Meta resumed) {
        double overall = (learner.pairsTrained() - runStartPairs)
                / Math.max(1e-3, (System.currentTimeMillis() - start) / 1000.0);
        return new Result(
                learner.step(),
                totalPairs,
                deadLetters,
                learner.guard().skipped(),
                learner.guard().rollbacks(),
                published.isEmpty() ? overall : pairsPerS,
                learner.lastLoss(),
                published,
                resumed == null ? null : resumed.version(),
                metricsPort.get());
    }

    private Thread startPoller(Poller poller, AtomicReference<Throwable> failure) {
        Thread t = new Thread(
                () -> {
                    try {
                        poller.run();
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                },
                "mm.train-poll");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** One step on a drawn batch: metrics, guard log, batch log, the after-step hook. */
    private OnlineLearner.StepReport trainOne(
            OnlineLearner learner,
            PairBatcher.Drawn d,
            TrainerMetrics metrics,
            AtomicLong newestEvent,
            BatchLog batchLog)
            throws IOException {
        long before = learner.pairsTrained();
        long t0 = System.nanoTime();
        OnlineLearner.StepReport r = learner.train(d);
        metrics.stepSeconds.observe((System.nanoTime() - t0) / 1e9);
        metrics.pairs.inc(r.pairs());
        if (r.applied()) {
            metrics.steps.inc();
            metrics.stepLoss(r.loss());
        } else {
            metrics.skipped.inc();
            log.accept("skipped step (loss " + r.loss() + "): " + r.action());
            if (r.action() == StepGuard.Action.ROLLBACK) metrics.rollbacks.inc();
        }
        if (newestEvent.get() != Long.MIN_VALUE && learner.trainedThrough() != Long.MIN_VALUE)
            metrics.lagSeconds.set((newestEvent.get() - learner.trainedThrough()) / 1000.0);
        if (batchLog != null) batchLog.append(before, learner.step(), r.batchHash(), r.loss());
        if (o.afterStep != null) o.afterStep.accept(r);
        return r;
    }

    /**
     * A crash between storing a checkpoint and publishing it leaves a resumable checkpoint that mm.models does not
     * name: publish it now, with the range start it recorded, so the versions' ranges stay contiguous.
     */
    private void publishIfLost(
            OnlineLearner learner,
            KafkaProducer<byte[], byte[]> producer,
            TrainerMetrics metrics,
            ModelStore store,
            Checkpoint.Meta resumed,
            Map<Integer, Long> from)
            throws IOException {
        ModelStore.Artifact a = null;
        for (ModelStore.Artifact x : store.list()) if (x.name().equals(resumed.version())) a = x;
        if (a == null) return;
        for (ModelVersion v : PublishedVersions.read(
                o.bootstrapServers, o.kafka, serdeConfig(), o.modelsTopic, java.time.Duration.ofSeconds(30)))
            if (v.getVersion().equals(resumed.version()) && v.getSha256().equals(a.sha256())) return;
        Map<Integer, Long> rangeFrom = resumed.publishedFromMap();
        if (rangeFrom.isEmpty()) {
            log.accept(
                    resumed.version() + " is not on " + o.modelsTopic + " and records no range start: not published");
            return;
        }
        log.accept(resumed.version() + " was stored but not published before the restart: publishing it now");
        publish(learner, producer, metrics, store, resumed, a, rangeFrom, 0);
    }

    /** Writes the checkpoint, publishes its version, applies retention; null when publishing failed. */
    private ModelVersion checkpoint(
            OnlineLearner learner,
            KafkaProducer<byte[], byte[]> producer,
            TrainerMetrics metrics,
            ModelStore store,
            Map<Integer, Long> rangeFrom,
            double pairsPerS,
            String protect)
            throws IOException {
        long t0 = System.nanoTime();
        OnlineLearner.Written w = learner.checkpoint(System.currentTimeMillis(), rangeFrom);
        ModelVersion ok = publish(learner, producer, metrics, store, w.meta(), w.artifact(), rangeFrom, pairsPerS);
        List<String> gone = store.retain(o.keepVersions, ok != null ? ok.getVersion() : protect);
        if (!gone.isEmpty()) log.accept("retention removed " + gone);
        metrics.checkpointSeconds.set((System.nanoTime() - t0) / 1e9);
        metrics.checkpointAge.set(0);
        return ok;
    }

    /** Publishes a stored checkpoint as a version on mm.models; null when that failed (logged). */
    private ModelVersion publish(
            OnlineLearner learner,
            KafkaProducer<byte[], byte[]> producer,
            TrainerMetrics metrics,
            ModelStore store,
            Checkpoint.Meta m,
            ModelStore.Artifact artifact,
            Map<Integer, Long> rangeFrom,
            double pairsPerS) {
        Map<String, Double> mx = new LinkedHashMap<>();
        mx.put("loss", m.loss());
        mx.put("loss_smoothed", metrics.snapshot().lossSmoothed());
        mx.put("pairs_per_s", pairsPerS);
        mx.put("steps", (double) m.step());
        mx.put("pairs", (double) m.pairsTrained());
        mx.put("skipped_steps", (double) learner.guard().skipped());
        mx.put("rollbacks", (double) learner.guard().rollbacks());
        List<LinearHead> heads = List.of();
        if (probes != null) {
            try {
                VersionProbes.Measured measured = probes.measure(store, m.version());
                mx.putAll(measured.metrics());
                heads = measured.heads();
            } catch (IOException | RuntimeException e) {
                // a probe is a measurement: the version is published without it
                log.accept("probes of " + m.version() + " failed: " + e);
            }
        }
        ModelVersion v = ModelVersion.newBuilder()
                .setVersion(m.version())
                .setObjective(m.objective())
                .setArtifactUri(artifact.uri())
                .setSha256(artifact.sha256())
                .setCreatedAt(Instant.ofEpochMilli(m.createdAt()))
                .setTrainedThrough(Instant.ofEpochMilli(Math.max(0, m.trainedThrough())))
                .setOffsets(sourceOffsets(lowWatermarks(m.offsets())))
                .setOffsetsFrom(sourceOffsets(rangeFrom))
                .setMetrics(mx)
                .setConfigJson(learner.model().config().toJson())
                .setHeads(heads)
                .setReplayRange(o.replayRange)
                .build();
        ModelVersion ok = null;
        try (Serializer<ModelVersion> ser =
                Topics.MODELS.valueSerde(serdeConfig()).serializer()) {
            byte[] value = ser.serialize(o.modelsTopic, v);
            producer.send(new ProducerRecord<>(o.modelsTopic, m.objective().getBytes(StandardCharsets.UTF_8), value))
                    .get(30, TimeUnit.SECONDS);
            ok = v;
            metrics.modelVersion.set(m.step());
            metrics.versions.inc();
            log.accept("published " + m.version() + " loss " + String.format("%.4f", m.loss()) + " pairs "
                    + m.pairsTrained() + " offsets " + lowWatermarks(m.offsets()));
        } catch (Exception e) {
            // the artifact is stored; mm.models still names the previous version, which retention keeps
            log.accept("could not publish " + m.version() + " to " + o.modelsTopic + ": " + e);
        }
        return ok;
    }

    static Map<Integer, Long> lowWatermarks(Map<Integer, OffsetLedger.Partition> offsets) {
        Map<Integer, Long> m = new java.util.TreeMap<>();
        for (Map.Entry<Integer, OffsetLedger.Partition> e : offsets.entrySet())
            m.put(e.getKey(), e.getValue().lowWatermark());
        return m;
    }

    private List<SourceOffset> sourceOffsets(Map<Integer, Long> m) {
        List<SourceOffset> l = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : new java.util.TreeMap<>(m).entrySet())
            l.add(new SourceOffset(o.trainTopic, e.getKey(), e.getValue()));
        return l;
    }

    private static Map<Integer, Long> toMap(List<SourceOffset> l) {
        Map<Integer, Long> m = new LinkedHashMap<>();
        for (SourceOffset s : l) m.put(s.getPartition(), s.getOffset());
        return m;
    }

    /**
     * The bounded, deterministic run (see {@link Options#bounded}). The state a resume needs is in the checkpoint:
     * records below the restored next offsets are either trained (skipped) or pending (straight back into the shuffle
     * buffer, whose draws ignore arrival order); every record from there on goes through the {@link OrderedFeed}, and
     * a draw is tried once after each added pair. So the checkpoint's (buffer set, RNG state, next offsets) fixes every
     * later batch.
     */
    private final class Bounded {
        private final OnlineLearner learner;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final KafkaProducer<byte[], byte[]> producer;
        private final TrainerMetrics metrics;
        private final ModelStore store;
        private final Map<Integer, Long> from, end;
        private final Checkpoint.Meta resumed;
        private final List<ModelVersion> published = new ArrayList<>();
        private final AtomicLong deadLetters = new AtomicLong(), newestEvent = new AtomicLong(Long.MIN_VALUE);
        private Map<Integer, Long> rangeFrom;
        private String protect;
        private long lastCkpt, ckptStep, ckptPairs, totalPairs;
        private double pairsPerS;
        private BatchLog batchLog;

        Bounded(
                OnlineLearner learner,
                KafkaConsumer<byte[], byte[]> consumer,
                KafkaProducer<byte[], byte[]> producer,
                TrainerMetrics metrics,
                ModelStore store,
                Map<Integer, Long> from,
                Map<Integer, Long> end,
                Checkpoint.Meta resumed) {
            this.learner = learner;
            this.consumer = consumer;
            this.producer = producer;
            this.metrics = metrics;
            this.store = store;
            this.from = from;
            this.end = end;
            this.resumed = resumed;
            this.rangeFrom = from;
        }

        Result run() throws IOException, InterruptedException {
            LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
            Map<Integer, AtomicLong> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
            for (int p : from.keySet()) inFlight.put(p, new AtomicLong());
            Poller poller = new Poller(consumer, producer, learner, queue, metrics, deadLetters, newestEvent);
            poller.end = end;
            poller.inFlight = inFlight;
            AtomicReference<Throwable> pollFailure = new AtomicReference<>();
            OrderedFeed<Entry> feed = new OrderedFeed<>(
                    from.keySet(),
                    java.util.Comparator.comparingLong(Entry::eventTime)
                            .thenComparingInt(Entry::partition)
                            .thenComparingLong(Entry::offset));
            PairBatcher batcher = new PairBatcher(o.batching(), learner.rng());
            List<ModelStore.Artifact> stored = store.list();
            protect = stored.isEmpty() ? null : stored.get(stored.size() - 1).name();
            long start = System.currentTimeMillis(), lastProgress = 0;
            lastCkpt = start;
            ckptStep = learner.step();
            ckptPairs = learner.pairsTrained();
            long runStartPairs = learner.pairsTrained();
            long total = 0;
            for (Map.Entry<Integer, Long> e : end.entrySet())
                total += Math.max(0, e.getValue() - from.getOrDefault(e.getKey(), e.getValue()));
            log.accept("bounded run over " + o.trainTopic + " offsets " + from + " to " + end);
            batchLog = BatchLog.open(o.batchLog);
            Thread pollThread = startPoller(poller, pollFailure);
            List<Entry> drained = new ArrayList<>();
            boolean finished = false;
            try {
                while (!stop.get()) {
                    if (pollFailure.get() != null)
                        throw new IllegalStateException("poll thread failed", pollFailure.get());
                    Entry first = queue.poll(20, TimeUnit.MILLISECONDS);
                    drained.clear();
                    if (first != null) drained.add(first);
                    queue.drainTo(drained);
                    for (Entry e : drained) {
                        if (e.offset() < 0) {
                            feed.ended(e.partition());
                            continue;
                        }
                        long restoredNext = learner.ledger().restoredNext(e.partition());
                        if (e.offset() < restoredNext) {
                            // below the checkpoint's position: trained before (skip) or pending (back into the buffer)
                            inFlight.get(e.partition()).decrementAndGet();
                            take(e, batcher);
                        } else feed.add(e.partition(), e);
                    }
                    Entry n;
                    while (!stop.get() && (n = feed.poll()) != null) {
                        inFlight.get(n.partition()).decrementAndGet();
                        if (take(n, batcher)) {
                            PairBatcher.Drawn d = batcher.nextFull(false);
                            if (d != null) step(d);
                        }
                    }
                    long now = System.currentTimeMillis();
                    if (o.progress != null && (now - lastProgress >= 500 || feed.finished())) {
                        lastProgress = now;
                        long done = 0;
                        Map<Integer, OffsetLedger.Partition> at =
                                learner.ledger().snapshot();
                        for (Map.Entry<Integer, Long> e : end.entrySet()) {
                            long f = from.getOrDefault(e.getKey(), e.getValue());
                            OffsetLedger.Partition p = at.get(e.getKey());
                            if (p != null) done += Math.max(0, Math.min(p.next(), e.getValue()) - f);
                        }
                        o.progress.accept(
                                total == 0 ? 1.0 : Math.min(1.0, done / (double) total),
                                "step " + learner.step() + ", pairs " + learner.pairsTrained() + ", loss "
                                        + String.format("%.4f", learner.lastLoss()));
                    }
                    if (feed.finished()) {
                        PairBatcher.Drawn d;
                        while (!stop.get() && (d = batcher.nextFull(true)) != null) step(d);
                        finished = !stop.get();
                        break;
                    }
                }
                if ((finished || o.checkpointOnStop) && learner.step() > ckptStep && !learner.savedCurrentStep())
                    checkpointNow();
            } finally {
                poller.running.set(false);
                pollThread.join(10_000);
                if (batchLog != null) batchLog.close();
            }
            if (finished && batcher.buffered() > 0)
                log.accept(batcher.buffered() + " pairs of the range stay untrained (fewer than a batch, or the"
                        + " per-source bound): pending in the last checkpoint");
            return result(learner, totalPairs, deadLetters.get(), published, pairsPerS, runStartPairs, start, resumed);
        }

        /** Books an entry in the ledger; true when it went into the shuffle buffer. */
        private boolean take(Entry e, PairBatcher batcher) {
            if (e.item() != null) {
                learner.ledger().buffered(e.partition(), e.offset());
                batcher.add(e.item());
                return true;
            }
            learner.ledger().passed(e.partition(), e.offset());
            return false;
        }

        private void step(PairBatcher.Drawn d) throws IOException {
            totalPairs += trainOne(learner, d, metrics, newestEvent, batchLog).pairs();
            long now = System.currentTimeMillis();
            metrics.checkpointAge.set((now - lastCkpt) / 1000.0);
            boolean due = learner.step() - ckptStep >= o.checkpointEverySteps
                    || (now - lastCkpt >= o.checkpointEveryMs && learner.step() > ckptStep);
            if (due && !learner.savedCurrentStep()) checkpointNow();
        }

        private void checkpointNow() throws IOException {
            double secs = Math.max(1e-3, (System.currentTimeMillis() - lastCkpt) / 1000.0);
            pairsPerS = (learner.pairsTrained() - ckptPairs) / secs;
            ModelVersion v = checkpoint(learner, producer, metrics, store, rangeFrom, pairsPerS, protect);
            if (v != null) {
                published.add(v);
                protect = v.getVersion();
                rangeFrom = toMap(v.getOffsets());
            }
            lastCkpt = System.currentTimeMillis();
            ckptStep = learner.step();
            ckptPairs = learner.pairsTrained();
            metrics.pairsPerSecond.set(pairsPerS);
        }
    }

    /** The poll thread: decode, validate, dead-letter, enqueue; pause/resume on the backlog; lag. */
    private final class Poller {
        final AtomicBoolean running = new AtomicBoolean(true);
        /** Pairs in the shuffle buffer (set by the training thread). */
        final AtomicLong buffered = new AtomicLong();

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final KafkaProducer<byte[], byte[]> producer;
        private final OnlineLearner learner;
        private final LinkedBlockingQueue<Entry> queue;
        private final TrainerMetrics metrics;
        private final AtomicLong deadLetters, newestEvent;
        /** Bounded runs: each partition's end offset, and the entries of each partition not yet merged. */
        Map<Integer, Long> end;

        Map<Integer, AtomicLong> inFlight;
        private final java.util.Set<Integer> ended = new java.util.HashSet<>();

        Poller(
                KafkaConsumer<byte[], byte[]> consumer,
                KafkaProducer<byte[], byte[]> producer,
                OnlineLearner learner,
                LinkedBlockingQueue<Entry> queue,
                TrainerMetrics metrics,
                AtomicLong deadLetters,
                AtomicLong newestEvent) {
            this.consumer = consumer;
            this.producer = producer;
            this.learner = learner;
            this.queue = queue;
            this.metrics = metrics;
            this.deadLetters = deadLetters;
            this.newestEvent = newestEvent;
        }

        void run() {
            boolean paused = false;
            try (Deserializer<TrainingPair> de =
                            Topics.TRAIN.valueSerde(serdeConfig()).deserializer();
                    Serializer<DeadLetter> dlq =
                            Topics.DLQ.valueSerde(serdeConfig()).serializer()) {
                while (running.get()) {
                    if (end != null) boundedFlow();
                    else {
                        // training is behind: stop fetching but keep calling poll (heartbeats, metadata)
                        // what waits beyond a full shuffle buffer: the buffer itself must be able to fill, or the
                        // batcher would wait for pairs that a paused consumer never fetches
                        long pending = queue.size() + Math.max(0, buffered.get() - o.shuffleBuffer);
                        if (!paused && pending >= o.queueCapacity) {
                            consumer.pause(consumer.assignment());
                            paused = true;
                            pauses.incrementAndGet();
                            metrics.paused.set(1);
                        } else if (paused && pending <= o.queueCapacity / 2) {
                            consumer.resume(consumer.paused());
                            paused = false;
                            resumes.incrementAndGet();
                            metrics.paused.set(0);
                        }
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(java.time.Duration.ofMillis(100)))
                        if (end == null || r.offset() < end.getOrDefault(r.partition(), 0L)) handle(r, de, dlq);
                    long lag = 0;
                    for (TopicPartition tp : consumer.assignment()) {
                        OptionalLong l = consumer.currentLag(tp);
                        if (l.isPresent()) lag += l.getAsLong();
                    }
                    metrics.lagRecords.set(lag + queue.size() + buffered.get());
                }
            }
        }

        /**
         * Bounded runs: a partition at its end offset is paused for good and announced with an end marker (offset -1);
         * backpressure is per partition (the merge waits for the slowest partition, so pausing all could starve it).
         */
        private void boundedFlow() {
            for (TopicPartition tp : consumer.assignment()) {
                int p = tp.partition();
                if (ended.contains(p)) continue;
                if (consumer.position(tp) >= end.getOrDefault(p, 0L)) {
                    ended.add(p);
                    consumer.pause(List.of(tp));
                    queue.add(new Entry(null, p, -1, 0));
                    continue;
                }
                long n = inFlight.get(p).get();
                boolean isPaused = consumer.paused().contains(tp);
                if (!isPaused && n >= o.queueCapacity) {
                    consumer.pause(List.of(tp));
                    pauses.incrementAndGet();
                } else if (isPaused && n <= o.queueCapacity / 2) {
                    consumer.resume(List.of(tp));
                    resumes.incrementAndGet();
                }
            }
            metrics.paused.set(consumer.paused().size() > ended.size() ? 1 : 0);
        }

        private void enqueue(Entry e) {
            if (inFlight != null) inFlight.get(e.partition()).incrementAndGet();
            queue.add(e);
        }

        private void handle(
                ConsumerRecord<byte[], byte[]> r, Deserializer<TrainingPair> de, Serializer<DeadLetter> dlq) {
            int p = r.partition();
            long off = r.offset();
            if (learner.ledger().trainedBefore(p, off)) {
                enqueue(new Entry(null, p, off, 0));
                return;
            }
            TrainingPair pair;
            try {
                pair = de.deserialize(r.topic(), r.headers(), r.value());
            } catch (RuntimeException e) {
                String reason = e instanceof WireFormatException w
                        ? w.reason().name()
                        : PairRejectedException.Reason.DESERIALIZATION_FAILED.name();
                deadLetter(r, reason, String.valueOf(e.getMessage()), dlq);
                return;
            }
            if (pair == null) {
                deadLetter(r, PairRejectedException.Reason.DESERIALIZATION_FAILED.name(), "empty value", dlq);
                return;
            }
            long windowEnd = pair.getWindowEnd().toEpochMilli();
            if (windowEnd < o.eventFromMs || windowEnd >= o.eventToMs) {
                enqueue(new Entry(null, p, off, windowEnd)); // outside the replayed range: consumed, not trained
                return;
            }
            try {
                TrainingPairBatches.Sample s = learner.adapter().decode(pair);
                newestEvent.accumulateAndGet(s.windowEnd(), Math::max);
                ProbeSet held = probeSet;
                if (held != null && held.heldOut(s.windowId())) {
                    // a probe window: consumed, never trained on
                    heldOutPairs.incrementAndGet();
                    enqueue(new Entry(null, p, off, 0));
                    return;
                }
                enqueue(new Entry(new PairBatcher.Item(s, p, off, System.currentTimeMillis()), p, off, s.windowEnd()));
            } catch (PairRejectedException e) {
                deadLetter(r, e.reason().name(), e.getMessage(), dlq);
            }
        }

        private void deadLetter(
                ConsumerRecord<byte[], byte[]> r, String reason, String error, Serializer<DeadLetter> dlq) {
            DeadLetter d = DeadLetter.newBuilder()
                    .setSourceTopic(r.topic())
                    .setSourcePartition(r.partition())
                    .setSourceOffset(r.offset())
                    .setKey(r.key() == null ? null : java.nio.ByteBuffer.wrap(r.key()))
                    .setValue(r.value() == null ? null : java.nio.ByteBuffer.wrap(r.value()))
                    .setStage("train")
                    .setReason(reason)
                    .setError(error)
                    .setFailedAt(Instant.now())
                    .build();
            // a pair may be up to mm.train's 4 MiB; mm.dlq takes 1 MiB (TopicCatalog)
            DeadLetterBound.apply(d, TopicCatalog.maxDeadLetterPayloadBytes());
            producer.send(new ProducerRecord<>(o.dlqTopic, r.key(), dlq.serialize(o.dlqTopic, d)), (md, ex) -> {
                if (ex != null)
                    log.accept("could not write a dead letter for " + r.topic() + "/" + r.partition() + "@" + r.offset()
                            + ": " + ex);
            });
            deadLetters.incrementAndGet();
            metrics.deadLetters.labelValues(reason).inc();
            // consumed: it must not hold back the low watermark (merged first in bounded runs)
            enqueue(new Entry(null, r.partition(), r.offset(), Long.MIN_VALUE));
        }
    }
}
