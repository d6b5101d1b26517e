package io.braid.trainer.score;

import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.broker.KafkaBroker;
import io.braid.serde.SerdeConfig;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import io.braid.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * What the scorer's broker ITs share: a set of topics of their own, the scorer's options for them, a window producer,
 * and verifiers that read with {@code assign()} + {@code seekToBeginning()} (read_committed unless told otherwise).
 */
final class ScoringBroker {
    static final int PARTITIONS = 2;

    private ScoringBroker() {}

    /** One test's topics: windows and outputs with {@link #PARTITIONS} partitions, models compacted. */
    record TopicSet(String windows, String models, String embeddings, String predictions, String dlq) {
        /** The names under {@code prefix}, without creating anything. */
        static TopicSet named(String prefix) {
            return new TopicSet(
                    prefix + "." + TopicCatalog.WINDOWS,
                    prefix + "." + TopicCatalog.MODELS,
                    prefix + "." + TopicCatalog.EMBEDDINGS,
                    prefix + "." + TopicCatalog.PREDICTIONS,
                    prefix + "." + TopicCatalog.DLQ);
        }

        static TopicSet create(KafkaBroker broker, String prefix) {
            TopicSet t = named(prefix);
            try (Admin admin = Admin.create(broker.clientProps())) {
                TopicCatalog.ensure(
                        admin,
                        List.of(
                                new TopicSpec(t.windows, PARTITIONS, (short) 1, Map.of()),
                                new TopicSpec(t.models, 1, (short) 1, Map.of("cleanup.policy", "compact")),
                                new TopicSpec(t.embeddings, PARTITIONS, (short) 1, Map.of()),
                                new TopicSpec(t.predictions, PARTITIONS, (short) 1, Map.of()),
                                new TopicSpec(t.dlq, 1, (short) 1, Map.of())));
            }
            return t;
        }
    }

    static Map<String, Object> serde(String registryUrl) {
        return Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
    }

    /** The scorer on {@code t}: small batches, no metrics endpoint, its own state directory. */
    static ScoringOptions options(
            String bootstrap, String registryUrl, TopicSet t, String applicationId, Path stateDir) {
        ScoringOptions.Builder b = ScoringOptions.defaults().toBuilder();
        b.bootstrapServers = bootstrap;
        b.registryUrl = registryUrl;
        b.applicationId = applicationId;
        b.windowsTopic = t.windows;
        b.modelsTopic = t.models;
        b.embeddingsTopic = t.embeddings;
        b.predictionsTopic = t.predictions;
        b.dlqTopic = t.dlq;
        b.maxBatchSize = 16;
        b.maxBatchWait = Duration.ofMillis(100);
        b.maxWaitingWindows = 2_000;
        b.maxModelAge = Duration.ZERO;
        b.metricsPort = -1;
        b.stateDir = stateDir;
        return b.build();
    }

