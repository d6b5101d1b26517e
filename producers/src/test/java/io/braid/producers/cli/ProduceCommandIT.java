package io.braid.producers.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.CameraFrame;
import io.braid.avro.SegmentLabels;
import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.serde.ConfluentAvroDeserializer;
import io.braid.serde.SerdeConfig;
import io.braid.topics.TopicCatalog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProduceCommandIT {

    /** Reads every record of a topic from the beginning up to the current end offsets. */
    static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void producesTheThreeStreamsAndLabelsWithRegisteredSchemas(KafkaBroker broker) throws Exception {
        try (EmbeddedRegistryServer registry = new EmbeddedRegistryServer(0).start()) {
            StringWriter sw = new StringWriter();
            CommandLine cmd = new CommandLine(new ProduceCommand());
            cmd.setOut(new PrintWriter(sw));
            int code = cmd.execute(
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--schema-registry-url",
                    registry.url(),
                    "--robots",
                    "3",
                    "--duration",
                    "12s",
                    "--fast",
                    "--seed",
                    "4",
                    "--partitions",
                    "2",
                    "--progress-every",
                    "0");
            assertEquals(0, code, sw.toString());
            String printed = sw.toString();
            assertTrue(printed.contains("robot.sensor") && printed.contains("360"), printed);
            assertTrue(
                    printed.contains("benchmark p_bias=1.0 color_rule=BIASED sensor_noise=0.25 pixel_noise=0.03"
                            + " segment_ticks=8-24"),
                    printed);

            Map<String, Object> serde =
                    Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url(), SerdeConfig.SPECIFIC_AVRO_READER, "true");
            String bs = broker.bootstrapServers();
            List<ConsumerRecord<String, byte[]>> sensor = readAll(bs, TopicCatalog.SENSOR);
            List<ConsumerRecord<String, byte[]>> vision = readAll(bs, TopicCatalog.VISION);
            List<ConsumerRecord<String, byte[]>> text = readAll(bs, TopicCatalog.TEXT);
            List<ConsumerRecord<String, byte[]>> labels = readAll(bs, TopicCatalog.LABELS);
            assertEquals(3 * 120, sensor.size());
            assertEquals(3 * 120, vision.size());
            assertEquals(3 * 12, text.size());
            assertTrue(labels.size() >= 3 && labels.size() <= 6, "labels " + labels.size());

            try (var sd = new ConfluentAvroDeserializer<>(SensorChunk.class, serde);
                    var vd = new ConfluentAvroDeserializer<>(CameraFrame.class, serde);
                    var td = new ConfluentAvroDeserializer<>(TextEvent.class, serde);
                    var ld = new ConfluentAvroDeserializer<>(SegmentLabels.class, serde)) {
                for (var r : sensor) {
                    SensorChunk c = sd.deserialize(r.topic(), r.value());
                    assertEquals(r.key(), c.getSourceId());
                    assertEquals(r.timestamp(), c.getStartTime().toEpochMilli());
                    assertEquals(40, c.getValues().size());
                }
                for (var r : vision) {
                    CameraFrame f = vd.deserialize(r.topic(), r.value());
                    assertEquals(r.key(), f.getSourceId());
                    assertEquals(32 * 32 * 3, f.getData().remaining());
                }
                for (var r : text)
                    assertEquals(r.key(), td.deserialize(r.topic(), r.value()).getSourceId());
                for (var r : labels) {
                    SegmentLabels l = ld.deserialize(r.topic(), r.value());
                    assertEquals(List.of(2, 0, 3, 1), l.getColorMap());
                    assertTrue(l.getEndTime().isAfter(l.getStartTime()));
                }
            }
            // key = robot id: one robot's records stay on one partition
            Map<String, Integer> partitionOf = new HashMap<>();
            for (var r : sensor) {
                Integer prev = partitionOf.putIfAbsent(r.key(), r.partition());
                if (prev != null) assertEquals(prev, r.partition());
            }
            assertEquals(4, registry.store().subjects().size());
        }
    }
}
