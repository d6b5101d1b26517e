package io.braid.bench;

import io.braid.flink.KafkaConnection;
import io.braid.flink.WindowJobOptions;
import java.io.IOException;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The baseline of `bench flink`: the same three input topics copied byte for byte to one topic, same guarantee. */
public final class PassthroughJob {
    private PassthroughJob() {}

    public static void build(StreamExecutionEnvironment env, KafkaConnection c, WindowJobOptions o, String outTopic) {
        KafkaSource<byte[]> source = KafkaSource.<byte[]>builder()
                .setBootstrapServers(c.bootstrapServers)
                .setTopics(o.sensorTopic, o.visionTopic, o.textTopic)
                .setGroupId("braid-bench-passthrough")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(new ValueBytes())
                .setProperties(c.kafkaProps())
                .build();
        Properties p = c.kafkaProps();
        p.setProperty("transaction.timeout.ms", Long.toString(o.transactionTimeoutMs));
        KafkaSink<byte[]> sink = KafkaSink.<byte[]>builder()
                .setBootstrapServers(c.bootstrapServers)
                .setKafkaProducerConfig(p)
                .setRecordSerializer(KafkaRecordSerializationSchema.<byte[]>builder()
                        .setTopic(outTopic)
                        .setValueSerializationSchema(new Identity())
                        .build())
                .setDeliveryGuarantee(DeliveryGuarantee.valueOf(o.deliveryGuarantee.name()))
                .setTransactionalIdPrefix(o.transactionalIdPrefix + "-passthrough")
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka-inputs").sinkTo(sink);
    }

    static final class ValueBytes implements KafkaRecordDeserializationSchema<byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<byte[]> out) throws IOException {
            out.collect(record.value() == null ? new byte[0] : record.value());
        }

        @Override
        public TypeInformation<byte[]> getProducedType() {
            return PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
        }
    }

    static final class Identity implements SerializationSchema<byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(byte[] element) {
            return element;
        }
    }
}
