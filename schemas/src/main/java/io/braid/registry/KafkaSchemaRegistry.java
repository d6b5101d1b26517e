package io.braid.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link InMemorySchemaRegistry} persisted to a compacted single-partition topic in Confluent's {@code _schemas}
 * layout (JSON keys {@code {"keytype":"SCHEMA","subject","version","magic":1}} / {@code CONFIG}, JSON values), replayed
 * on start so that ids and versions survive a restart. Exactly one writer per topic (there is no leader election);
 * every change is acknowledged by the broker (acks=all, idempotent) before it is applied, so reads see own writes.
 * The default topic is {@code _braid_schemas}, never {@code _schemas}, so it cannot clash with a real registry.
 */
public final class KafkaSchemaRegistry extends InMemorySchemaRegistry {
    public static final String DEFAULT_TOPIC = "_braid_schemas";
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaRegistry.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final String bootstrapServers;
    private final KafkaProducer<byte[], byte[]> producer;
    private final int replayed;

    private KafkaSchemaRegistry(String bootstrapServers, String topic, Map<String, Object> clientProps) {
        super("kafka " + topic + "@" + bootstrapServers);
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
        ensureTopic(clientProps);
        this.replayed = replay(clientProps);
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(p);
        LOG.info("schema store {}: replayed {} records, max id {}", topic, replayed, maxId());
    }

    /** Opens (creating the topic if needed) and replays the store on {@link #DEFAULT_TOPIC}. */
    public static KafkaSchemaRegistry open(String bootstrapServers) {
        return open(bootstrapServers, DEFAULT_TOPIC, Map.of());
    }

    public static KafkaSchemaRegistry open(String bootstrapServers, String topic) {
        return open(bootstrapServers, topic, Map.of());
    }

    /** @param clientProps extra Kafka client properties (security etc.) for the admin, consumer and producer */
    public static KafkaSchemaRegistry open(String bootstrapServers, String topic, Map<String, ?> clientProps) {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return new KafkaSchemaRegistry(bootstrapServers, topic, p);
    }

    public String topic() {
        return topic;
    }

    /** Records read from the topic at start. */
    public int replayedRecords() {
        return replayed;
    }

    private Map<String, Object> adminProps(Map<String, Object> clientProps) {
        Map<String, Object> p = new HashMap<>();
        clientProps.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) p.put(k, v);
        });
        return p;
    }

    private void ensureTopic(Map<String, Object> clientProps) {
        try (Admin admin = Admin.create(adminProps(clientProps))) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!names.contains(topic)) {
                int brokers = admin.describeCluster()
                        .nodes()
                        .get(30, TimeUnit.SECONDS)
                        .size();
                short rf = (short) Math.max(1, Math.min(3, brokers));
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 1, rf).configs(Map.of("cleanup.policy", "compact"))))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) throw e;
                }
            }
            TopicDescription d = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic);
            if (d.partitions().size() != 1) {
                throw new IllegalStateException("schema store topic " + topic + " has "
                        + d.partitions().size() + " partitions; it must have exactly 1");
            }
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config c = admin.describeConfigs(List.of(r))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(r);
            String policy = c.get("cleanup.policy") == null
                    ? ""
                    : c.get("cleanup.policy").value();
            if (!policy.contains("compact")) {
                throw new IllegalStateException(
                        "schema store topic " + topic + " has cleanup.policy=" + policy + "; it must be compacted");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot prepare schema store topic " + topic + " on " + bootstrapServers + ": " + e, e);
        }
    }

    private int replay(Map<String, Object> clientProps) {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        TopicPartition tp = new TopicPartition(topic, 0);
        int n = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
            long deadline = System.nanoTime() + TIMEOUT.toNanos() * 4;
            while (consumer.position(tp, TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out replaying " + topic + " up to offset " + end);
                }
                for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                    if (rec.key() == null) continue;
                    try {
                        ObjectNode key = (ObjectNode) JSON.readTree(rec.key());
                        ObjectNode value = rec.value() == null ? null : (ObjectNode) JSON.readTree(rec.value());
                        apply(new StoreRecord(key, value));
                        n++;
                    } catch (IOException | ClassCastException | RegistryException e) {
                        LOG.warn("skipping unreadable record at {}@{}: {}", topic, rec.offset(), e.toString());
                    }
                }
            }
        }
        return n;
    }

    @Override
    protected void persist(List<StoreRecord> records) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try {
            for (StoreRecord r : records) {
                byte[] key = JSON.writeValueAsBytes(r.key());
                byte[] value = r.value() == null ? null : JSON.writeValueAsBytes(r.value());
                sent.add(producer.send(new ProducerRecord<>(topic, 0, key, value)));
            }
            for (Future<RecordMetadata> f : sent) f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(500, RegistryException.STORE_ERROR, "interrupted writing to " + topic, e);
        } catch (IOException | ExecutionException | TimeoutException | RuntimeException e) {
            throw new RegistryException(
                    500, RegistryException.STORE_ERROR, "Error in the backend data store " + topic + ": " + e, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
