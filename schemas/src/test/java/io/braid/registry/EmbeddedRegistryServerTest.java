package io.braid.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.braid.serde.SerdeConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EmbeddedRegistryServerTest {
    private EmbeddedRegistryServer server;
    private RestSchemaRegistryClient client;

    @BeforeEach
    void start() {
        server = new EmbeddedRegistryServer(0).start();
        client = new RestSchemaRegistryClient(server.url());
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void restClientCoversTheSubset() {
        int id = client.register("orders-value", InMemorySchemaRegistryTest.V1);
        assertEquals(1, id);
        assertEquals(id, client.register("other/subject with space", InMemorySchemaRegistryTest.V1));
        assertEquals(List.of("orders-value", "other/subject with space"), client.subjects());
        int id2 = client.register("orders-value", InMemorySchemaRegistryTest.V2);
        assertEquals(2, id2);
        assertEquals(List.of(1, 2), client.versions("orders-value"));
        RegisteredSchema latest = client.latest("orders-value");
        assertEquals(2, latest.version());
        assertEquals(id2, latest.id());
        assertEquals(1, client.version("orders-value", 1).id());
        assertTrue(client.schemaById(1).contains("\"Ev\""));
        assertEquals(
                id2,
                client.lookup("orders-value", InMemorySchemaRegistryTest.V2)
                        .orElseThrow()
                        .id());
        assertTrue(client.lookup("orders-value", InMemorySchemaRegistryTest.V3.replace("Ev", "Zz"))
                .isEmpty());
        assertTrue(client.lookup("missing", InMemorySchemaRegistryTest.V1).isEmpty());

        assertTrue(client.testCompatibility("orders-value", InMemorySchemaRegistryTest.V3));
        List<String> why = client.compatibilityMessages("orders-value", InMemorySchemaRegistryTest.BAD);
        assertFalse(why.isEmpty());
        RegistryException e = assertThrows(
                RegistryException.class, () -> client.register("orders-value", InMemorySchemaRegistryTest.BAD));
        assertEquals(409, e.status());
        assertTrue(e.isIncompatible());

        assertEquals(CompatibilityLevel.BACKWARD, client.getCompatibility(null));
        client.setCompatibility("orders-value", CompatibilityLevel.FULL_TRANSITIVE);
        assertEquals(CompatibilityLevel.FULL_TRANSITIVE, client.getCompatibility("orders-value"));
        assertEquals(CompatibilityLevel.BACKWARD, client.getCompatibility("other"));
        client.setCompatibility(null, CompatibilityLevel.NONE);
        assertEquals(CompatibilityLevel.NONE, client.getCompatibility(null));

        assertEquals(
                RegistryException.SCHEMA_NOT_FOUND,
                assertThrows(RegistryException.class, () -> client.schemaById(4711))
                        .errorCode());
        assertEquals(
                RegistryException.SUBJECT_NOT_FOUND,
                assertThrows(RegistryException.class, () -> client.latest("nope"))
                        .errorCode());
        assertEquals(
                RegistryException.VERSION_NOT_FOUND,
                assertThrows(RegistryException.class, () -> client.version("orders-value", 9))
                        .errorCode());
        assertEquals(List.of(1), client.deleteSubject("other/subject with space", false));
        assertEquals(List.of("orders-value"), client.subjects());
    }

    @Test
    void rawHttpShapesAndErrorBodies() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        String body = json.writeValueAsString(Map.of("schema", InMemorySchemaRegistryTest.V1));
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/subjects/s/versions?normalize=false"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(
                RestSchemaRegistryClient.CONTENT_TYPE,
                r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(1, json.readTree(r.body()).get("id").asInt());

        JsonNode err = json.readTree(get(http, "/schemas/ids/77").body());
        assertEquals(40403, err.get("error_code").asInt());
        assertTrue(err.get("message").asText().contains("77"));
        assertEquals(
                40408,
                json.readTree(get(http, "/config/s").body()).get("error_code").asInt());
        assertEquals(
                "BACKWARD",
                json.readTree(get(http, "/config/s?defaultToGlobal=true").body())
                        .get("compatibilityLevel")
                        .asText());
        assertEquals("[\"AVRO\"]", get(http, "/schemas/types").body());
        assertEquals(404, get(http, "/nothing/here").statusCode());
        HttpResponse<String> put = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/config"))
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"sideways\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(422, put.statusCode());
        assertEquals(42203, json.readTree(put.body()).get("error_code").asInt());
        HttpResponse<String> proto = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/subjects/p/versions"))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(42201, json.readTree(proto.body()).get("error_code").asInt());
    }

    private HttpResponse<String> get(HttpClient http, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(server.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void cachesIdsForeverAndLatestForItsTtl() {
        int id = client.register("c", InMemorySchemaRegistryTest.V1);
        int before = server.requestCount();
        for (int i = 0; i < 5; i++) {
            client.register("c", InMemorySchemaRegistryTest.V1);
            client.schemaById(id);
            client.latest("c");
        }
        assertEquals(before + 2, server.requestCount(), "one GET by id, one GET latest");
        RestSchemaRegistryClient noTtl =
                new RestSchemaRegistryClient(server.url(), Map.of(SerdeConfig.LATEST_CACHE_TTL_SEC, "0"));
        int start = server.requestCount();
        noTtl.latest("c");
        noTtl.latest("c");
        assertEquals(start + 2, server.requestCount());
    }

    @Test
    void failsOverToTheNextUrlAndReportsUnreachable() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        RestSchemaRegistryClient failover = new RestSchemaRegistryClient(
                "http://127.0.0.1:" + dead + "," + server.url(), Map.of(SerdeConfig.RETRIES_WAIT_MS, "1"));
        assertEquals(1, failover.register("f", InMemorySchemaRegistryTest.V1));
        RestSchemaRegistryClient nowhere = new RestSchemaRegistryClient(
                "http://127.0.0.1:" + dead, Map.of(SerdeConfig.MAX_RETRIES, "2", SerdeConfig.RETRIES_WAIT_MS, "1"));
        RegistryException e = assertThrows(RegistryException.class, () -> nowhere.schemaById(1));
        assertEquals(RegistryException.UNREACHABLE, e.status());
        assertTrue(e.isRetriable());
    }

    @Test
    void basicAuthWithUserInfo() {
        try (EmbeddedRegistryServer secured =
                new EmbeddedRegistryServer(0).withBasicAuth("braid:s3cret").start()) {
            RestSchemaRegistryClient anonymous = new RestSchemaRegistryClient(secured.url());
            assertEquals(
                    401,
                    assertThrows(RegistryException.class, () -> anonymous.subjects())
                            .status());
            RestSchemaRegistryClient authed = new RestSchemaRegistryClient(
                    secured.url(),
                    Map.of(
                            SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                            SerdeConfig.BASIC_AUTH_USER_INFO, "braid:s3cret"));
            assertEquals(1, authed.register("a", InMemorySchemaRegistryTest.V1));
            RestSchemaRegistryClient viaUrl = new RestSchemaRegistryClient(
                    secured.url().replace("http://", "http://braid:s3cret@"),
                    Map.of(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "URL"));
            assertEquals(List.of("a"), viaUrl.subjects());
        }
    }

    @Test
    void registryClientsPicksImplementationFromUrl() {
        assertTrue(RegistryClients.create(server.url()) instanceof RestSchemaRegistryClient);
        SchemaRegistryClient a = RegistryClients.create("mock://clients-test");
        SchemaRegistryClient b = RegistryClients.create(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://clients-test"));
        assertTrue(a == b, "one shared registry per mock scope");
        RegistryClients.dropMockScope("clients-test");
        assertThrows(org.apache.kafka.common.config.ConfigException.class, () -> RegistryClients.create(Map.of()));
    }
}
