package io.braid.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
@Timeout(120)
class TopicCatalogIT {

    @Test
    void catalogCreatesTopicsWithTheirConfigsAndRecordsRoundTrip(KafkaBroker broker) throws Exception {
        try (Admin admin = Admin.create(broker.clientProps())) {
            Set<String> created = TopicCatalog.ensure(admin, TopicCatalog.all(2, (short) 1));
            assertTrue(created.contains(TopicCatalog.SENSOR)
                    || admin.listTopics().names().get().contains(TopicCatalog.SENSOR));
            assertEquals(
                    Set.of(), TopicCatalog.ensure(admin, TopicCatalog.all(2, (short) 1)), "second call is a no-op");
            ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, TopicCatalog.MODELS);
            ConfigEntry policy = admin.describeConfigs(List.of(models))
                    .all()
                    .get()
                    .get(models)
                    .get("cleanup.policy");
            assertEquals("compact", policy.value());
            assertEquals(
                    2,
                    admin.describeTopics(List.of(TopicCatalog.SENSOR))
                            .allTopicNames()
                            .get()
                            .get(TopicCatalog.SENSOR)
                            .partitions()
                            .size());
            short tv = admin.describeFeatures()
                    .featureMetadata()
                    .get()
                    .finalizedFeatures()
                    .get("transaction.version")
                    .maxVersionLevel();
            assertEquals(2, tv, "in-JVM broker must run production transaction.version");
        }
        Properties p = broker.clientProps();
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TopicCatalog.TEXT, "r1", "hello"))
                    .get();
        }
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts =
                    List.of(new TopicPartition(TopicCatalog.TEXT, 0), new TopicPartition(TopicCatalog.TEXT, 1));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            int n = 0;
            long deadline = System.currentTimeMillis() + 30_000;
            while (n == 0 && System.currentTimeMillis() < deadline) {
                ConsumerRecords<String, String> recs = consumer.poll(Duration.ofMillis(200));
                for (var r : recs) {
                    assertEquals("hello", r.value());
                    n++;
                }
            }
            assertEquals(1, n);
        }
    }
}
