package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.broker.EmbeddedKafkaBroker;
import io.braid.registry.RestSchemaRegistryClient;
import io.braid.topics.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `stack --data-dir`: the in-JVM broker's data, and with it topics and schema ids, survive a restart. */
@Timeout(180)
class LocalStackDataDirIT {
    private static final String A =
            "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}";
    private static final String B =
            "{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}";
    private static final String C =
            "{\"type\":\"record\",\"name\":\"C\",\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}";
    private static final String TOPIC = "kept";

    @Test
    void schemaIdsTopicsAndRecordsSurviveARestartOnTheSameDataDir(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("stack-data");
        int idA;
        int idB;
        try (LocalStack stack = LocalStack.start(null, 0, 1, dir)) {
            assertEquals(dir, stack.dataDir());
            assertFalse(stack.reusedData());
            assertTrue(stack.createdTopics().contains(TopicCatalog.SCHEMAS));
            RestSchemaRegistryClient registry = new RestSchemaRegistryClient(stack.registryUrl());
            idA = registry.register("a-value", A);
            idB = registry.register("b-value", B);
            try (Admin admin = Admin.create(stack.clientProps())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
                        .all()
                        .get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(stack))) {
                for (int i = 0; i < 3; i++)
                    producer.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i)).get();
            }
        }
        assertTrue(Files.exists(dir.resolve(EmbeddedKafkaBroker.MARKER)), "the data dir is kept after close");

        try (LocalStack stack = LocalStack.start(null, 0, 1, dir)) {
            assertTrue(stack.reusedData());
            assertTrue(stack.createdTopics().isEmpty(), "every topic is still there: " + stack.createdTopics());
            RestSchemaRegistryClient registry = new RestSchemaRegistryClient(stack.registryUrl());
            assertEquals(idA, registry.register("a-value", A), "same schema, same id after the restart");
            assertEquals(idB, registry.latest("b-value").id());
            assertTrue(registry.schemaById(idA).contains("\"A\""));
            int idC = registry.register("c-value", C);
            assertEquals(Math.max(idA, idB) + 1, idC, "new ids continue after the kept ones");
            assertEquals(List.of("v0", "v1", "v2"), readAll(stack));
        }
    }

    @Test
    void refusesANonEmptyDirectoryThatIsNoBrokerData(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("notes.txt"), "mine", StandardCharsets.UTF_8);
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> EmbeddedKafkaBroker.start(tmp, Map.of()));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    }

    private static Properties producerProps(LocalStack stack) {
        Properties p = stack.clientProps();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    private static List<String> readAll(LocalStack stack) {
        Properties p = stack.clientProps();
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) out.add(r.value());
            }
        }
        return out;
    }
}
