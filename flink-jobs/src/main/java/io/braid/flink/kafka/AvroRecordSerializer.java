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
 * Writes one output record type in the Confluent wire format, keyed by source id. The value carries the event time
 * (window start/end, event time, failure time) and is byte-identical across replays; the Kafka record timestamp is left
 * to the producer, i.e. the wall-clock time at which the record is written.
 *
 * <p>Why not the event time: Kafka's time-based retention ({@code retention.ms}, 7 days on the derived topics) measures
 * a record's age from its timestamp. Replaying or backfilling input older than the retention (the simulator's default
 * start is 2025-01-01) would stamp the output with an already-expired time, and the broker's next retention pass
 * deletes the oldest segments of the output topic: the committed output silently loses its first records even though
 * every transaction committed.
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
        return record(topic, element, serializer.serialize(topic, element));
    }

    /** The record for one serialized element: keyed by source id, no explicit timestamp (the producer stamps it). */
    static ProducerRecord<byte[], byte[]> record(String topic, Object element, byte[] value) {
        return new ProducerRecord<>(topic, null, null, keyOf(element), value);
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

    private static byte[] bytes(java.nio.ByteBuffer b) {
        java.nio.ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
