package io.braid.trainer.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.DeadLetter;
import io.braid.avro.ModelVersion;
import io.braid.avro.SourceOffset;
import io.braid.avro.TrainingPair;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.serde.SerdeConfig;
import io.braid.topics.Topic;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import io.braid.topics.Topics;
import io.braid.trainer.model.LocalModelStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The online trainer against the in-JVM broker: it trains from mm.train, publishes versions with offsets and
 * trained-through, dead-letters hostile pairs with their reasons while training goes on, and after a stop without a
 * final checkpoint (as after a crash) resumes from the last checkpoint's offsets: the versions' offset ranges are
 * contiguous and every valid pair is in the lineage exactly once.
 */
@ExtendWith(KafkaBrokerExtension.class)
class OnlineTrainerIT {
    static final int ROBOTS = 3, FIRST = 60, ALL = 90;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"comm", "decur"})
    @Timeout(300)
    void trainsPublishesDeadLettersAndResumesWithoutGapOrOverlap(String objective, KafkaBroker broker)
            throws Exception {
        String prefix = "it-online-" + objective + ".";
        Topic<String, TrainingPair> train = Topics.TRAIN.renamed(prefix + TopicCatalog.TRAIN);
        Topic<String, ModelVersion> models = Topics.MODELS.renamed(prefix + TopicCatalog.MODELS);
        Topic<String, DeadLetter> dlq = Topics.DLQ.renamed(prefix + TopicCatalog.DLQ);
        try (Admin admin = Admin.create(broker.clientProps())) {
            TopicCatalog.ensure(
                    admin,
                    List.of(
                            new TopicSpec(train.name(), 2, (short) 1, Map.of()),
                            new TopicSpec(models.name(), 1, (short) 1, Map.of()),
                            new TopicSpec(dlq.name(), 1, (short) 1, Map.of())));
        }
        Map<String, Object> serde = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://online-it-" + objective);
        List<TrainingPair> pairs = Fixtures.stream(ROBOTS, ALL, 9);
        List<TrainingPair> first = new ArrayList<>(pairs.subList(0, ROBOTS * FIRST));
        first.add(20, hostile(pairs.get(0), "shape"));
        first.add(70, hostile(pairs.get(1), "vocab"));
        first.add(120, hostile(pairs.get(2), "nan"));
        produce(broker, train, serde, first);

        OnlineTrainer.Options o = options(broker, serde, train, models, dlq, objective);
        o.checkpointOnStop = false; // the last steps after the last checkpoint are lost, as in a crash
        OnlineTrainer.Result r1 = new OnlineTrainer(o, m -> System.err.println("run1: " + m)).run();
        assertTrue(r1.published().size() >= 3, "published " + r1.published().size());
        assertEquals(3, r1.deadLetters());
        for (ModelVersion v : r1.published()) {
            assertEquals(2, v.getOffsets().size(), v.toString());
            assertTrue(v.getTrainedThrough().toEpochMilli() > Fixtures.START);
            assertTrue(Double.isFinite(v.getMetrics().get("loss")));
        }
        Set<String> reasons = new TreeSet<>();
        for (DeadLetter d : read(broker, dlq, serde, 3)) reasons.add(d.getReason());
        assertEquals(Set.of("NON_FINITE", "VOCAB_MISMATCH", "WRONG_SHAPE"), reasons);

        produce(broker, train, serde, pairs.subList(ROBOTS * FIRST, ROBOTS * ALL));
        OnlineTrainer.Options o2 = options(broker, serde, train, models, dlq, objective);
        OnlineTrainer.Result r2 = new OnlineTrainer(o2, m -> System.err.println("run2: " + m)).run();
        ModelVersion last1 = r1.published().get(r1.published().size() - 1);
        assertEquals(last1.getVersion(), r2.resumedFrom());
        assertTrue(!r2.published().isEmpty());

        List<ModelVersion> all = new ArrayList<>(r1.published());
        all.addAll(r2.published());
        assertEquals(all.size(), read(broker, models, serde, all.size()).size());
        for (int i = 1; i < all.size(); i++)
            assertEquals(
                    offsets(all.get(i - 1).getOffsets()),
                    offsets(all.get(i).getOffsetsFrom()),
                    "range of " + all.get(i).getVersion() + " does not start where the previous one ended");
        // every valid pair is either trained into the newest version's lineage or still pending in its checkpoint
        ModelVersion newest = all.get(all.size() - 1);
        Checkpoint.Meta m = Checkpoint.open(new LocalModelStore(o.modelDir).read(newest.getVersion()))
                .meta();
        long pending =
                m.offsets().values().stream().mapToLong(p -> p.pending().size()).sum();
        assertEquals(ROBOTS * ALL, m.pairsTrained() + pending, "pairs in the lineage + pending");
        assertTrue(pending < o.minBatch, "pending " + pending);
        assertEquals(Fixtures.START + ALL * 1000L, newest.getTrainedThrough().toEpochMilli());
    }

    OnlineTrainer.Options options(
            KafkaBroker broker,
            Map<String, Object> serde,
            Topic<?, ?> train,
            Topic<?, ?> models,
            Topic<?, ?> dlq,
            String objective) {
        OnlineTrainer.Options o = new OnlineTrainer.Options();
        o.bootstrapServers = broker.bootstrapServers();
        o.registryUrl = (String) serde.get(SerdeConfig.SCHEMA_REGISTRY_URL);
        o.trainTopic = train.name();
        o.modelsTopic = models.name();
        o.dlqTopic = dlq.name();
        o.objective = objective;
        o.config = Fixtures.tiny(objective);
        o.modelDir = dir.resolve("models");
        o.batchSize = 16;
        o.minBatch = 4;
        o.shuffleBuffer = 32;
        o.maxWaitMs = 300;
        o.maxPerSourceSpan = 8;
        o.falseNegativeSpanMs = 3000;
        o.checkpointEverySteps = 3;
        o.idleStopMs = 3000;
        o.durationMs = 240_000;
        o.keepVersions = 3;
        return o;
    }

    static TrainingPair hostile(TrainingPair p, String kind) {
        TrainingPair h = TrainingPair.newBuilder(p).build();
        switch (kind) {
            case "shape" -> h.setSensorChannels(7);
            case "vocab" -> h.setVocabVersion("v0");
            default -> {
                List<Float> s = new ArrayList<>(h.getView1().getSensor());
                s.set(0, Float.NaN);
                h.getView1().setSensor(s);
            }
        }
        h.setWindowId(h.getWindowId() + "-" + kind);
        return h;
    }

    static void produce(
            KafkaBroker broker, Topic<String, TrainingPair> t, Map<String, Object> serde, List<TrainingPair> ps)
            throws Exception {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", broker.bootstrapServers());
        c.put("max.in.flight.requests.per.connection", 1); // no retried first batch behind a later one (KAFKA-14359)
        try (Serializer<TrainingPair> ser = t.valueSerde(serde).serializer();
                KafkaProducer<String, byte[]> p = new KafkaProducer<>(
                        c, new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (TrainingPair x : ps)
                p.send(new ProducerRecord<>(t.name(), x.getSourceId(), ser.serialize(t.name(), x)));
            p.flush();
        }
    }

    static <V extends SpecificRecord> List<V> read(
            KafkaBroker broker, Topic<String, V> t, Map<String, Object> serde, int n) {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", broker.bootstrapServers());
        List<V> out = new ArrayList<>();
        try (Deserializer<V> de = t.valueSerde(serde).deserializer();
                KafkaConsumer<byte[], byte[]> k = new KafkaConsumer<>(
                        c,
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo pi : k.partitionsFor(t.name())) tps.add(new TopicPartition(t.name(), pi.partition()));
            k.assign(tps);
            k.seekToBeginning(tps);
            long deadline = System.currentTimeMillis() + 20_000;
            while (out.size() < n && System.currentTimeMillis() < deadline)
                for (ConsumerRecord<byte[], byte[]> r : k.poll(Duration.ofMillis(200)))
                    out.add(de.deserialize(t.name(), r.headers(), r.value()));
        }
        assertNotNull(out);
        return out;
    }

    static Map<Integer, Long> offsets(List<SourceOffset> l) {
        Map<Integer, Long> m = new java.util.TreeMap<>();
        for (SourceOffset s : l) m.put(s.getPartition(), s.getOffset());
        return m;
    }
}
