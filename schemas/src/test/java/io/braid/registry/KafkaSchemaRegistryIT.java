package io.braid.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.topics.TopicCatalog;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
@Timeout(120)
class KafkaSchemaRegistryIT {
    @Test
    void defaultTopicIsTheCatalogs() {
        assertEquals(TopicCatalog.SCHEMAS, KafkaSchemaRegistry.DEFAULT_TOPIC);
    }

    @Test
    void idsVersionsAndConfigSurviveARestart(KafkaBroker broker) {
        String topic = "_braid_schemas_restart";
        int id1;
        int id2;
        try (KafkaSchemaRegistry store = KafkaSchemaRegistry.open(broker.bootstrapServers(), topic);
                EmbeddedRegistryServer server = new EmbeddedRegistryServer(store, 0).start()) {
            RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url());
            id1 = client.register("a-value", InMemorySchemaRegistryTest.V1);
            id2 = client.register("a-value", InMemorySchemaRegistryTest.V2);
            assertEquals(id1, client.register("b-value", InMemorySchemaRegistryTest.V1));
            client.register("gone", InMemorySchemaRegistryTest.BAD);
            client.deleteSubject("gone", false);
            client.setCompatibility("a-value", CompatibilityLevel.FULL);
            client.setCompatibility(null, CompatibilityLevel.FORWARD);
        }
        try (KafkaSchemaRegistry store = KafkaSchemaRegistry.open(broker.bootstrapServers(), topic);
                EmbeddedRegistryServer server = new EmbeddedRegistryServer(store, 0).start()) {
            assertTrue(store.replayedRecords() >= 7, "replayed " + store.replayedRecords());
            RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url());
            assertEquals(List.of("a-value", "b-value"), client.subjects());
            assertEquals(id2, client.latest("a-value").id());
            assertEquals(List.of(1, 2), client.versions("a-value"));
            assertEquals(
                    id1,
                    client.lookup("b-value", InMemorySchemaRegistryTest.V1)
                            .orElseThrow()
                            .id());
            assertEquals(id1, client.register("a-value", InMemorySchemaRegistryTest.V1), "idempotent after restart");
            assertEquals(CompatibilityLevel.FULL, client.getCompatibility("a-value"));
            assertEquals(CompatibilityLevel.FORWARD, client.getCompatibility(null));
            assertTrue(client.schemaById(3).contains("\"c\""), "the deleted subject's id still resolves");
            String v4 = InMemorySchemaRegistryTest.V2.replace("\"b\"", "\"d\"");
            int next = client.register("c-value", v4);
            assertEquals(4, next, "new ids continue after the highest replayed one");
            assertEquals(
                    409,
                    assertThrows(
                                    RegistryException.class,
                                    () -> client.register("a-value", InMemorySchemaRegistryTest.BAD))
                            .status());
        }
    }

    @Test
    void refusesATopicWithSeveralPartitions(KafkaBroker broker) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("_braid_schemas_bad", 3, (short) 1)
                            .configs(Map.of("cleanup.policy", "compact"))))
                    .all()
                    .get();
        }
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> KafkaSchemaRegistry.open(broker.bootstrapServers(), "_braid_schemas_bad"));
        assertTrue(e.getMessage().contains("exactly 1"), e.getMessage());
    }
}
