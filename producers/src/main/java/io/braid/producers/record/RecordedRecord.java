package io.braid.producers.record;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * The Avro container-file layout of a recording: one file per topic, one entry per Kafka record with its partition,
 * offset, timestamp, key and value bytes exactly as on the wire (Confluent framing, malformed records included).
 * The first entry that uses a registry schema id carries that schema's text, so a replay can register it elsewhere.
 */
public final class RecordedRecord {
    public static final String META_TOPIC = "braid.topic";
    public static final String META_FORMAT = "braid.recording";
    public static final String FORMAT_VERSION = "1";

    public static final Schema SCHEMA = SchemaBuilder.record("RecordedKafkaRecord")
            .namespace("io.braid.recording")
            .doc("One Kafka record as recorded by `braid record`.")
            .fields()
            .name("partition")
            .doc("Partition the record was read from.")
            .type()
            .intType()
            .noDefault()
            .name("offset")
            .doc("Offset within the partition.")
            .type()
            .longType()
            .noDefault()
            .name("timestamp")
            .doc("Kafka record timestamp, epoch ms.")
            .type()
            .longType()
            .noDefault()
            .name("timestamp_type")
            .doc("CreateTime or LogAppendTime.")
            .type()
            .stringType()
            .noDefault()
            .name("key")
            .doc("Key bytes, null for none.")
            .type()
            .nullable()
            .bytesType()
            .noDefault()
            .name("value")
            .doc("Value bytes as on the wire, null for a tombstone.")
            .type()
            .nullable()
            .bytesType()
            .noDefault()
            .name("schema_id")
            .doc("Registry schema id of a Confluent-framed value, else null.")
            .type()
            .nullable()
            .intType()
            .noDefault()
            .name("writer_schema")
            .doc("Schema text for schema_id, on its first use in this file.")
            .type()
            .nullable()
            .stringType()
            .noDefault()
            .endRecord();

    private RecordedRecord() {}

    /** The schema id of a Confluent-framed value (magic 0 + 4 bytes), or null. */
    public static Integer schemaId(byte[] value) {
        if (value == null || value.length < 5 || value[0] != 0) return null;
        return ((value[1] & 0xff) << 24) | ((value[2] & 0xff) << 16) | ((value[3] & 0xff) << 8) | (value[4] & 0xff);
    }

    /** A copy of {@code value} with its schema id replaced. */
    public static byte[] withSchemaId(byte[] value, int id) {
        byte[] b = value.clone();
        b[1] = (byte) (id >>> 24);
        b[2] = (byte) (id >>> 16);
        b[3] = (byte) (id >>> 8);
        b[4] = (byte) id;
        return b;
    }

    /** File name for a topic's recording. */
    public static String fileName(String topic) {
        return topic + ".avro";
    }
}
