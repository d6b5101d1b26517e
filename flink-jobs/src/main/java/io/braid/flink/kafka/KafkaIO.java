package io.braid.flink.kafka;

import io.braid.avro.DeadLetter;
import io.braid.avro.LateEvent;
import io.braid.avro.Modality;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.TrainingPair;
import io.braid.flink.KafkaConnection;
import io.braid.flink.MultimodalWindowJob;
import io.braid.flink.WindowJobOptions;
import io.braid.flink.decode.InputEvent;
import io.braid.topics.TopicCatalog;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Kafka sources and sinks of the job, from a {@link KafkaConnection} and the options. */
public final class KafkaIO {
    private KafkaIO() {}

    public static String topic(WindowJobOptions o, Modality m) {
        switch (m) {
            case SENSOR:
                return o.sensorTopic;
            case VISION:
                return o.visionTopic;
            default:
                return o.textTopic;
        }
    }

    public static KafkaSource<InputEvent> source(KafkaConnection c, WindowJobOptions o, Modality m) {
        OffsetsInitializer start;
        switch (o.resolvedStartingOffsets()) {
            case LATEST:
                start = OffsetsInitializer.latest();
                break;
            case COMMITTED:
                start = OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                break;
            default:
                start = OffsetsInitializer.earliest();
        }
        var b = KafkaSource.<InputEvent>builder()
                .setBootstrapServers(c.bootstrapServers)
                .setTopics(topic(o, m))
                .setGroupId(o.groupId)
                .setClientIdPrefix(o.groupId + "-" + m.name().toLowerCase())
                .setStartingOffsets(start)
                .setDeserializer(new DecodingSchema(m, c.serdeConfig(), o))
                .setProperties(c.kafkaProps())
                .setProperty("isolation.level", "read_committed");
        if (o.bounded) b.setBounded(OffsetsInitializer.latest());
        return b.build();
    }

    /** The three Kafka inputs as the job builder's {@link MultimodalWindowJob.Inputs}. */
    public static MultimodalWindowJob.Inputs inputs(KafkaConnection c, WindowJobOptions o) {
        return (StreamExecutionEnvironment env, Modality m, WatermarkStrategy<InputEvent> wm) -> {
            DataStream<InputEvent> s = env.fromSource(source(c, o, m), wm, "kafka-" + topic(o, m))
                    .uid("source-" + m.name().toLowerCase());
            return s;
        };
    }

    /**
     * The producer's max.request.size for one sink, from {@link TopicCatalog} (the topics' max.message.bytes): an
     * explicit --kafka-property wins, except that the DLQ sink always admits a dead letter of the configured bound.
     */
    static int maxRequestSize(KafkaConnection c, WindowJobOptions o, String name) {
        String given = c.kafkaProperties.get("max.request.size");
        if (name.equals("dlq")) {
            int need = o.maxDeadLetterBytes + TopicCatalog.RECORD_HEADROOM_BYTES;
            return given == null ? need : Math.max(need, Integer.parseInt(given.trim()));
        }
        if (given != null) return Integer.parseInt(given.trim());
        return TopicCatalog.maxMessageBytes(name.equals("late") ? TopicCatalog.LATE : TopicCatalog.WINDOWS);
    }

    public static <T extends SpecificRecord> KafkaSink<T> sink(
            KafkaConnection c, WindowJobOptions o, String topic, String name) {
        Properties p = c.kafkaProps();
        p.setProperty("transaction.timeout.ms", Long.toString(o.transactionTimeoutMs));
        p.setProperty("max.request.size", Integer.toString(maxRequestSize(c, o, name)));
        return KafkaSink.<T>builder()
                .setBootstrapServers(c.bootstrapServers)
                .setKafkaProducerConfig(p)
                .setRecordSerializer(new AvroRecordSerializer<T>(topic, c.serdeConfig()))
                .setDeliveryGuarantee(DeliveryGuarantee.valueOf(o.deliveryGuarantee.name()))
                .setTransactionalIdPrefix(o.transactionalIdPrefix + "-" + name)
                .setTransactionNamingStrategy(o.transactionNaming)
                .build();
    }

    public static MultimodalWindowJob.Sinks sinks(KafkaConnection c, WindowJobOptions o) {
        return new MultimodalWindowJob.Sinks(
                KafkaIO.<MultimodalWindow>sink(c, o, o.windowsTopic, "windows"),
                o.emitTrain ? KafkaIO.<TrainingPair>sink(c, o, o.trainTopic, "train") : null,
                KafkaIO.<LateEvent>sink(c, o, o.lateTopic, "late"),
                KafkaIO.<DeadLetter>sink(c, o, o.dlqTopic, "dlq"));
    }
}