    /** The partition the default partitioner gives {@code key} on a topic of {@link #PARTITIONS} partitions. */
    static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /**
     * {@code n} source ids named {@code prefix-i} that cover every partition: the first ids of each partition in turn,
     * so a test never depends on where a hash happens to put its sources.
     */
    static List<String> sources(String prefix, int n) {
        List<List<String>> byPartition = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) byPartition.add(new ArrayList<>());
        for (int i = 0; byPartition.stream().anyMatch(l -> l.size() < n); i++)
            byPartition.get(partitionOf(prefix + "-" + i)).add(prefix + "-" + i);
        List<String> out = new ArrayList<>();
        for (int i = 0; out.size() < n; i++)
            out.add(byPartition.get(i % PARTITIONS).get(i / PARTITIONS));
        return out;
    }

    /** Writes windows (key = source id, default partitioner) and publishes model versions (key = objective). */
    static final class Producer implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer;
        private final Serializer<MultimodalWindow> windows;
        private final Serializer<ModelVersion> versions;
        private final TopicSet topics;

        Producer(KafkaBroker broker, String registryUrl, TopicSet topics) {
            Map<String, Object> c = new HashMap<>();
            c.put("bootstrap.servers", broker.bootstrapServers());
            c.put("max.in.flight.requests.per.connection", 1); // KAFKA-14359, as in OnlineTrainerIT
            c.put("linger.ms", 0);
            this.producer = new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer());
            this.windows = Topics.WINDOWS.valueSerde(serde(registryUrl)).serializer();
            this.versions = Topics.MODELS.valueSerde(serde(registryUrl)).serializer();
            this.topics = topics;
        }

        void window(MultimodalWindow w) {
            producer.send(new ProducerRecord<>(topics.windows, w.getSourceId(), windows.serialize(topics.windows, w)));
        }

        /** Publishes {@code v} and returns once the broker has it. */
        void publish(ModelVersion v) throws Exception {
            producer.send(new ProducerRecord<>(topics.models, v.getObjective(), versions.serialize(topics.models, v)))
                    .get();
        }

        void flush() {
            producer.flush();
        }

        @Override
        public void close() {
            producer.close();
        }
    }

    /** One record as a verifier read it. */
    record Read<V>(int partition, long offset, String key, V value) {}

    /** A verifier: reads every partition of a topic from its beginning, read_committed unless told otherwise. */
    static final class Reader<V> implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Deserializer<V> deserializer;
        private final String topic;
        private final List<TopicPartition> partitions = new ArrayList<>();
        final List<Read<V>> records = new ArrayList<>();

        Reader(KafkaBroker broker, String topic, Deserializer<V> deserializer, boolean committed) {
            Properties c = broker.clientProps();
            c.put("isolation.level", committed ? "read_committed" : "read_uncommitted");
            c.put("enable.auto.commit", "false");
            c.put("auto.offset.reset", "earliest");
            c.put("fetch.max.wait.ms", "50"); // follow the output closely
            this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.deserializer = deserializer;
            this.topic = topic;
            for (PartitionInfo pi : consumer.partitionsFor(topic))
                partitions.add(new TopicPartition(topic, pi.partition()));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Polls once, for at most {@code d}; returns the records read by this call. */
        List<Read<V>> poll(Duration d) {
            List<Read<V>> got = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(d))
                got.add(new Read<>(
                        r.partition(),
                        r.offset(),
                        r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                        deserializer.deserialize(topic, r.headers(), r.value())));
            records.addAll(got);
            return got;
        }

        /** Polls until {@code done} holds for the records read so far or {@code timeout} passes; returns done's value. */
        boolean pollUntil(Predicate<List<Read<V>>> done, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records)) {
                if (System.nanoTime() > deadline) return false;
                poll(Duration.ofMillis(100));
            }
            return true;
        }

        /**
         * Reads up to the end offsets as they are now (read_committed: the last stable offsets) and returns everything
         * read since the beginning. Call it once nothing writes any more, to see the topic's final content.
         */
        List<Read<V>> readToEnd(Duration timeout) {
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline)
                    throw new AssertionError("did not reach the end offsets " + end + " of " + topic);
                poll(Duration.ofMillis(100));
            }
            return records;
        }

        /** The end offset of {@code partition} now: read_committed, its last stable offset. */
        long endOffset(int partition) {
            TopicPartition tp = new TopicPartition(topic, partition);
            return consumer.endOffsets(List.of(tp)).get(tp);
        }

        /** The highest offset read on {@code partition}, -1 when none. */
        long maxOffset(int partition) {
            return records.stream()
                    .filter(r -> r.partition() == partition)
                    .mapToLong(Read::offset)
                    .max()
                    .orElse(-1);
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
            deserializer.close();
        }
    }

    /** A read_committed reader with the topic's Avro deserializer. */
    static <V extends org.apache.avro.specific.SpecificRecord> Reader<V> committed(
            KafkaBroker broker, String registryUrl, io.braid.topics.Topic<String, V> contract, String topic) {
        return new Reader<>(
                broker,
                topic,
                contract.renamed(topic).valueSerde(serde(registryUrl)).deserializer(),
                true);
    }
}
