package io.braid.topics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/** The one place that knows Braid's topics and how they are created (DESIGN.md, Contracts). */
public final class TopicCatalog {
    public static final String SENSOR = "robot.sensor";
    public static final String VISION = "robot.vision";
    public static final String TEXT = "robot.text";
    public static final String LABELS = "robot.labels";
    public static final String WINDOWS = "mm.windows";
    public static final String TRAIN = "mm.train";
    public static final String MODELS = "mm.models";
    public static final String EMBEDDINGS = "mm.embeddings";
    public static final String PREDICTIONS = "mm.predictions";
    public static final String DLQ = "mm.dlq";
    public static final String LATE = "mm.late";
    /** Embedded registry store; deliberately not "_schemas" so it can never clash with a real registry. */
    public static final String SCHEMAS = "_braid_schemas";

    private static final long DAY_MS = 24L * 3600 * 1000;

    /*
     * Record size limits: the single source of every topic's max.message.bytes and of the matching producers'
     * max.request.size, so a producer never builds a record its topic refuses (and a sink never fails a job on it).
     */
    /** Robot inputs: an encoded frame may reach the job's 1 MiB --max-frame-bytes plus its envelope. */
    public static final int INPUT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    /** Derived records (windows, pairs, embeddings, late events that carry their input's bytes). */
    public static final int DERIVED_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    /** Dead letters: bounded by the job (head + size + hash of an oversized original), so 1 MiB is plenty. */
    public static final int DLQ_MAX_MESSAGE_BYTES = 1024 * 1024;
    /** Room a record needs beyond its key and value bytes: Avro fields, wire header, Kafka record/batch overhead. */
    public static final int RECORD_HEADROOM_BYTES = 64 * 1024;

    private TopicCatalog() {}

    /** All topics with their defaults for the given partition count and replication factor. */
    public static List<TopicSpec> all(int partitions, short replication) {
        List<TopicSpec> t = new ArrayList<>();
        for (String input : List.of(SENSOR, VISION, TEXT, LABELS)) {
            t.add(new TopicSpec(input, partitions, replication, retention(input, 7 * DAY_MS)));
        }
        for (String derived : List.of(WINDOWS, TRAIN, EMBEDDINGS, PREDICTIONS)) {
            t.add(new TopicSpec(derived, partitions, replication, retention(derived, 7 * DAY_MS)));
        }
        t.add(new TopicSpec(DLQ, 1, replication, retention(DLQ, 30 * DAY_MS)));
        t.add(new TopicSpec(LATE, 1, replication, retention(LATE, 30 * DAY_MS)));
        t.add(new TopicSpec(MODELS, 1, replication, compacted(MODELS)));
        t.add(new TopicSpec(SCHEMAS, 1, replication, compacted(SCHEMAS)));
        return t;
    }

    /**
     * max.message.bytes of a catalog topic (and so the max.request.size of its producers); topics outside the
     * catalog get the derived-record limit.
     */
    public static int maxMessageBytes(String topic) {
        switch (topic) {
            case SENSOR:
            case VISION:
            case TEXT:
            case LABELS:
                return INPUT_MAX_MESSAGE_BYTES;
            case DLQ:
                return DLQ_MAX_MESSAGE_BYTES;
            default:
                return DERIVED_MAX_MESSAGE_BYTES;
        }
    }

    /** Largest key + value a dead letter may keep so that the record fits mm.dlq's max.message.bytes. */
    public static int maxDeadLetterPayloadBytes() {
        return DLQ_MAX_MESSAGE_BYTES - RECORD_HEADROOM_BYTES;
    }

    private static Map<String, String> retention(String topic, long ms) {
        return Map.of(
                "retention.ms",
                Long.toString(ms),
                "cleanup.policy",
                "delete",
                "max.message.bytes",
                Integer.toString(maxMessageBytes(topic)));
    }

    private static Map<String, String> compacted(String topic) {
        return Map.of("cleanup.policy", "compact", "max.message.bytes", Integer.toString(maxMessageBytes(topic)));
    }

    /** Creates the topics that do not exist yet; returns the names it created. */
    public static Set<String> ensure(Admin admin, List<TopicSpec> specs) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = specs.stream()
                    .filter(s -> !existing.contains(s.name()))
                    .map(s -> new NewTopic(s.name(), s.partitions(), s.replicationFactor())
                            .configs(new HashMap<>(s.configs())))
                    .collect(Collectors.toList());
            if (missing.isEmpty()) return Set.of();
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) throw e;
            }
            Set<String> created = missing.stream().map(NewTopic::name).collect(Collectors.toSet());
            awaitLeaders(admin, created);
            return created;
        } catch (Exception e) {
            throw new IllegalStateException("could not create topics: " + e.getMessage(), e);
        }
    }

    /**
     * Returns once every partition of the new topics has a leader. A producer that writes into a topic whose leader
     * is not yet known gets a retriable error on its first batch while a later one may succeed, and an idempotent
     * producer then retries the first forever (KAFKA-14359); waiting here keeps the first writes clean.
     */
    private static void awaitLeaders(Admin admin, Set<String> topics) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            boolean ready;
            try {
                Map<TopicPartition, OffsetSpec> parts = new HashMap<>();
                boolean leaders = true;
                for (var d : admin.describeTopics(topics)
                        .allTopicNames()
                        .get(30, TimeUnit.SECONDS)
                        .values())
                    for (var p : d.partitions()) {
                        leaders &= p.leader() != null && !p.leader().isEmpty();
                        parts.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
                    }
                // the metadata names a leader before its replica manager serves the partition: ListOffsets is
                // answered by the leader itself, so it succeeds only once a produce would
                ready = leaders
                        && admin.listOffsets(parts)
                                        .all()
                                        .get(30, TimeUnit.SECONDS)
                                        .size()
                                == parts.size();
            } catch (ExecutionException e) {
                ready = false; // not propagated yet (UnknownTopicOrPartition, NotLeaderOrFollower)
            }
            if (ready) return;
            if (System.currentTimeMillis() > deadline)
                throw new IllegalStateException("topics " + topics + " have no leader after 30 s");
            Thread.sleep(50);
        }
    }
}
