package io.braid.flink.kafka;

import io.braid.avro.DeadLetter;
import io.braid.avro.LateEvent;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.TrainingPair;
import io.braid.serde.ConfluentAvroSerializer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes one output record type in the Confluent wire format, keyed by source id, stamped with its event time (window
 * end) rather than wall-clock time so that replays produce identical records.
 */
public final class AvroRecordSerializer<T extends SpecificRecord>
        implements KafkaRecordSerializationSchema<T>, KafkaDatasetFacetProvider {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final Map<String, String> serdeConfig;
    private transient ConfluentAvroSerializer<T> serializer;

    public AvroRecordSerializer(String topic, Map<String, String> serdeConfig) {
        this.topic = topic;
        this.serdeConfig = new HashMap<>(serdeConfig);
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        serializer = new ConfluentAvroSerializer<>();
        serializer.configure(serdeConfig, false);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        if (serializer == null) open(null, context);
        byte[] value = serializer.serialize(topic, element);
        return new ProducerRecord<>(topic, null, timestampOf(element), keyOf(element), value);
    }

    /** The target topic, which the sink's POOLING transaction naming needs to know. */
    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic))));
    }

    static byte[] keyOf(Object r) {
        String k;
        if (r instanceof MultimodalWindow w) k = w.getSourceId();
        else if (r instanceof TrainingPair p) k = p.getSourceId();
        else if (r instanceof LateEvent l) k = l.getSourceId();
        else if (r instanceof DeadLetter d) {
            return d.getKey() == null ? null : bytes(d.getKey());
        } else return null;
        return k.getBytes(StandardCharsets.UTF_8);
    }

    static Long timestampOf(Object r) {
        if (r instanceof MultimodalWindow w) return w.getWindowEnd().toEpochMilli();
        if (r instanceof TrainingPair p) return p.getWindowEnd().toEpochMilli();
        if (r instanceof LateEvent l) return l.getEventTime().toEpochMilli();
        if (r instanceof DeadLetter d) return d.getFailedAt().toEpochMilli();
        return null;
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        java.nio.ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
