package io.braid.producers;

import io.braid.avro.SegmentLabels;
import io.braid.producers.sim.FleetSimulator;
import io.braid.producers.sim.SimEvent;
import io.braid.producers.sim.SimStream;
import io.braid.producers.sim.SimulatorOptions;
import io.braid.producers.sim.WireFaults;
import io.braid.serde.ConfluentAvroSerializer;
import io.braid.serde.SerdeConfig;
import io.braid.topics.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fills the input topics from the robot simulator as fast as the broker takes them (wire-level malformations applied
 * to the serialized bytes), for the bench and the integration tests.
 */
public final class SimulatorFeeder {
    private SimulatorFeeder() {}

    public record Result(
            Map<SimStream, Long> sent,
            long malformed,
            long duplicates,
            long late,
            long bytes,
            List<SegmentLabels> labels) {
        public long inputEvents() {
            return sent.getOrDefault(SimStream.SENSOR, 0L)
                    + sent.getOrDefault(SimStream.VISION, 0L)
                    + sent.getOrDefault(SimStream.TEXT, 0L);
        }
    }

    /** Called after each simulated record is sent; lets tests mix extra records into the same producer. */
    @FunctionalInterface
    public interface AfterSend {
        void after(
                SimEvent sent,
                KafkaProducer<byte[], byte[]> producer,
                ConfluentAvroSerializer<SpecificRecord> serializer);
    }

    /** Where to send: the broker, its extra client properties, the serde config and the topic of each stream. */
    public record Target(
            String bootstrapServers,
            Properties kafkaProps,
            Map<String, String> serdeConfig,
            Function<SimStream, String> topicOf) {
        /** The catalog's topic names. */
        public Target(String bootstrapServers, Map<String, String> serdeConfig) {
            this(bootstrapServers, new Properties(), serdeConfig, StreamTopics::of);
        }
    }

    public static Result feed(Target t, SimulatorOptions sim) {
        return feed(t, sim, null);
    }

    public static Result feed(Target t, SimulatorOptions sim, AfterSend hook) {
        Map<String, Object> serde = new HashMap<>(t.serdeConfig());
        serde.put(SerdeConfig.AUTO_REGISTER_SCHEMAS, "true");
        ConfluentAvroSerializer<SpecificRecord> ser = new ConfluentAvroSerializer<>();
        ser.configure(serde, false);
        Properties p = new Properties();
        p.putAll(t.kafkaProps());
        p.put("bootstrap.servers", t.bootstrapServers());
        p.put("acks", "all");
        p.put("linger.ms", "10");
        p.put("batch.size", Integer.toString(256 * 1024));
        p.put("enable.idempotence", "true");
        p.put("max.request.size", Integer.toString(TopicCatalog.INPUT_MAX_MESSAGE_BYTES));
        Map<SimStream, Long> sent = new EnumMap<>(SimStream.class);
        List<SegmentLabels> labels = new ArrayList<>();
        long malformed = 0;
        long duplicates = 0;
        long late = 0;
        long bytes = 0;
        FleetSimulator fleet = new FleetSimulator(sim);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (SimEvent e = fleet.next(); e != null; e = fleet.next()) {
                String topic = t.topicOf().apply(e.stream());
                byte[] value = ser.serialize(topic, e.record());
                if (e.malformation() != null) {
                    malformed++;
                    if (e.malformation().wireLevel()) {
                        value = WireFaults.apply(e.malformation(), value, new SplittableRandom(e.faultSeed()));
                    }
                }
                if (e.duplicate()) duplicates++;
                if (e.late()) late++;
                if (e.stream() == SimStream.LABELS && e.record() instanceof SegmentLabels l) labels.add(l);
                bytes += value.length;
                sent.merge(e.stream(), 1L, Long::sum);
                producer.send(new ProducerRecord<>(
                        topic, null, e.kafkaTimestamp(), e.sourceId().getBytes(StandardCharsets.UTF_8), value));
                if (hook != null) hook.after(e, producer, ser);
            }
            producer.flush();
        } finally {
            ser.close();
        }
        return new Result(sent, malformed, duplicates, late, bytes, labels);
    }
}
