package io.braid.flink;

import io.braid.producers.SimulatorFeeder;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.serde.ConfluentAvroDeserializer;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Topic set-up and read_committed verification readers (assign + seekToBeginning, no consumer group). */
final class KafkaTestSupport {
    private KafkaTestSupport() {}

    /** Options whose topics all carry the prefix, bounded, fast checkpoints. */
    static WindowJobOptions options(String prefix) {
        WindowJobOptions o = new WindowJobOptions();
        o.sensorTopic = prefix + ".sensor";
        o.visionTopic = prefix + ".vision";
        o.textTopic = prefix + ".text";
        withOutputs(o, prefix);
        o.bounded = true;
        o.checkpointIntervalMs = 500;
        o.parallelism = 2;
        o.checkpointDir = LocalWindowJob.tempCheckpointDir();
        return o;
    }

    static WindowJobOptions withOutputs(WindowJobOptions o, String prefix) {
        o.windowsTopic = prefix + ".windows";
        o.trainTopic = prefix + ".train";
        o.lateTopic = prefix + ".late";
        o.dlqTopic = prefix + ".dlq";
        o.groupId = "g-" + prefix;
        o.transactionalIdPrefix = "tx-" + prefix;
        return o;
    }

    /** Fills the job's input topics from the simulator. */
    static SimulatorFeeder.Result feed(KafkaConnection c, SimulatorOptions sim, WindowJobOptions o) {
        return feed(c, sim, o, null);
    }

    static SimulatorFeeder.Result feed(
            KafkaConnection c, SimulatorOptions sim, WindowJobOptions o, SimulatorFeeder.AfterSend hook) {
        SimulatorFeeder.Target t =
                new SimulatorFeeder.Target(c.bootstrapServers, c.kafkaProps(), c.serdeConfig(), s -> switch (s) {
                    case SENSOR -> o.sensorTopic;
                    case VISION -> o.visionTopic;
                    case TEXT -> o.textTopic;
                    case LABELS -> TopicCatalog.LABELS;
                });
        return SimulatorFeeder.feed(t, sim, hook);
    }

    static void createTopics(String bootstrap, WindowJobOptions o) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            List<TopicSpec> specs = new ArrayList<>();
            // The simulator's events (and so the input records' timestamps) start on 2025-01-01: with the broker's
            // default 7-day retention, its first retention pass (30 s after start-up) would delete the inputs.
            Map<String, String> keep = Map.of("retention.ms", "-1");
            for (String t : List.of(o.sensorTopic, o.visionTopic, o.textTopic)) {
                specs.add(new TopicSpec(t, 2, (short) 1, keep));
            }
            specs.add(new TopicSpec(TopicCatalog.LABELS, 2, (short) 1, keep));
            // The outputs keep the broker's default retention: the job stamps them with the time of writing.
            for (String t : List.of(o.windowsTopic, o.trainTopic, o.lateTopic, o.dlqTopic)) {
                specs.add(new TopicSpec(t, 2, (short) 1, Map.of()));
            }
            TopicCatalog.ensure(admin, specs);
        }
    }

    /** Every committed record of a topic. */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic) {
        return read(bootstrap, topic, "read_committed");
    }

    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, String isolation) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", isolation);
        p.put("enable.auto.commit", "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                boolean done = true;
                for (TopicPartition tp : parts) if (c.position(tp) < end.get(tp)) done = false;
                if (done) break;
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static <T extends SpecificRecord> List<T> decode(
            List<ConsumerRecord<byte[], byte[]>> records, Class<T> type, String registryUrl) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("schema.registry.url", registryUrl);
        ConfluentAvroDeserializer<T> d = new ConfluentAvroDeserializer<>(type, cfg);
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) out.add(d.deserialize(r.topic(), r.value()));
        return out;
    }
}
