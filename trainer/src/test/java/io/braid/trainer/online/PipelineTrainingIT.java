package io.braid.trainer.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.DeadLetter;
import io.braid.avro.ModelVersion;
import io.braid.avro.TrainingPair;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.flink.KafkaConnection;
import io.braid.flink.LocalWindowJob;
import io.braid.flink.MultimodalWindowJob;
import io.braid.flink.WindowJobOptions;
import io.braid.flink.kafka.KafkaIO;
import io.braid.producers.SimulatorFeeder;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.serde.SerdeConfig;
import io.braid.topics.Topic;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import io.braid.topics.Topics;
import io.braid.trainer.model.LocalModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole loop on the in-JVM broker: the robot simulator feeds the real Flink job (bounded, on a MiniCluster), whose
 * mm.train feeds the online trainer and whose mm.windows + the simulator's robot.labels feed its probe set. Hostile
 * pairs sit at the head of mm.train. For CoMM and DeCUR: at least 3 versions with offsets and trained-through, the
 * smoothed loss falling from the first version to the last, the last version's R probe clearly above the untrained
 * model's, probe metrics and prediction heads present, the hostile pairs in mm.dlq with their reasons, and no
 * held-out (probe) window trained on.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineTrainingIT {
    // the defaults are what CI runs; the measured variants in trainer/README.md "Probes in versions" rerun with
    // -Dit.seconds, -Dit.robots, -Dit.batch, -Dit.lr, -Dit.ckptSteps, -Dit.fnSpanMs, -Dit.heldOut, -Dit.probeWindows,
    // -Dit.trainMs (and -Djunit.jupiter.execution.timeout.mode=disabled for long ones)
    static final int ROBOTS = Integer.getInteger("it.robots", 16), HELD_OUT = Integer.getInteger("it.heldOut", 25);
    static final int BATCH = Integer.getInteger("it.batch", 32), CKPT_STEPS = Integer.getInteger("it.ckptSteps", 100);
    static final long FN_SPAN_MS = Long.getLong("it.fnSpanMs", 30_000);
    static final long SECONDS = Long.getLong("it.seconds", 1200);
    static final int PROBE_WINDOWS = Integer.getInteger("it.probeWindows", 600);
    static final double LR = Double.parseDouble(System.getProperty("it.lr", "1e-3"));
    static final String P = "it-pipe";

    KafkaBroker broker;
    EmbeddedRegistryServer registry;
    WindowJobOptions job;
    String labels = P + ".labels";
    long validPairs, heldOutPairs;

    @TempDir
    Path dir;

    @BeforeAll
    @Timeout(240)
    void simulatorThroughTheFlinkJob(KafkaBroker broker) throws Exception {
        this.broker = broker;
        registry = new EmbeddedRegistryServer(0).start();
        KafkaConnection conn = new KafkaConnection(broker.bootstrapServers(), registry.url());
        job = new WindowJobOptions();
        job.sensorTopic = P + ".sensor";
        job.visionTopic = P + ".vision";
        job.textTopic = P + ".text";
        job.windowsTopic = P + ".windows";
        job.trainTopic = P + ".train";
        job.lateTopic = P + ".late";
        job.dlqTopic = P + ".dlq";
        job.groupId = "g-" + P;
        job.transactionalIdPrefix = "tx-" + P;
        job.bounded = true;
        job.checkpointIntervalMs = 500;
        job.parallelism = 1;
        job.checkpointDir = LocalWindowJob.tempCheckpointDir();
        try (Admin admin = Admin.create(broker.clientProps())) {
            List<TopicSpec> specs = new ArrayList<>();
            // simulated event times start in 2025: no retention pass may delete the inputs
            Map<String, String> keep = Map.of("retention.ms", "-1");
            for (String t : List.of(job.sensorTopic, job.visionTopic, job.textTopic, labels))
                specs.add(new TopicSpec(t, 2, (short) 1, keep));
            for (String t : List.of(job.windowsTopic, job.trainTopic, job.lateTopic, job.dlqTopic))
                specs.add(new TopicSpec(t, 2, (short) 1, Map.of()));
            TopicCatalog.ensure(admin, specs);
        }
        // hostile pairs first: training has to go on past them
        List<TrainingPair> base = Fixtures.stream(1, 3, 5);
        Topic<String, TrainingPair> train = Topics.TRAIN.renamed(job.trainTopic);
        OnlineTrainerIT.produce(
                broker,
                train,
                serde(),
                List.of(
                        OnlineTrainerIT.hostile(base.get(0), "shape"),
                        OnlineTrainerIT.hostile(base.get(1), "vocab"),
                        OnlineTrainerIT.hostile(base.get(2), "nan")));

        SimulatorOptions sim = new SimulatorOptions()
                .robots(ROBOTS)
                .seed(21)
                .durationMs(SECONDS * 1000)
                .jitterMs(5);
        SimulatorFeeder.feed(
                new SimulatorFeeder.Target(
                        conn.bootstrapServers, conn.kafkaProps(), conn.serdeConfig(), s -> switch (s) {
                            case SENSOR -> job.sensorTopic;
                            case VISION -> job.visionTopic;
                            case TEXT -> job.textTopic;
                            case LABELS -> labels;
                        }),
                sim);
        long t0 = System.nanoTime();
        StreamExecutionEnvironment env = LocalWindowJob.localEnvironment(job.parallelism);
        MultimodalWindowJob.configure(env, job);
        MultimodalWindowJob.build(env, KafkaIO.inputs(conn, job), job).sinkTo(KafkaIO.sinks(conn, job));
        env.execute("pipeline-training-it");
        System.err.printf("flink job: %.1f s%n", (System.nanoTime() - t0) / 1e9);

        for (TrainingPair p : readCommitted(train)) {
            if (p.getWindowId().matches(".*-(shape|vocab|nan)")) continue; // the hostile ones
            validPairs++;
            if (ProbeSet.heldOut(p.getWindowId(), HELD_OUT)) heldOutPairs++;
        }
        assertTrue(validPairs > ROBOTS * SECONDS * 9 / 10, "pairs from the job: " + validPairs);
    }

    /** Every committed record of the topic (the job writes transactionally). */
    <V extends org.apache.avro.specific.SpecificRecord> List<V> readCommitted(Topic<String, V> t) {
        Map<String, Object> c = new java.util.HashMap<>();
        c.put("bootstrap.servers", broker.bootstrapServers());
        c.put("isolation.level", "read_committed");
        List<V> out = new ArrayList<>();
        try (org.apache.kafka.common.serialization.Deserializer<V> de =
                        t.valueSerde(serde()).deserializer();
                org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> k =
                        new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                                c,
                                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> tps = new ArrayList<>();
            k.partitionsFor(t.name())
                    .forEach(pi -> tps.add(new org.apache.kafka.common.TopicPartition(t.name(), pi.partition())));
            k.assign(tps);
            k.seekToBeginning(tps);
            Map<org.apache.kafka.common.TopicPartition, Long> end = k.endOffsets(tps);
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline && tps.stream().anyMatch(tp -> k.position(tp) < end.get(tp)))
                for (var r : k.poll(java.time.Duration.ofMillis(200)))
                    out.add(de.deserialize(t.name(), r.headers(), r.value()));
        }
        return out;
    }

    Map<String, Object> serde() {
        return Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
    }

    @AfterAll
    void stop() {
        if (registry != null) registry.close();
    }

    static Stream<String> objectives() {
        return Stream.of(System.getProperty("it.objectives", "comm,decur").split(","));
    }

    @ParameterizedTest
    @MethodSource("objectives")
    @Timeout(420)
    void trainsFromTheJobAndTheProbesRise(String objective) throws Exception {
        Topic<String, ModelVersion> models = Topics.MODELS.renamed(P + "." + objective + ".models");
        Topic<String, DeadLetter> dlq = Topics.DLQ.renamed(P + "." + objective + ".train-dlq");
        try (Admin admin = Admin.create(broker.clientProps())) {
            TopicCatalog.ensure(
                    admin,
                    List.of(
                            new TopicSpec(models.name(), 1, (short) 1, Map.of()),
                            new TopicSpec(dlq.name(), 1, (short) 1, Map.of())));
        }
        OnlineTrainer.Options o = new OnlineTrainer.Options();
        o.bootstrapServers = broker.bootstrapServers();
        o.registryUrl = registry.url();
        o.trainTopic = job.trainTopic;
        o.modelsTopic = models.name();
        o.dlqTopic = dlq.name();
        o.probeWindowsTopic = job.windowsTopic;
        o.probeLabelsTopic = labels;
        o.probeHeldOutPercent = HELD_OUT;
        o.probeMaxWindows = PROBE_WINDOWS;
        o.objective = objective;
        o.config = Fixtures.tiny(objective);
        o.modelDir = Files.createDirectories(dir.resolve(objective));
        o.batchSize = BATCH;
        o.minBatch = 4;
        o.shuffleBuffer = Integer.getInteger("it.shuffle", 8 * BATCH);
        o.maxWaitMs = 300;
        o.maxPerSourceSpan = 8;
        o.falseNegativeSpanMs = FN_SPAN_MS;
        o.checkpointEverySteps = CKPT_STEPS;
        o.lr = LR;
        o.idleStopMs = 3000;
        o.durationMs = Long.getLong("it.trainMs", 300_000);
        o.keepVersions = 3;
        long t0 = System.nanoTime();
        OnlineTrainer.Result r = new OnlineTrainer(o, m -> System.err.println(objective + ": " + m)).run();
        System.err.printf("%s trainer: %.1f s, %d steps%n", objective, (System.nanoTime() - t0) / 1e9, r.steps());

        List<ModelVersion> vs = r.published();
        assertTrue(vs.size() >= 3, "published " + vs.size());
        assertEquals(
                vs.size(),
                OnlineTrainerIT.read(broker, models, serde(), vs.size()).size());
        for (ModelVersion v : vs) {
            assertEquals(2, v.getOffsets().size(), v.toString());
            assertTrue(v.getTrainedThrough().toEpochMilli() >= SimulatorOptions.DEFAULT_START_MS, v.toString());
        }
        for (int i = 1; i < vs.size(); i++)
            assertTrue(vs.get(i).getTrainedThrough().compareTo(vs.get(i - 1).getTrainedThrough()) >= 0);

        Set<String> reasons = new TreeSet<>();
        for (DeadLetter d : OnlineTrainerIT.read(broker, dlq, serde(), 3)) reasons.add(d.getReason());
        assertEquals(Set.of("NON_FINITE", "VOCAB_MISMATCH", "WRONG_SHAPE"), reasons);
        assertEquals(3, r.deadLetters());

        // the probe windows' pairs were consumed but never trained on
        ModelVersion last = vs.get(vs.size() - 1);
        Checkpoint.Meta m = Checkpoint.open(new LocalModelStore(o.modelDir).read(last.getVersion()))
                .meta();
        long pending =
                m.offsets().values().stream().mapToLong(p -> p.pending().size()).sum();
        assertTrue(heldOutPairs > 0);
        assertEquals(validPairs - heldOutPairs, m.pairsTrained() + pending, "trained + pending = valid - held out");

        Map<String, Double> mx = last.getMetrics();
        System.err.println(objective + " last version metrics: " + mx);
        assertTrue(mx.get("probe_windows") >= 40, mx.toString());
        double trained = mx.get("probe_R"), untrained = mx.get("probe_untrained_R");
        assertTrue(Double.isFinite(trained) && Double.isFinite(untrained), mx.toString());
        // Both objectives learn on the stream: the smoothed loss falls from the first version to the last, and the
        // last version's R probe is clearly above the untrained model's on the same cross-fitted 600-window probe set:
        // its error at most two thirds of the untrained model's (random features already probe R at 0.84-0.97, so a
        // fixed margin would ask for more than there is). Measured (trainer/README.md "Probes in versions", every
        // run): CoMM 0.998 vs 0.840, DeCUR 1.000 vs 0.972; the 58-step IT this replaces saw CoMM's R fall.
        double first = vs.get(0).getMetrics().get("loss_smoothed"), lastLoss = mx.get("loss_smoothed");
        assertTrue(lastLoss < first, "smoothed loss " + first + " -> " + lastLoss);
        assertTrue(
                1 - trained <= (1 - untrained) * 2 / 3,
                "last version's R " + trained + " vs untrained " + untrained + ": error not cut by a third");
        for (String k : List.of("probe_U_sensor", "probe_U_image", "probe_U_text", "probe_S2"))
            assertTrue(mx.containsKey(k), k + " missing: " + mx);
        // the prediction heads the scorer uses: one per simulator task, over the fused vector, 4 classes each
        Set<String> tasks = new TreeSet<>();
        int dim = o.config.objective().equals("comm") ? o.config.d() : 3 * o.config.d();
        for (io.braid.avro.LinearHead h : last.getHeads()) {
            tasks.add(h.getTask());
            assertEquals(4, h.getClassLabels().size(), h.getTask());
            assertEquals(dim, h.getMean().size(), h.getTask());
            assertEquals(4 * (dim + 1), h.getWeights().size(), h.getTask());
        }
        assertEquals(Set.of("object", "profile", "texture", "verb"), tasks);
    }
}
