package io.braid.flink.kafka;

import io.braid.avro.CameraFrame;
import io.braid.avro.DeadLetter;
import io.braid.avro.Modality;
import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import io.braid.flink.WindowJobOptions;
import io.braid.flink.decode.ClockAheadGuard;
import io.braid.flink.decode.DlqReason;
import io.braid.flink.decode.InputEvent;
import io.braid.flink.decode.InvalidRecordException;
import io.braid.flink.decode.RecordValidator;
import io.braid.serde.ConfluentAvroDeserializer;
import io.braid.serde.WireFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes one input topic (Confluent wire format through schemas/) and validates each record; a record that fails
 * either step becomes an {@link InputEvent} carrying a {@link DeadLetter} with the reason, never an exception, so bad
 * input cannot stop the job. Only an unreachable or misconfigured registry (a URL that does not answer like a
 * Confluent registry) fails the task (a restart retries it); a genuine unknown schema id (40403) is a dead letter. A
 * valid record whose source clock runs ahead of its partition ({@link ClockAheadGuard}) becomes a CLOCK_AHEAD dead
 * letter here, before its timestamp can reach the partition's watermark.
 */
public final class DecodingSchema implements KafkaRecordDeserializationSchema<InputEvent> {
    private static final long serialVersionUID = 1L;

    private final Modality modality;
    private final Map<String, String> serdeConfig;
    private final WindowJobOptions options;

    private transient ConfluentAvroDeserializer<? extends SpecificRecord> deserializer;
    private transient RecordValidator validator;
    private transient ClockAheadGuard clock;

    public DecodingSchema(Modality modality, Map<String, String> serdeConfig, WindowJobOptions options) {
        this.modality = modality;
        this.serdeConfig = new HashMap<>(serdeConfig);
        this.options = options;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        deserializer = new ConfluentAvroDeserializer<>(type(modality), serdeConfig);
        validator = new RecordValidator(options);
        clock = new ClockAheadGuard(options.maxClockAheadMs);
    }

    static Class<? extends SpecificRecord> type(Modality m) {
        switch (m) {
            case SENSOR:
                return SensorChunk.class;
            case VISION:
                return CameraFrame.class;
            default:
                return TextEvent.class;
        }
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InputEvent> out) throws IOException {
        if (deserializer == null) open(null);
        InputEvent e = decode(record, deserializer, validator, options);
        if (!e.isDead()) {
            // after decoding, before the watermark generator sees the event: a fast clock becomes a dead letter
            String ahead = clock.check(record.partition(), e.eventTime, System.currentTimeMillis());
            if (ahead != null) e = dead(record, "watermark", DlqReason.CLOCK_AHEAD, ahead);
        }
        out.collect(e);
    }

    /** The whole decode-and-validate step for one record, as a function (the unit tests call it directly). */
    public static InputEvent decode(
            ConsumerRecord<byte[], byte[]> record,
            org.apache.kafka.common.serialization.Deserializer<? extends SpecificRecord> deserializer,
            RecordValidator validator,
            WindowJobOptions options)
            throws IOException {
        InputEvent e;
        try {
            SpecificRecord value = deserializer.deserialize(record.topic(), record.value());
            if (value instanceof SensorChunk s) e = validator.sensor(s);
            else if (value instanceof CameraFrame f) e = validator.frame(f);
            else if (value instanceof TextEvent t) e = validator.text(t);
            else throw new InvalidRecordException(DlqReason.DESERIALIZATION_FAILED, "unexpected record type " + value);
            if (options.maxRecordTimeSkewMs > 0
                    && record.timestamp() >= 0
                    && Math.abs(e.eventTime - record.timestamp()) > options.maxRecordTimeSkewMs) {
                throw new InvalidRecordException(
                        DlqReason.ABSURD_TIMESTAMP,
                        "event time " + e.eventTime + " is more than " + options.maxRecordTimeSkewMs
                                + " ms from the record timestamp " + record.timestamp());
            }
        } catch (WireFormatException ex) {
            if (ex.reason() == WireFormatException.Reason.REGISTRY_UNAVAILABLE) {
                throw new IOException("schema registry unavailable: " + ex.getMessage(), ex);
            }
            if (ex.reason() == WireFormatException.Reason.REGISTRY_MISCONFIGURED) {
                // Not bad data: every record would be dead-lettered. Fail the task; the restart strategy retries.
                throw new IOException("schema registry misconfigured: " + ex.getMessage(), ex);
            }
            return dead(record, "deserialize", ex.reason().name(), ex.getMessage());
        } catch (InvalidRecordException ex) {
            return dead(record, "validate", ex.reason(), ex.getMessage());
        } catch (RuntimeException ex) {
            return dead(record, "deserialize", DlqReason.DESERIALIZATION_FAILED, String.valueOf(ex));
        }
        e.topic = record.topic();
        e.partition = record.partition();
        e.offset = record.offset();
        if (options.lateWithValue) e.raw = record.value();
        return e;
    }

    static InputEvent dead(ConsumerRecord<byte[], byte[]> r, String stage, String reason, String message) {
        InputEvent e = new InputEvent();
        e.topic = r.topic();
        e.partition = r.partition();
        e.offset = r.offset();
        e.eventTime = Long.MIN_VALUE;
        e.deadLetter = DeadLetter.newBuilder()
                .setSourceTopic(r.topic())
                .setSourcePartition(r.partition())
                .setSourceOffset(r.offset())
                .setKey(r.key() == null ? null : ByteBuffer.wrap(r.key()))
                .setValue(r.value() == null ? null : ByteBuffer.wrap(r.value()))
                .setStage(stage)
                .setReason(reason)
                .setError(message == null ? reason : message.length() > 2000 ? message.substring(0, 2000) : message)
                .setFailedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .build();
        return e;
    }

    @Override
    public TypeInformation<InputEvent> getProducedType() {
        return TypeInformation.of(InputEvent.class);
    }
}
