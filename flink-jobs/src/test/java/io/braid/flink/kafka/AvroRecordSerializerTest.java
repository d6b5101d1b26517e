package io.braid.flink.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.braid.avro.MultimodalWindow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class AvroRecordSerializerTest {

    /**
     * An output record must not carry its (possibly years old) event time as the Kafka timestamp: the broker's
     * time-based retention would delete it at its next pass. The producer stamps it with the time of writing.
     */
    @Test
    void outputRecordsCarryNoEventTimeTimestamp() {
        MultimodalWindow w = new MultimodalWindow();
        w.setSourceId("robot-0");
        w.setWindowEnd(Instant.parse("2025-01-01T00:00:01Z"));
        byte[] value = {0, 1, 2};
        ProducerRecord<byte[], byte[]> r = AvroRecordSerializer.record("mm.windows", w, value);
        assertNull(r.timestamp());
        assertEquals("mm.windows", r.topic());
        assertArrayEquals("robot-0".getBytes(StandardCharsets.UTF_8), r.key());
        assertArrayEquals(value, r.value());
    }
}
