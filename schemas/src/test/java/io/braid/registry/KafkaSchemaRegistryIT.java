package io.braid.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.topics.TopicCatalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
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

    private static String schema(String name) {
        return "{\"type\":\"record\",\"name\":\"" + name + "\",\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}";
    }

    private static String canonical(String schema) {
        return new Schema.Parser().parse(schema).toString();
    }

    @Test
    void aSecondWriterFencesTheFirstAndIdsSurviveARestart(KafkaBroker broker) {
        String topic = "_braid_schemas_fence";
        try (KafkaSchemaRegistry first = KafkaSchemaRegistry.open(broker.bootstrapServers(), topic)) {
            assertEquals(1, first.register("a", schema("A")));
            try (KafkaSchemaRegistry second = KafkaSchemaRegistry.open(broker.bootstrapServers(), topic)) {
                assertEquals(1, second.maxId(), "the second writer read the first one's ids before writing");
                RegistryException e = assertThrows(RegistryException.class, () -> first.register("b", schema("B")));
                assertTrue(e.getMessage().contains("fenced"), e.getMessage());
                assertTrue(e.getMessage().contains(KafkaSchemaRegistry.transactionalId(topic)), e.getMessage());
                assertTrue(first.isFenced());
                assertFalse(second.isFenced());
                assertThrows(RegistryException.class, () -> first.setCompatibility(null, CompatibilityLevel.NONE));
                assertThrows(RegistryException.class, () -> first.register("c", schema("C")), "refuses for good");
                assertEquals(2, second.register("b", schema("B")));
                assertEquals(1, second.register("a", schema("A")));
            }
        }
        try (KafkaSchemaRegistry again = KafkaSchemaRegistry.open(broker.bootstrapServers(), topic)) {
            assertEquals(canonical(schema("A")), again.schemaById(1));
            assertEquals(canonical(schema("B")), again.schemaById(2));
            assertThrows(RegistryException.class, () -> again.schemaById(3), "the fenced writer's C never landed");
            assertEquals(3, again.register("c", schema("C")), "ids continue after a restart");
        }
    }

    @Test
    void concurrentWritersNeverIssueOneIdForTwoSchemas(KafkaBroker broker) throws Exception {
        String topic = "_braid_schemas_race";
        List<KafkaSchemaRegistry> stores = new CopyOnWriteArrayList<>();
        Map<Integer, String> issued = new ConcurrentHashMap<>();
        List<String> clashes = new CopyOnWriteArrayList<>();
        List<String> otherErrors = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            stores.add(KafkaSchemaRegistry.open(broker.bootstrapServers(), topic));
            stores.add(KafkaSchemaRegistry.open(broker.bootstrapServers(), topic));
            CountDownLatch started = new CountDownLatch(4);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    started.countDown();
                    for (int i = 0; i < 15; i++) {
                        // each writer thread keeps using every store it knows, the fenced ones included
                        KafkaSchemaRegistry store = stores.get((thread + i) % stores.size());
                        String s = schema("R" + thread + "_" + i);
                        try {
                            int id = store.register("s-" + thread + "-" + i, s);
                            String before = issued.putIfAbsent(id, canonical(s));
                            if (before != null && !before.equals(canonical(s)))
                                clashes.add(id + ": " + before + " / " + s);
                        } catch (RegistryException e) {
                            if (e.getMessage().contains("fenced")) refused.incrementAndGet();
                            else otherErrors.add(e.toString());
                        }
                    }
                    return null;
                }));
            }
            started.await();
            // a third writer takes over while the others are registering
            stores.add(KafkaSchemaRegistry.open(broker.bootstrapServers(), topic));
            for (Future<?> f : writers) f.get(90, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
            stores.forEach(KafkaSchemaRegistry::close);
        }
        assertTrue(clashes.isEmpty(), "one id for two schemas: " + clashes);
        assertTrue(otherErrors.isEmpty(), otherErrors.toString());
        assertFalse(issued.isEmpty());
        assertTrue(refused.get() > 0, "the fenced writers were used and refused");
        try (KafkaSchemaRegistry replay = KafkaSchemaRegistry.open(broker.bootstrapServers(), topic)) {
            Map<Integer, String> mismatches = new HashMap<>();
            issued.forEach((id, s) -> {
                if (!s.equals(replay.schemaById(id))) mismatches.put(id, s);
            });
            assertTrue(mismatches.isEmpty(), "an acknowledged id resolves to another schema: " + mismatches);
            assertEquals(issued.size(), replay.maxId(), "ids are dense: no acknowledged id was lost or skipped");
        }
    }
}
