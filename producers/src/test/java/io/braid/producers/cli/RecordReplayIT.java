package io.braid.producers.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.producers.KafkaClients;
import io.braid.producers.ProduceRunner;
import io.braid.producers.StreamTopics;
import io.braid.producers.record.RecordedRecord;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.registry.InMemorySchemaRegistry;
import io.braid.registry.RegistryClients;
import io.braid.serde.ConfluentAvroSerializer;
import io.braid.serde.SerdeConfig;
import io.braid.topics.TopicCatalog;
import io.braid.topics.TopicSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RecordReplayIT {

    @Test
    void recordThenReplayIntoOtherTopicsAndAnotherRegistryKeepsEveryRecord(KafkaBroker broker, @TempDir Path dir)
            throws Exception {
        String bs = broker.bootstrapServers();
        List<String> source = StreamTopics.INPUTS.stream().map(t -> "rr." + t).toList();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bs))) {
            List<TopicSpec> specs = new ArrayList<>();
            for (TopicSpec t : StreamTopics.inputSpecs(2, (short) 1)) {
                specs.add(new TopicSpec("rr." + t.name(), 2, (short) 1, t.configs()));
                specs.add(new TopicSpec("back.rr." + t.name(), 2, (short) 1, t.configs()));
            }
            TopicCatalog.ensure(admin, specs);
        }
        Map<String, Object> props = KafkaClients.producer(bs, null);
        Map<String, Object> serde = new HashMap<>(props);
        serde.put(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://rr-source");
        SimulatorOptions o = new SimulatorOptions()
                .robots(2)
                .durationMs(6_000)
                .seed(12)
                .startTimeMs(System.currentTimeMillis() / 1000 * 1000)
                .malformedFraction(0.1)
                .outOfOrderFraction(0.1);
        try (var producer = new KafkaProducer<byte[], byte[]>(props);
                var ser = new ConfluentAvroSerializer<Object>(null, serde, false)) {
            ProduceRunner.Result r = new ProduceRunner(o, producer, ser, false, 0, null)
                    .topics(s -> "rr." + StreamTopics.of(s))
                    .run();
            assertEquals(0, r.errors(), r.firstError());
        }

        StringWriter rec = new StringWriter();
        CommandLine record = new CommandLine(new RecordCommand());
        record.setOut(new PrintWriter(rec));
        int code = record.execute(
                "--bootstrap-servers",
                bs,
                "--schema-registry-url",
                "mock://rr-source",
                "--topics",
                String.join(",", source),
                "--output",
                dir.toString());
        assertEquals(0, code, rec.toString());
        for (String t : source) assertTrue(Files.size(dir.resolve(RecordedRecord.fileName(t))) > 0);

        CommandLine replay = new CommandLine(new ReplayCommand());
        replay.setOut(new PrintWriter(new StringWriter()));
        code = replay.execute(
                dir.toString(),
                "--bootstrap-servers",
                bs,
                "--schema-registry-url",
                "mock://rr-target",
                "--topic-prefix",
                "back.",
                "--fast");
        assertEquals(0, code);

        InMemorySchemaRegistry src = RegistryClients.mockScope("rr-source");
        InMemorySchemaRegistry dst = RegistryClients.mockScope("rr-target");
        int checked = 0, malformed = 0;
        for (String t : source) {
            Map<String, List<ConsumerRecord<String, byte[]>>> a = byKey(ProduceCommandIT.readAll(bs, t));
            Map<String, List<ConsumerRecord<String, byte[]>>> b = byKey(ProduceCommandIT.readAll(bs, "back." + t));
            assertEquals(a.keySet(), b.keySet());
            for (String key : a.keySet()) {
                List<ConsumerRecord<String, byte[]>> x = a.get(key), y = b.get(key);
                assertEquals(x.size(), y.size(), t + " " + key);
                for (int i = 0; i < x.size(); i++) {
                    byte[] v = x.get(i).value(), w = y.get(i).value();
                    assertEquals(x.get(i).timestamp(), y.get(i).timestamp());
                    assertEquals(v.length, w.length);
                    assertArrayEquals(Arrays.copyOfRange(v, 5, v.length), Arrays.copyOfRange(w, 5, w.length));
                    Integer id = RecordedRecord.schemaId(v);
                    String schema = id == null ? null : known(src, id);
                    if (schema != null) {
                        assertEquals(schema, known(dst, RecordedRecord.schemaId(w)));
                    } else {
                        assertArrayEquals(v, w); // bad magic / unknown id: replayed byte for byte
                        malformed++;
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked > 2 * (60 + 60 + 6));
        assertTrue(malformed > 0);
    }

    private static String known(InMemorySchemaRegistry r, int id) {
        try {
            return r.schemaById(id);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Map<String, List<ConsumerRecord<String, byte[]>>> byKey(List<ConsumerRecord<String, byte[]>> rs) {
        Map<String, List<ConsumerRecord<String, byte[]>>> m = new HashMap<>();
        for (var r : rs) m.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
        return m;
    }
}
