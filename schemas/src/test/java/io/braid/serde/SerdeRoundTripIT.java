package io.braid.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.registry.KafkaSchemaRegistry;
import io.braid.registry.RestSchemaRegistryClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every contract type through a real producer and consumer, with ids from a registry persisted on the broker. */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(180)
class SerdeRoundTripIT {
    private static final int PER_TYPE = 20;

    @Test
    void everyContractRoundTripsThroughKafkaWithRegistryIds(KafkaBroker broker) throws Exception {
        try (KafkaSchemaRegistry store = KafkaSchemaRegistry.open(broker.bootstrapServers(), "_braid_schemas_it");
                EmbeddedRegistryServer server = new EmbeddedRegistryServer(store, 0).start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            List<NewTopic> topics = new ArrayList<>();
            for (Class<? extends SpecificRecord> t : RandomDatum.CONTRACTS) {
                topics.add(new NewTopic("it." + t.getSimpleName(), 1, (short) 1));
            }
            admin.createTopics(topics).all().get();

            Properties p = broker.clientProps();
            p.put(SerdeConfig.SCHEMA_REGISTRY_URL, server.url());
            p.put("key.serializer", StringSerializer.class.getName());
            p.put("value.serializer", ConfluentAvroSerializer.class.getName());
            p.put("acks", "all");
            Map<Class<?>, List<SpecificRecord>> sent = new HashMap<>();
            try (KafkaProducer<String, Object> producer = new KafkaProducer<>(p)) {
                for (Class<? extends SpecificRecord> t : RandomDatum.CONTRACTS) {
                    for (int i = 0; i < PER_TYPE; i++) {
                        SpecificRecord r = RandomDatum.specific(t, 1000 + i);
                        sent.computeIfAbsent(t, k -> new ArrayList<>()).add(r);
                        producer.send(new ProducerRecord<>("it." + t.getSimpleName(), "robot-" + i, r));
                    }
                }
                producer.flush();
            }

            RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url());
            for (Class<? extends SpecificRecord> t : RandomDatum.CONTRACTS) {
                String topic = "it." + t.getSimpleName();
                int id = client.latest(topic + "-value").id();
                assertEquals(
                        id,
                        client.lookup(
                                        topic + "-value",
                                        RandomDatum.specific(t, 0).getSchema().toString())
                                .orElseThrow()
                                .id());
                for (ConsumerRecord<String, byte[]> r : read(broker, topic, new ByteArrayDeserializer())) {
                    assertEquals(0, r.value()[0]);
                    assertEquals(id, ByteBuffer.wrap(r.value(), 1, 4).getInt(), "registry id on the wire");
                }
                List<Object> got = new ArrayList<>();
                Map<String, Object> cfg = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, server.url());
                for (ConsumerRecord<String, ?> r : read(broker, topic, new ConfluentAvroDeserializer<>(t, cfg))) {
                    got.add(r.value());
                }
                assertEquals(sent.get(t), got, t.getSimpleName());
                ConfluentAvroDeserializer<Object> viaKafkaConfig = new ConfluentAvroDeserializer<>();
                viaKafkaConfig.configure(
                        Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, server.url(), SerdeConfig.SPECIFIC_AVRO_READER, true),
                        false);
                List<Object> got2 = new ArrayList<>();
                read(broker, topic, viaKafkaConfig).forEach(r -> got2.add(r.value()));
                assertEquals(sent.get(t), got2);
            }
            assertTrue(store.maxId() >= RandomDatum.CONTRACTS.size());
        }
    }

    private static <V> List<ConsumerRecord<String, V>> read(
            KafkaBroker broker, String topic, org.apache.kafka.common.serialization.Deserializer<V> de) {
        Properties p = broker.clientProps();
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> c = new KafkaConsumer<>(p, new StringDeserializer(), de)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < PER_TYPE && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
