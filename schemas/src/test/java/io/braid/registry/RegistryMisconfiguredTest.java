package io.braid.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.braid.avro.SensorChunk;
import io.braid.serde.ConfluentAvroDeserializer;
import io.braid.serde.SerdeConfig;
import io.braid.serde.WireFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 404 without a Confluent error body (wrong URL or path prefix, a proxy, an HTML page) is "registry misconfigured",
 * not "schema not found", against a real HTTP server (the JDK's) on a free port.
 */
@Timeout(60)
class RegistryMisconfiguredTest {
    private static final byte[] FRAMED_ID_7 = {0, 0, 0, 0, 7, 2, 4};

    private HttpServer http;
    private String base;

    @BeforeEach
    void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        answer("/plain", "text/plain", "404 page not found");
        answer(
                "/html",
                "text/html",
                "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>");
        answer("/empty", "text/plain", "");
        answer("/json-other", "application/json", "{\"status\":404,\"error\":\"Not Found\",\"path\":\"/x\"}");
        answer(
                "/sr",
                RestSchemaRegistryClient.CONTENT_TYPE,
                "{\"error_code\":40403,\"message\":\"Schema 7 not found\"}");
        http.start();
        base = "http://127.0.0.1:" + http.getAddress().getPort();
    }

    private void answer(String prefix, String contentType, String body) {
        http.createContext(prefix, ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", contentType);
            ex.sendResponseHeaders(404, b.length == 0 ? -1 : b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    @Test
    void aNon404xxNotFoundIsMisconfiguredAndNamesTheUrl() {
        for (String path : new String[] {"/plain", "/html", "/empty", "/json-other"}) {
            RestSchemaRegistryClient client = new RestSchemaRegistryClient(base + path);
            RegistryException e = assertThrows(RegistryException.class, () -> client.schemaById(7), path);
            assertInstanceOf(RegistryMisconfiguredException.class, e, path);
            assertTrue(e.isMisconfigured(), path);
            assertFalse(e.isNotFound(), path);
            assertFalse(e.isRetriable(), path);
            assertTrue(e.getMessage().contains(base + path), e.getMessage());
            assertTrue(e.getMessage().contains("does not look like a Confluent-compatible registry"), e.getMessage());
            assertEquals(1, client.requestCount(), "a misconfiguration is not retried: " + path);
            // lookup() maps genuine 40401/40403 to empty; a misconfigured URL must not look like "not registered"
            assertThrows(RegistryMisconfiguredException.class, () -> client.lookup("s", InMemorySchemaRegistryTest.V1));
        }
    }

    @Test
    void aConfluent40403StaysSchemaNotFound() {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(base + "/sr");
        RegistryException e = assertThrows(RegistryException.class, () -> client.schemaById(7));
        assertFalse(e instanceof RegistryMisconfiguredException);
        assertEquals(RegistryException.SCHEMA_NOT_FOUND, e.errorCode());
        assertTrue(e.isNotFound());
    }

    @Test
    void aWrongPathPrefixOnARealRegistryIsMisconfigured() {
        // Confluent (and the embedded server) answer an unknown path with {"error_code":404}: not a 404xx code
        try (EmbeddedRegistryServer server = new EmbeddedRegistryServer(0).start()) {
            RestSchemaRegistryClient wrongPrefix = new RestSchemaRegistryClient(server.url() + "/apis/ccompat/v7");
            assertThrows(RegistryMisconfiguredException.class, () -> wrongPrefix.schemaById(1));
            RestSchemaRegistryClient right = new RestSchemaRegistryClient(server.url());
            assertEquals(
                    RegistryException.SCHEMA_NOT_FOUND,
                    assertThrows(RegistryException.class, () -> right.schemaById(1))
                            .errorCode());
        }
    }

    @Test
    void theDeserializerReportsMisconfiguredNotUnknownSchemaId() {
        WireFormatException misconfigured = assertThrows(
                WireFormatException.class, () -> deserializer(base + "/html").deserialize("t", FRAMED_ID_7));
        assertEquals(WireFormatException.Reason.REGISTRY_MISCONFIGURED, misconfigured.reason());
        assertTrue(misconfigured.getMessage().contains(base + "/html"), misconfigured.getMessage());

        WireFormatException unknown = assertThrows(
                WireFormatException.class, () -> deserializer(base + "/sr").deserialize("t", FRAMED_ID_7));
        assertEquals(WireFormatException.Reason.UNKNOWN_SCHEMA_ID, unknown.reason());
    }

    private static ConfluentAvroDeserializer<SensorChunk> deserializer(String url) {
        return new ConfluentAvroDeserializer<>(SensorChunk.class, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, url));
    }
}
