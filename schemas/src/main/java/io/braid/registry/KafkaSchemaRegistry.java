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
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link InMemorySchemaRegistry} persisted to a compacted single-partition topic in Confluent's {@code _schemas}
 * layout (JSON keys {@code {"keytype":"SCHEMA","subject","version","magic":1}} / {@code CONFIG}, JSON values), replayed
 * on start so that ids and versions survive a restart. The default topic is {@code _braid_schemas}, never {@code
 * _schemas}, so it cannot clash with a real registry.
 *
 * <p>Exactly one writer per store: every change is one Kafka transaction of a producer whose {@code transactional.id}
 * is fixed per topic ({@link #transactionalId(String)}). Opening a store calls {@code initTransactions()}, which
 * fences the previous writer (its open transaction is aborted, its next commit fails with {@link
 * ProducerFencedException}); a fenced store refuses every further write with a clear error. Reads are {@code
 * read_committed}, and before any change (so before an id is chosen) the store reads the topic to its end, so an id
 * is never issued twice, also across restarts. Needs WRITE on the TransactionalId on a secured cluster.
 */
public final class KafkaSchemaRegistry extends InMemorySchemaRegistry {
    public static final String DEFAULT_TOPIC = "_braid_schemas";
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaRegistry.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final String bootstrapServers;
    private final String transactionalId;
    private final TopicPartition partition;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final int replayed;
    private volatile String fenced;

    private KafkaSchemaRegistry(String bootstrapServers, String topic, Map<String, Object> clientProps) {
        super("kafka " + topic + "@" + bootstrapServers);
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
        this.transactionalId = transactionalId(topic);
        this.partition = new TopicPartition(topic, 0);
        ensureTopic(clientProps);
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int)
                Duration.ofMinutes(1).toMillis());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(p);
        KafkaConsumer<byte[], byte[]> c = null;
        try {
            // Fences the previous writer and completes or aborts its open transaction before we read, so the replay
            // below sees everything it committed and nothing it can still add.
            producer.initTransactions();
            c = newConsumer(clientProps);
            this.consumer = c;
            this.replayed = catchUp();
        } catch (RuntimeException e) {
            if (c != null) c.close(Duration.ZERO);
            producer.close(Duration.ZERO);
            throw new IllegalStateException(
                    "cannot open schema store " + topic + " on " + bootstrapServers + ": " + e, e);
        }
        LOG.info(
                "schema store {}: replayed {} records, max id {}, sole writer (transactional.id {})",
                topic,
                replayed,
                maxId(),
                transactionalId);
    }

    /** The transactional.id shared by every writer of a store topic: a second writer fences the first. */
    public static String transactionalId(String topic) {
        return "braid-schema-store-" + topic;
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

    private KafkaConsumer<byte[], byte[]> newConsumer(Map<String, Object> clientProps) {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
        c.assign(List.of(partition));
        c.seekToBeginning(List.of(partition));
        return c;
    }

    /** Applies every committed record up to the current end of the topic; returns how many were read. */
    private synchronized int catchUp() {
        long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
        long deadline = System.nanoTime() + TIMEOUT.toNanos() * 4;
        int n = 0;
        while (consumer.position(partition, TIMEOUT) < end) {
            if (System.nanoTime() > deadline) {
                throw new RegistryException(
                        500, RegistryException.STORE_ERROR, "timed out reading " + topic + " up to offset " + end);
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
        return n;
    }

    /** Whether a newer writer of this store has taken over (this one then refuses every write). */
    public boolean isFenced() {
        return fenced != null;
    }

    private RegistryException fencedError() {
        return new RegistryException(
                500,
                RegistryException.STORE_ERROR,
                "schema store " + topic + " on " + bootstrapServers + ": this writer was fenced by a newer one"
                        + " (transactional.id " + transactionalId + ") or its producer failed, and it refuses writes;"
                        + " a store has exactly one"
                        + " writer: use the registry that opened it last, or restart this one to take over ("
                        + fenced + ")");
    }

    @Override
    protected void beforeChange() {
        if (fenced != null) throw fencedError();
        try {
            catchUp();
        } catch (RuntimeException e) {
            if (e instanceof RegistryException r) throw r;
            throw new RegistryException(
                    500, RegistryException.STORE_ERROR, "cannot read schema store " + topic + ": " + e, e);
        }
    }

    @Override
    protected void persist(List<StoreRecord> records) {
        if (fenced != null) throw fencedError();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try {
            producer.beginTransaction();
            for (StoreRecord r : records) {
                byte[] key = JSON.writeValueAsBytes(r.key());
                byte[] value = r.value() == null ? null : JSON.writeValueAsBytes(r.value());
                sent.add(producer.send(new ProducerRecord<>(topic, 0, key, value)));
            }
            for (Future<RecordMetadata> f : sent) f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            producer.commitTransaction();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(e);
            throw new RegistryException(500, RegistryException.STORE_ERROR, "interrupted writing to " + topic, e);
        } catch (IOException | ExecutionException | TimeoutException | RuntimeException e) {
            if (isFencing(e)) {
                fenced(e);
                throw fencedError();
            }
            abort(e);
            if (fenced != null) throw fencedError();
            throw new RegistryException(
                    500, RegistryException.STORE_ERROR, "Error in the backend data store " + topic + ": " + e, e);
        }
    }

    private static boolean isFencing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // a newer writer bumped the epoch: depending on timing the old one sees any of these
            if (t instanceof ProducerFencedException
                    || t instanceof InvalidProducerEpochException
                    || t instanceof InvalidTxnStateException) return true;
        }
        return false;
    }

    private void fenced(Throwable e) {
        fenced = String.valueOf(e);
        LOG.warn(
                "schema store {}: fenced by a newer writer (transactional.id {}); refusing writes",
                topic,
                transactionalId);
        producer.close(Duration.ZERO);
    }

    private void abort(Throwable cause) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            // a producer that cannot even abort is in a fatal state: it never writes again
            LOG.warn("schema store {}: abort after {} failed: {}", topic, cause, e.toString());
            fenced(e);
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
        producer.close(fenced != null ? Duration.ZERO : Duration.ofSeconds(5));
    }
}
