package io.braid.trainer.online;

import io.braid.avro.ModelVersion;
import io.braid.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads the versions on mm.models (read_committed, from the beginning to the end offsets at call time). */
final class PublishedVersions {
    private PublishedVersions() {}

    static List<ModelVersion> read(
            String bootstrap, Map<String, Object> kafka, Map<String, Object> serde, String topic, Duration timeout) {
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        List<ModelVersion> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> k =
                        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                Deserializer<ModelVersion> de = Topics.MODELS.valueSerde(serde).deserializer()) {
            List<TopicPartition> tps = new ArrayList<>();
            List<PartitionInfo> ps = k.partitionsFor(topic);
            if (ps != null) for (PartitionInfo p : ps) tps.add(new TopicPartition(topic, p.partition()));
            if (tps.isEmpty()) return out;
            k.assign(tps);
            k.seekToBeginning(tps);
            Map<TopicPartition, Long> end = k.endOffsets(tps);
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (!reached(k, end)) {
                if (System.currentTimeMillis() > deadline)
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                for (ConsumerRecord<byte[], byte[]> r : k.poll(Duration.ofMillis(200)))
                    if (r.value() != null) out.add(de.deserialize(topic, r.headers(), r.value()));
            }
        }
        return out;
    }

    private static boolean reached(KafkaConsumer<?, ?> k, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet())
            if (k.position(e.getKey()) < e.getValue()) return false;
        return true;
    }
}
