package io.braid.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.braid.avro.SensorChunk;
import io.braid.flink.decode.InputEvent;
import io.braid.flink.decode.RecordValidator;
import io.braid.flink.kafka.DecodingSchema;
import io.braid.serde.ConfluentAvroDeserializer;
import io.braid.serde.SerdeConfig;
import io.braid.serde.WireFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A registry URL that does not answer like a Confluent registry fails the task (Flink restarts it) instead of
 * dead-lettering every record; a genuine 40403 stays a dead letter. Real HTTP (the JDK's server on a free port).
 */
@Timeout(60)
class DecodingSchemaRegistryErrorTest {
    private static final byte[] FRAMED_ID_7 = {0, 0, 0, 0, 7, 2, 4};

    private final WindowJobOptions o = new WindowJobOptions();
    private HttpServer http;
    private String base;

    @BeforeEach
    void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        answer("/proxy", "text/html", "<html><body><h1>404 Not Found</h1>nginx</body></html>");
        answer(
                "/sr",
                "application/vnd.schemaregistry.v1+json",
                "{\"error_code\":40403,\"message\":\"Schema 7 not found\"}");
        http.start();
        base = "http://127.0.0.1:" + http.getAddress().getPort();
    }

    private void answer(String prefix, String contentType, String body) {
        http.createContext(prefix, ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", contentType);
            ex.sendResponseHeaders(404, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    private InputEvent decode(String registryUrl) throws IOException {
        ConsumerRecord<byte[], byte[]> rec = new ConsumerRecord<>(
                "robot.sensor",
                0,
                5L,
                1_700_000_000_000L,
                TimestampType.CREATE_TIME,
                0,
                FRAMED_ID_7.length,
                "r1".getBytes(StandardCharsets.UTF_8),
                FRAMED_ID_7,
                new RecordHeaders(),
                java.util.Optional.empty());
        ConfluentAvroDeserializer<SensorChunk> d = new ConfluentAvroDeserializer<>(
                SensorChunk.class, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl));
        return DecodingSchema.decode(rec, d, new RecordValidator(o), o);
    }

    @Test
    void aMisconfiguredRegistryFailsTheTaskAndWritesNoDeadLetter() {
        IOException e = assertThrows(IOException.class, () -> decode(base + "/proxy"));
        assertTrue(e.getMessage().contains("misconfigured"), e.getMessage());
        assertTrue(e.getMessage().contains(base + "/proxy"), e.getMessage());
        WireFormatException cause = assertInstanceOf(WireFormatException.class, e.getCause());
        assertEquals(WireFormatException.Reason.REGISTRY_MISCONFIGURED, cause.reason());
    }

    @Test
    void aGenuineUnknownSchemaIdIsADeadLetter() throws IOException {
        InputEvent e = decode(base + "/sr");
        assertTrue(e.isDead());
        assertEquals(WireFormatException.Reason.UNKNOWN_SCHEMA_ID.name(), e.deadLetter.getReason());
        assertEquals(5L, e.deadLetter.getSourceOffset());
    }
}
